"""Typed use: `parse`, `chat`, `train`, `setup`, and `run` (what `make run` starts)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Iterator, Optional, TextIO

from assistant.errors import ConfigError


def _lines(text: Optional[str], stream: TextIO) -> Iterator[str]:
    """TEXT if given, else one utterance per stdin line."""
    if text is not None:
        yield text
        return
    for line in stream:
        yield line.rstrip("\r\n")


def _tolerant_stdio() -> None:
    """Undecodable bytes in typed input become U+FFFD instead of a crash."""
    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def _report_prompt_problems() -> None:
    """One stderr line per entry skipped from the couple's prompts file (the built-ins still work)."""
    from assistant.content import load_library

    for line in load_library().problems:
        print(f"companion: {line}", file=sys.stderr, flush=True)


def _settings(args: argparse.Namespace) -> Any:
    from assistant import settings

    return settings.load().with_partners(getattr(args, "partners", None))


def cmd_parse(args: argparse.Namespace) -> int:
    """NLU only: one JSON line (or a readable line) per utterance."""
    from assistant.dialogue.runtime import open_engine

    _tolerant_stdio()
    engine = open_engine(_settings(args), quiet=args.json)
    for line in _lines(" ".join(args.text) if args.text else None, sys.stdin):
        parse = engine.parse(line)
        if args.json:
            print(json.dumps(parse.to_json(), ensure_ascii=False), flush=True)
        else:
            ents = " ".join(f"{e.entity}={e.value}" for e in parse.entities)
            print(f"{parse.intent} ({parse.confidence:.2f}) {ents}".rstrip(), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A typed conversation, one line per turn."""
    from assistant import paths

    _tolerant_stdio()
    paths.session_home()  # a data dir we cannot write is reported now, not in the middle of a check-in
    return run_chat(_settings(args), as_json=args.json)


def run_chat(settings: Any, as_json: bool = False) -> int:
    """Typed turns from stdin until it ends; every typed line is addressed to the companion."""
    from assistant.dialogue.runtime import open_engine

    _report_prompt_problems()
    interactive = sys.stdin.isatty() and not as_json
    engine = open_engine(settings, quiet=as_json)
    try:
        _chat_turns(engine, settings, interactive, as_json)
    finally:
        engine.close()  # also saves any check-in answer the journal still holds
    return 0


def _chat_turns(engine: Any, settings: Any, interactive: bool, as_json: bool) -> None:
    """Read typed lines and print the replies until stdin ends."""
    from assistant.commands.privacy import escape_unprintable
    from assistant.settings import printable

    if interactive:
        a, b = settings.partners
        print(f"Typed chat with {a} and {b}. Try \"let's do our bedtime check-in\" or \"give us a conversation starter\". Ctrl-D to leave.")
    while True:
        if interactive:
            try:
                line = input("you> ")
            except EOFError:
                print()
                break
        else:
            line = sys.stdin.readline()
            if not line:
                break
            line = line.rstrip("\r\n")
        reply = engine.respond(line)
        if as_json:
            print(escape_unprintable(json.dumps(reply.to_json(), ensure_ascii=False)), flush=True)
        else:
            for text in reply.texts:
                print(f"companion: {printable(text)}", flush=True)


def cmd_train(args: argparse.Namespace) -> int:
    """Train the dialogue model if its data changed (or always with --force)."""
    from assistant.dialogue import training

    settings = _settings(args)
    result = training.train(training.default_model_dir(settings.model_dir), force=args.force)
    state = f"trained in {result.seconds:.1f} s" if result.trained else "up to date"
    print(f"dialogue model {state}: {result.path}")
    return 0


def ask_names(current: Any) -> str:
    """Both partners' names, asked on the terminal (the current ones as defaults); Ctrl-D saves nothing."""
    try:
        first = input(f"First partner's name [{current.partners[0]}]: ").strip() or current.partners[0]
        second = input(f"Second partner's name [{current.partners[1]}]: ").strip() or current.partners[1]
    except EOFError:
        print(file=sys.stderr)
        raise ConfigError('no names given, nothing saved; set them any time with: companion setup --partners "A,B"') from None
    return f"{first},{second}"


def save_setup(partners: Optional[str] = None, journal: Optional[str] = None, bedtime_hour: Optional[int] = None,
               interactive: bool = False) -> Any:
    """Store names and preferences in the config file; returns the saved settings."""
    import dataclasses

    from assistant import paths, settings as settings_mod

    paths.writable_home()
    if not partners and interactive:
        partners = ask_names(settings_mod.load())

    def change(current: Any) -> Any:
        updated = current.with_partners(partners)
        if journal is not None:
            updated = dataclasses.replace(updated, journal=journal == "on")
        if bedtime_hour is not None:
            updated = dataclasses.replace(updated, voice=dataclasses.replace(updated.voice, bedtime_hour=bedtime_hour))
        return updated

    updated = settings_mod.update(change)  # locked, validated (the bedtime hour's range too), saved
    path = paths.config_file()
    a, b = updated.partners
    print(f"saved {path}: partners {a} and {b}, journal {'on' if updated.journal else 'off'}")
    return updated


def cmd_setup(args: argparse.Namespace) -> int:
    """Store partner names and preferences in the config file."""
    save_setup(args.partners, args.journal, args.bedtime_hour, interactive=sys.stdin.isatty())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Hands-free when a microphone is present, typed chat otherwise."""
    from assistant import paths
    from assistant.commands import listen_available

    if not args.partners and not paths.config_file().exists() and sys.stdin.isatty():
        print("Welcome. First, your two names, so I can address each of you.")
        save_setup(interactive=True)
    settings = _settings(args)
    reason = listen_available()
    if reason is None:
        from assistant.commands.listen import run_live

        return run_live(settings)
    print(f"companion: {reason}; starting typed chat instead.", file=sys.stderr)
    _tolerant_stdio()
    paths.session_home()
    return run_chat(settings)


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the typed-use commands."""
    p = sub.add_parser("parse", help="show how the companion understands an utterance")
    p.add_argument("--json", action="store_true", help="one JSON line per utterance")
    p.add_argument("text", nargs="*", help="the utterance (default: one per stdin line)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("chat", help="talk to the companion by typing")
    p.add_argument("--json", action="store_true", help="one JSON line per turn")
    p.add_argument("--partners", help='the two names, like "Sam,Alex"')
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("train", help="train the dialogue model if its data changed")
    p.add_argument("--force", action="store_true", help="train even if up to date")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("setup", help="set partner names and preferences")
    p.add_argument("--partners", help='the two names, like "Sam,Alex"')
    p.add_argument("--journal", choices=("on", "off"), help="keep check-in answers in a private local journal")
    p.add_argument("--bedtime-hour", type=int, help="hour (0-23) after which the voice gets quieter and slower")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("run", help="start the companion: hands-free if there is a microphone, else typed chat")
    p.add_argument("--partners", help='the two names, like "Sam,Alex"')
    p.set_defaults(func=cmd_run)
