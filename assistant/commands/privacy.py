"""`companion journal show|export` and `companion forget --yes`: see and erase what is kept."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from assistant.errors import StorageError
from assistant.output import OutputClosed, silence_stdout
from assistant.settings import printable

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

    report = sub.add_parser("report", help="a private HTML page: how connected you felt by week, check-in counts")
    report.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page (mode 0600)")
    report.add_argument("--png", metavar="FILE.png", help="also write the chart as a PNG (needs matplotlib)")
    report.add_argument("--view", choices=("us", "each"), default="us",
                        help="us: one line for the two of you together (default); each: each partner's own line")
    report.set_defaults(func=journal_report)

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

    if not os.path.lexists(paths.journal_file()):
        return []
    journal = Journal.open_to_read()
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
                print(f"  {printable(answer['question'] or question)}")
            rating = f"  [{printable(answer['rating'])} of 5]" if answer["rating"] else ""
            print(f"    {printable(answer['partner'])}: {printable(answer['answer'])}{rating}")
    return 0


def journal_report(args: argparse.Namespace) -> int:
    """Write the look-back page from the journal; say where it went."""
    from assistant import report, settings

    entries = _entries()
    page, png = report.write(Path(args.out), entries, settings.load().partners, Path(args.png) if args.png else None,
                             view=args.view)
    if not entries:
        print(f"companion: {_empty_hint()}", file=sys.stderr)
    print(f"wrote {page}" + (f" and {png}" if png else ""))
    if args.png and png is None:
        print("companion: no chart: there are no ratings yet, or matplotlib is not installed", file=sys.stderr)
    return 0


def export_journal(args: argparse.Namespace) -> int:
    """Every answer as a JSON object per line: who, check-in, question, words, rating, when."""
    import json

    entries = _entries()
    try:
        for entry in entries:
            sys.stdout.write(escape_unprintable(json.dumps(entry, ensure_ascii=False)) + "\n")
        sys.stdout.flush()
    except OutputClosed as closed:
        silence_stdout()
        if closed.pipe_closed:
            raise
        raise StorageError(f"cannot write the export: {closed.reason}") from None
    return 0


def escape_unprintable(line: str) -> str:
    """A JSON line with control and bidi characters written as \\u escapes (still the same JSON)."""
    import json

    return "".join(ch if printable(ch) == ch else json.dumps(ch)[1:-1] for ch in line)


def kept_items() -> List[Tuple[str, List[Path]]]:
    """Everything the companion may keep, with the words that describe it."""
    from assistant import paths
    from assistant.journal import side_files
    from assistant.store import lock_file

    home = paths.home()
    journal = paths.journal_file()
    state = paths.state_file()
    config = paths.config_file()
    prompts = paths.user_prompts_file()
    return [
        ("the journal", [journal, *side_files(journal)]),
        ("rotation history and check-in order (state.json)", [state, lock_file(state), state.with_suffix(".corrupt")]),
        ("partner names and settings (config.yml)", [config, lock_file(config)]),
        ("your own conversation starters (prompts.yml)", [prompts, lock_file(prompts)]),
        ("downloaded and trained models", made_models(paths.user_models_dir())),
        ("speech recognition cache", made_cache(home / "cache")),
        ("unfinished temporary files", [*_temp_files(home), *home.glob(".write-test*")] if home.is_dir() else []),
    ]


def made_models(root: Path) -> List[Path]:
    """What the companion put in models/: Vosk models it downloaded, its Rasa models, their leftovers."""
    from assistant.recognizers.models import looks_like_vosk_model

    found: List[Path] = []
    for path in _children(root):
        if path.is_symlink():
            continue
        if path.name.startswith(".") and path.is_dir():  # an interrupted download's work folder
            found.append(path)
        elif path.name == "rasa" and path.is_dir():
            found.extend(p for p in _children(path) if not p.is_symlink() and _made_rasa(p.name))
        elif path.is_dir() and (path.name.startswith("vosk-model") or looks_like_vosk_model(path)):
            found.append(path)
    return found


def _made_rasa(name: str) -> bool:
    return name == ".rasa-cache" or (name.startswith("companion-") and ".tar.gz" in name) or name.startswith(".companion-")


def made_cache(root: Path) -> List[Path]:
    """What the companion put in cache/: built language models under cache/lm."""
    lm = root / "lm"
    if lm.is_symlink():
        return []
    return [p for p in _children(lm) if not p.is_symlink() and _made_lm(p)]


def _made_lm(path: Path) -> bool:
    import re

    if path.is_file():
        return re.fullmatch(r"generic-[0-9a-f]{16}\.json(\.\w+)?", path.name) is not None
    return re.fullmatch(r"[0-9a-f]{16}", path.name) is not None and all(
        p.name in ("domain.lm", "domain.dict", "meta.json") or p.name.startswith(".") for p in path.iterdir())


def _children(folder: Path) -> List[Path]:
    try:
        return sorted(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []
    except OSError:
        return []


def _temp_files(home: Path) -> List[Path]:
    """Leftovers of interrupted atomic writes (`.config.yml.x1y2` and the like)."""
    names = ("config.yml", "state.json", "prompts.yml")
    return [p for name in names for p in home.glob(f".{name}.*")] if home.is_dir() else []


def _remove(path: Path) -> bool:
    """Delete a file or folder (a link itself, never what it points to); True if something was there."""
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


def _outside_links(items: Iterable[Path], home: Path) -> List[str]:
    """Kept items that are links: their targets are not the companion's to erase, so they are named."""
    notes = []
    for path in items:
        if path.is_symlink():
            notes.append(f"{path.name} was a link to {printable(str(path.resolve()))}, which was left in place")
    return notes


def _empty_dirs(home: Path) -> None:
    """Remove the companion's own folders once they are empty (models/rasa, models, cache/lm, cache)."""
    for folder in (home / "models" / "rasa", home / "models", home / "cache" / "lm", home / "cache"):
        try:
            if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                folder.rmdir()
        except OSError:
            pass


def _user_files(home: Path) -> List[str]:
    """Whatever is left in the data dir: not made by the companion."""
    left: List[str] = []
    for folder, dirs, files in os.walk(home):
        for name in files + [d for d in dirs if (Path(folder) / d).is_symlink()]:
            left.append(str((Path(folder) / name).relative_to(home)))
    return sorted(left)


def forget_everything(args: argparse.Namespace) -> int:
    """Erase the journal, state, config, own prompts and the companion's models; say what went and what stayed."""
    from assistant import paths
    from assistant.store import no_session_running

    if not args.yes:
        print("companion: this erases the journal, settings, history and downloaded models; add --yes to do it", file=sys.stderr)
        return 2
    home = paths.home()
    if not home.is_dir():
        print(f"Nothing to erase: the companion keeps nothing in {home}.")
        return 0
    removed, notes = [], []
    with no_session_running():
        for label, items in kept_items():
            notes.extend(_outside_links(items, home))
            if any([_remove(path) for path in items]):
                removed.append(label)
        _empty_dirs(home)
        left = _user_files(home)
        still = [p for _, items in kept_items() for p in items if p.exists() or p.is_symlink()]
        if still:
            raise StorageError(f"could not erase {', '.join(str(p) for p in still)}; try again")
    if not left:
        try:
            home.rmdir()
        except OSError:
            pass
    if removed:
        print("Erased: " + "; ".join(removed) + ".")
    else:
        print(f"Nothing to erase: the companion keeps nothing in {home}.")
    for note in notes:
        print(f"Note: {note}.")
    if left:
        print(f"Left in place (not made by the companion): {', '.join(printable(n) for n in left)} in {home}")
    return 0
