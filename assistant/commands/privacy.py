"""`companion journal show|export` and `companion forget --yes`: see and erase what is kept."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

KIND_TITLES = {"bedtime": "Bedtime check-in", "after_intimacy": "After-intimacy check-in"}


def register(subparsers: Any) -> None:
    """Add the `journal` group and `forget`."""
    parser = subparsers.add_parser("journal", help="read or export the private check-in journal (opt-in)")
    sub = parser.add_subparsers(dest="journal_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: _usage(parser))

    show = sub.add_parser("show", help="the journal, grouped by check-in")
    show.set_defaults(func=show_journal)

    export = sub.add_parser("export", help="every answer as one JSON object per line")
    export.add_argument("--json", action="store_true", help="JSON lines (the only format)")
    export.set_defaults(func=export_journal)

    forget = subparsers.add_parser("forget", help="erase everything the companion keeps on this device")
    forget.add_argument("--yes", action="store_true", help="really erase it")
    forget.set_defaults(func=forget_everything)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _entries() -> List[Dict[str, Any]]:
    """The journal's answers; empty without creating anything if there is no journal yet."""
    from assistant import paths
    from assistant.journal import Journal

    if not paths.journal_file().exists():
        return []
    journal = Journal.open()
    try:
        return journal.entries()
    finally:
        journal.close()


def _empty_hint() -> str:
    from assistant import settings

    if settings.load().journal_enabled:
        return "The journal is empty: answers from your next check-in will appear here."
    return "The journal is off and empty. To keep check-in answers here: companion setup --journal on"


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%a %d %b %Y, %H:%M")
    except (TypeError, ValueError):
        return str(iso)


def group_by_checkin(entries: Iterable[Dict[str, Any]]) -> List[Tuple[str, List[Dict[str, Any]]]]:
    """Answers grouped by check-in session, in the order they were given."""
    groups: Dict[str, List[Dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(entry["session"], []).append(entry)
    return list(groups.items())


def show_journal(args: argparse.Namespace) -> int:
    """Print the journal readably: one block per check-in, questions with both partners' words."""
    entries = _entries()
    if not entries:
        print(_empty_hint())
        return 0
    for number, (_, answers) in enumerate(group_by_checkin(entries)):
        if number:
            print()
        first = answers[0]
        print(f"{KIND_TITLES.get(first['kind'], first['kind'])}, {_when(first['time'])}")
        question = None
        for answer in answers:
            if answer["question_id"] != question:
                question = answer["question_id"]
                print(f"  {answer['question'] or question}")
            rating = f"  [{answer['rating']} of 5]" if answer["rating"] else ""
            print(f"    {answer['partner']}: {answer['answer']}{rating}")
    return 0


def export_journal(args: argparse.Namespace) -> int:
    """Every answer as a JSON object per line: who, check-in, question, words, rating, when."""
    import json

    for entry in _entries():
        print(json.dumps(entry, ensure_ascii=False))
    return 0


def kept_items() -> List[Tuple[str, List[Path]]]:
    """Everything the companion may keep, with the words that describe it."""
    from assistant import paths
    from assistant.journal import side_files

    home = paths.home()
    journal = paths.journal_file()
    state = paths.state_file()
    config = paths.config_file()
    prompts = paths.user_prompts_file()
    return [
        ("the journal", [journal, *side_files(journal)]),
        ("rotation history and check-in order (state.json)", [state, state.with_suffix(".lock"), state.with_suffix(".corrupt")]),
        ("partner names and settings (config.yml)", [config]),
        ("your own conversation starters (prompts.yml)", [prompts]),
        ("downloaded and trained models", [paths.user_models_dir()]),
        ("speech recognition cache", [home / "cache"]),
        ("unfinished temporary files", [*_temp_files(home), home / ".write-test"]),
    ]


def _temp_files(home: Path) -> List[Path]:
    """Leftovers of interrupted atomic writes (`.config.yml.x1y2` and the like)."""
    names = ("config.yml", "state.json", "prompts.yml")
    return [p for name in names for p in home.glob(f".{name}.*")] if home.is_dir() else []


def _remove(path: Path) -> bool:
    """Delete a file or folder; True if something was there."""
    from assistant.errors import StorageError

    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            return False
    except OSError as err:
        raise StorageError(f"cannot erase {path} ({err.strerror or err}); nothing after it was erased") from err
    return True


def forget_everything(args: argparse.Namespace) -> int:
    """Erase the journal, state, config, own prompts and downloaded models; say what went."""
    from assistant import paths

    if not args.yes:
        print("companion: this erases the journal, settings, history and downloaded models; add --yes to do it", file=sys.stderr)
        return 2
    home = paths.home()
    removed = []
    for label, items in kept_items():
        if any([_remove(path) for path in items]):
            removed.append(label)
    left = sorted(p.name for p in home.iterdir()) if home.is_dir() else []
    if home.is_dir() and not left:
        home.rmdir()
    if removed:
        print("Erased: " + "; ".join(removed) + ".")
    else:
        print(f"Nothing to erase: the companion keeps nothing in {home}.")
    if left:
        print(f"Left in place (not made by the companion): {', '.join(left)} in {home}")
    return 0
