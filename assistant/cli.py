"""The `companion` command: parses arguments, runs a sub-command, turns errors into one line."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

from assistant import telemetry  # noqa: F401  (must run before anything imports Rasa)
from assistant.commands import MODULES
from assistant.errors import CompanionError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command group registered."""
    parser = argparse.ArgumentParser(
        prog="companion",
        description="An offline voice companion for couples. Nothing leaves this device.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CompanionError as err:
        print(f"companion: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
