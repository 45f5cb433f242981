"""The `companion` sub-commands, one module per group; each exposes `register(subparsers)`."""

MODULES = (
    "assistant.commands.chat",
    "assistant.commands.prompts",
    "assistant.commands.speech",
    "assistant.commands.listen",
    "assistant.commands.privacy",
    "assistant.commands.service",
)


def listen_available() -> "str | None":
    """None if hands-free listening can start here, else the reason it can't."""
    try:
        import assistant.commands.listen  # noqa: F401
    except ImportError:
        return "hands-free listening is not available in this build"
    from assistant.commands.listen import microphone_problem

    return microphone_problem()
