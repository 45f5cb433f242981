"""`companion prompts list|add`: browse the conversation starters and add your own."""

from __future__ import annotations

import argparse
import sys
from typing import Any


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
    for line in problems:
        print(f"companion: {line}", file=sys.stderr)


def list_prompts(args: argparse.Namespace) -> int:
    """Print the library, readable or as JSON lines."""
    import json

    from assistant.content import check_topic, load_library

    topic = check_topic(args.topic) if args.topic else None
    library = load_library()
    _report_problems(library.problems)
    for prompt in library.for_topic(topic):
        if args.json:
            print(json.dumps({"id": prompt.id, "topic": prompt.topic, "level": prompt.level or "gentle",
                              "text": prompt.text}, ensure_ascii=False))
        else:
            mine = "  (yours)" if prompt.source == "user" else ""
            print(f"{prompt.id:<18} {prompt.text}{mine}")
    return 0


def add_prompt(args: argparse.Namespace) -> int:
    """Save a new prompt to the user's prompts file and print its id."""
    from assistant.content import add_user_prompt, load_library

    prompt = add_user_prompt(args.topic, " ".join(args.text))
    _report_problems(load_library().problems)
    print(prompt.id)
    return 0
