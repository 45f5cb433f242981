"""Per-intent accuracy on NLU dev sets, before (a git ref's code and data) against after (this tree), in one run.

Each side trains an NLU-only model in a child process from its own tree (code, config and nlu/ data), then a
fresh child loads it and scores every file given: a Rasa NLU YAML file gets intent accuracy per class (and
entity accuracy overall), a .txt file of lines partners say to each other gets its not-for-me share and the
lines taken as a command at confidence >= 0.6 (the conversation commands too: request_bold, keep_gentle,
take_turns, play_favourite). `--final FILE` scores a set whose lines must never be read: aggregates only.

    .venv/bin/python bench/nlu_dev.py /work/blind10/commands_dev.yml --vs main --errors
    .venv/bin/python bench/nlu_dev.py DEV.yml tests/data/couple_talk_dev.txt --final tests/data/nlu_blind.yml --vs main
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

PROJECT = Path(__file__).resolve().parent.parent
TALK_COMMANDS = ("request_bold", "keep_gentle", "take_turns", "play_favourite")


def _use_tree(tree: Path) -> None:
    """Import `assistant` from `tree` (the ref's code on the before side), telemetry off."""
    sys.path.insert(0, str(tree))
    from assistant import telemetry  # noqa: F401


def train_child(tree: Path, out: Path) -> Dict[str, Any]:
    """Train `tree`'s NLU (its config, components and nlu/ data) into `out`; the model's path."""
    _use_tree(tree)
    import os

    os.environ["RASA_CACHE_DIRECTORY"] = str(out / "cache")
    from rasa.model_training import train_nlu

    model = train_nlu(str(tree / "nlu" / "config.yml"), str(tree / "nlu"), str(out / "models"),
                      domain=str(tree / "dialogues" / "domain.yml"))
    if not model:
        raise SystemExit(f"training failed in {tree}")
    return {"model": str(model)}


def score_yaml(parse: Any, path: Path, show: bool) -> Dict[str, Any]:
    """Per-class intent accuracy, overall intent and entity accuracy, the misses when `show`."""
    from assistant.dialogue.evaluate import evaluate, read_examples

    examples = read_examples(path)
    result = evaluate(parse, path)
    wrong = {e.text: e.predicted_intent for e in result.errors if e.expected_intent != e.predicted_intent}
    per: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    confusions: Dict[str, Counter[str]] = defaultdict(Counter)
    for example in examples:
        per[example.intent][1] += 1
        if example.text in wrong:
            confusions[example.intent][wrong[example.text]] += 1
        else:
            per[example.intent][0] += 1
    row: Dict[str, Any] = {"intent": round(result.intent_accuracy, 3), "entity": round(result.entity_accuracy, 3),
                           "n": result.n, "classes": {k: v for k, v in sorted(per.items())}}
    if show:
        row["confusions"] = {k: dict(v.most_common()) for k, v in confusions.items()}
        annotated = any(e.entities for e in examples)  # an unannotated set's entity "misses" are no misses
        row["misses"] = [str(e) for e in result.errors if annotated or e.expected_intent != e.predicted_intent]
    return row


def score_talk(parse: Any, path: Path, show: bool) -> Dict[str, Any]:
    """Not-for-me share and confident commands (conversation commands included) among couple talk."""
    from assistant.dialogue.evaluate import evaluate_talk, read_lines

    result = evaluate_talk(parse, path)
    extra = [(line, p.intent, p.confidence) for line in read_lines(path)
             for p in [parse(line)] if p.intent in TALK_COMMANDS and p.confidence >= 0.6]
    commands = result.commands + extra
    row: Dict[str, Any] = {"n": result.n, "not_for_me": round(result.not_for_me / max(result.n, 1), 3),
                           "commands": len(commands)}
    if show:
        row["misses"] = [f"{line!r} -> {intent} {conf:.2f}" for line, intent, conf in commands]
    return row


def eval_child(tree: Path, model: Path, files: List[Path], finals: List[Path], show: bool) -> Dict[str, Any]:
    """Load the model in this fresh process and score every file (finals: aggregates only)."""
    _use_tree(tree)
    from rasa.core.agent import Agent

    from nlu_pipelines import agent_parser  # this script's folder, whichever tree is scored

    parse = agent_parser(Agent.load(str(model)))

    scores: Dict[str, Any] = {}
    for path in files + finals:
        reveal = show and path not in finals
        scores[str(path)] = score_talk(parse, path, reveal) if path.suffix == ".txt" else score_yaml(parse, path, reveal)
        if path in finals:
            scores[str(path)].pop("classes", None)
    return scores


def _child(args: List[str]) -> Dict[str, Any]:
    """Run this script as a child process and read the JSON line it prints last."""
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=str(PROJECT))
    if done.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_side(tree: Path, files: List[Path], finals: List[Path], show: bool) -> Dict[str, Any]:
    """Train in one child, score in a fresh one."""
    with tempfile.TemporaryDirectory(prefix="nlu-dev-") as tmp:
        model = _child(["--train-child", str(tree), "--out", tmp])["model"]
        paths = [str(p.resolve()) for p in files]
        final_args = [a for p in finals for a in ("--final", str(p.resolve()))]
        return _child(["--eval-child", str(tree), "--model", model, *paths, *final_args, *(["--errors"] if show else [])])


def export_ref(ref: str, into: Path) -> Path:
    """`ref`'s tree (tracked files only) unpacked into `into`."""
    archive = subprocess.run(["git", "archive", ref], cwd=str(PROJECT), stdout=subprocess.PIPE, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"no such git ref: {ref}")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _cell(row: Dict[str, Any], key: str) -> str:
    """One class's "right/n" with its accuracy, or blank."""
    right, n = row.get("classes", {}).get(key, (0, 0))
    return f"{right}/{n} {right / n:.2f}" if n else ""


def print_report(sides: List[Tuple[str, Dict[str, Any]]], show: bool) -> None:
    """A table per file: one column per side."""
    names = [name for name, _ in sides]
    for path in sides[0][1]:
        rows = [scores[path] for _, scores in sides]
        print(f"\n{path}")
        if "classes" in rows[0] or "intent" in rows[0]:
            keys = sorted({k for r in rows for k in r.get("classes", {})})
            table = [(k, *(_cell(r, k) for r in rows)) for k in keys]
            table += [("intent", *(str(r["intent"]) for r in rows)), ("entity", *(str(r["entity"]) for r in rows))]
        else:
            table = [("not for me", *(str(r["not_for_me"]) for r in rows)),
                     ("commands >= 0.6", *(f"{r['commands']}/{r['n']}" for r in rows))]
        width = max(len(t[0]) for t in table)
        print("  ".join(["".ljust(width), *(n.ljust(14) for n in names)]))
        for label, *cells in table:
            print("  ".join([label.ljust(width), *(c.ljust(14) for c in cells)]))
        if show:
            for name, row in zip(names, rows):
                for line in row.get("misses", []):
                    print(f"  [{name}] {line}")


def main(argv: Optional[List[str]] = None) -> int:
    """Score this tree (and `--vs REF`'s) on the files given; print one table per file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="NLU YAML dev sets and couple-talk .txt files")
    parser.add_argument("--final", action="append", type=Path, default=[], help="a set scored in aggregate only")
    parser.add_argument("--vs", help="a git ref to score as well, as the 'before' side (its own code and data)")
    parser.add_argument("--errors", action="store_true", help="print the misses (never a --final set's)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON as well")
    parser.add_argument("--train-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--eval-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.train_child:
        print(json.dumps(train_child(args.train_child, args.out)))
        return 0
    if args.eval_child:
        print(json.dumps(eval_child(args.eval_child, args.model, args.files, args.final, args.errors)))
        return 0
    missing = [p for p in args.files + args.final if not p.is_file()]
    if missing or not (args.files or args.final):
        print(f"nlu_dev: no such file: {missing[0]}" if missing else "nlu_dev: give at least one file", file=sys.stderr)
        return 2
    sides: List[Tuple[str, Dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="nlu-dev-ref-") as tmp:
        if args.vs:
            sides.append((args.vs, run_side(export_ref(args.vs, Path(tmp)), args.files, args.final, args.errors)))
        sides.append(("this tree", run_side(PROJECT, args.files, args.final, args.errors)))
    print_report(sides, args.errors)
    if args.json:
        print(json.dumps(dict(sides), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
