"""`companion prompts list|add`: browse the conversation starters and add your own."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant.errors import ConfigError

MAX_PROMPT_CHARS = 200
MAX_PROMPTS_FILE_BYTES = 512 * 1024  # well under the 1 MB a user file may be, so adding can never lock them all out

def register(subparsers: Any) -> None:
    """Add the `prompts` command group."""
    parser = subparsers.add_parser("prompts", help="list the conversation starters or add your own")
    sub = parser.add_subparsers(dest="prompts_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: _usage(parser))

    listing = sub.add_parser("list", help="show the prompts, built-in and your own")
    listing.add_argument("--topic", help="only this topic")
    listing.add_argument("--json", action="store_true", help="one JSON object per line: id, topic, level, text")
    listing.set_defaults(func=list_prompts)

    adding = sub.add_parser("add", help="add a conversation starter of your own")
    adding.add_argument("--topic", required=True, help="the topic it belongs to")
    adding.add_argument("text", nargs="+", help="the question or invitation (at most 25 words)")
    adding.set_defaults(func=add_prompt)


def _usage(parser: argparse.ArgumentParser) -> int:
    """Print the group's help when no action is given."""
    parser.print_help()
    return 2


def _report_problems(problems: Any) -> None:
    """One stderr line per entry skipped from the user's prompts file."""
    from assistant.settings import printable

    for line in problems:
        print(f"companion: {printable(line)}", file=sys.stderr)


def list_prompts(args: argparse.Namespace) -> int:
    """Print the library, readable or as JSON lines."""
    import json

    from assistant.commands.privacy import escape_unprintable
    from assistant.content import check_topic, load_library
    from assistant.settings import printable

    topic = check_topic(args.topic) if args.topic else None
    library = load_library()
    _report_problems(library.problems)
    for prompt in library.for_topic(topic):
        if args.json:
            print(escape_unprintable(json.dumps({"id": prompt.id, "topic": prompt.topic,
                                                 "level": prompt.level or "gentle", "text": prompt.text},
                                                ensure_ascii=False)))
        else:
            mine = "  (yours)" if prompt.source == "user" else ""
            print(f"{printable(prompt.id):<18} {printable(prompt.text)}{mine}")
    return 0


def checked_text(words: Any) -> str:
    """The prompt as it will be kept: control and bidi characters taken out, and bounded in characters."""
    from assistant.settings import printable

    text = " ".join(printable(" ".join(words).replace("\t", " ")).split())
    if len(text) > MAX_PROMPT_CHARS:
        raise ConfigError(f"the prompt is {len(text)} characters long; keep it to {MAX_PROMPT_CHARS} characters or fewer")
    return text


def add_prompt(args: argparse.Namespace) -> int:
    """Save a new prompt to the user's prompts file and print its id."""
    from assistant import paths
    from assistant.content import add_user_prompt, load_library

    text = checked_text(args.text)
    try:
        size = paths.user_prompts_file().stat().st_size
    except OSError:
        size = 0
    if size > MAX_PROMPTS_FILE_BYTES:
        raise ConfigError(f"your prompts file {paths.user_prompts_file()} is full ({size // 1024} KB); "
                          "remove some prompts before adding more")
    prompt = add_user_prompt(args.topic, text)
    _report_problems(load_library().problems)
    print(prompt.id)
    return 0
