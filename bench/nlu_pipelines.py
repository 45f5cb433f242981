"""Compare NLU pipelines on our data: train, load, held-out and blind accuracy, parse speed, peak memory.

For each config one child process trains an NLU-only model into a temp dir (fresh Rasa
cache); a second, fresh child loads it as the app would and scores tests/data/nlu_heldout.yml,
the blind dev sets tests/data/nlu_blind_dev.yml ("blind" columns), nlu_blind_dev2.yml ("dev2"), nlu_blind_dev3.yml
("dev3"), nlu_blind_dev4.yml ("dev4") and nlu_blind_dev5.yml ("dev5"), the couple-talk
lines tests/data/couple_talk_dev.txt and couple_talk_dev2.txt ("talk cmd", "talk2 cmd": share parsed as a command at
confidence >= 0.6), and with --final the final blind sets tests/data/nlu_blind.yml and nlu_blind_final2.yml
(aggregates only, never their misses).
"load s" is Agent.load alone (after `import rasa.core.agent`, shown as "import s"); each
RSS is that child's own peak. Reliability tables (intent confidence bins against accuracy
on the blind sets) follow for each pipeline.

    .venv/bin/python bench/nlu_pipelines.py                      # ours vs Rasa's default (~8 min)
    .venv/bin/python bench/nlu_pipelines.py --all                # + the stock-components light pipeline
    .venv/bin/python bench/nlu_pipelines.py --errors nlu/config.yml     # dev-set misses, to read
    .venv/bin/python bench/nlu_pipelines.py --final nlu/config.yml      # + the final blind set, scored once
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIGS = [PROJECT / "nlu" / "config.yml", PROJECT / "bench" / "configs" / "rasa_default.yml"]
ALL_CONFIGS = [DEFAULT_CONFIGS[0], PROJECT / "bench" / "configs" / "light_stock.yml", DEFAULT_CONFIGS[1]]
NLU_DATA = PROJECT / "nlu"  # nlu.yml and lexicon.yml, as the app trains (config.yml there is not NLU data)
DOMAIN = PROJECT / "dialogues" / "domain.yml"
HELDOUT = PROJECT / "tests" / "data" / "nlu_heldout.yml"
BLIND_DEV = PROJECT / "tests" / "data" / "nlu_blind_dev.yml"
COUPLE_TALK = PROJECT / "tests" / "data" / "couple_talk_dev.txt"
BLIND_DEV2 = PROJECT / "tests" / "data" / "nlu_blind_dev2.yml"
COUPLE_TALK2 = PROJECT / "tests" / "data" / "couple_talk_dev2.txt"
BLIND_DEV3 = PROJECT / "tests" / "data" / "nlu_blind_dev3.yml"
BLIND_DEV4 = PROJECT / "tests" / "data" / "nlu_blind_dev4.yml"
BLIND_DEV5 = PROJECT / "tests" / "data" / "nlu_blind_dev5.yml"
# Column prefix -> dev set, beside the first ("blind") and second ("dev2") whose columns also hold talk and reliability
LATER_DEV_SETS = {"dev3": BLIND_DEV3, "dev4": BLIND_DEV4, "dev5": BLIND_DEV5}
FINAL_BLIND = PROJECT / "tests" / "data" / "nlu_blind.yml"
FINAL_BLIND2 = PROJECT / "tests" / "data" / "nlu_blind_final2.yml"
COLUMNS = (
    "pipeline", "train s", "load s", "intent acc", "entity acc", "blind intent", "blind entity", "talk cmd",
    "dev2 intent", "dev2 entity", "talk2 cmd", "dev3 intent", "dev3 entity", "dev4 intent", "dev4 entity",
    "dev5 intent", "dev5 entity",
    "final intent", "final entity", "final2 intent", "final2 entity", "ms/parse", "train RSS MB", "run RSS MB", "import s",
)


def _peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _quiet_rasa() -> None:
    """Telemetry off and a clean import path, before Rasa is imported."""
    sys.path.insert(0, str(PROJECT))
    from assistant import telemetry  # noqa: F401


def train_child(config: Path, nlu_data: Path, out: Path) -> Dict[str, Any]:
    """Train an NLU-only model into `out` with a fresh cache; seconds, path and peak RSS."""
    _quiet_rasa()
    os.environ["RASA_CACHE_DIRECTORY"] = str(out / "cache")
    from rasa.model_training import train_nlu

    start = time.perf_counter()
    model = train_nlu(str(config), str(nlu_data), str(out / "models"), domain=str(DOMAIN))
    seconds = time.perf_counter() - start
    if not model:
        raise SystemExit(f"training failed for {config}")
    return {"model": str(model), "train s": round(seconds, 1), "train RSS MB": round(_peak_rss_mb())}


def agent_parser(agent: Any) -> Callable[[str], Any]:
    """A loaded Rasa agent's NLU as a text -> Parse function, on an event loop of its own."""
    import asyncio

    from assistant.messages import Entity, Parse

    loop = asyncio.new_event_loop()

    def parse(text: str) -> Parse:
        data = loop.run_until_complete(agent.parse_message(text))
        intent = data.get("intent") or {}
        entities = tuple(Entity(e["entity"], str(e["value"])) for e in data.get("entities") or [])
        return Parse(text, intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), entities)

    return parse


def eval_child(model: Path, heldout: Path, show_errors: bool, final: bool = False) -> Dict[str, Any]:
    """Load a model in this fresh process and score it on the held-out file."""
    _quiet_rasa()

    start = time.perf_counter()
    from rasa.core.agent import Agent

    import_s = time.perf_counter() - start

    from assistant.dialogue.evaluate import evaluate, evaluate_talk, reliability, reliability_table

    start = time.perf_counter()
    agent = Agent.load(str(model))
    load_s = time.perf_counter() - start
    parse = agent_parser(agent)
    parse("warm up")
    start = time.perf_counter()
    result = evaluate(parse, heldout)
    parse_ms = (time.perf_counter() - start) * 1000.0 / max(result.n, 1)
    blind = evaluate(parse, BLIND_DEV)
    talk = evaluate_talk(parse, COUPLE_TALK)
    blind2 = evaluate(parse, BLIND_DEV2)
    talk2 = evaluate_talk(parse, COUPLE_TALK2)
    later = {name: evaluate(parse, path) for name, path in LATER_DEV_SETS.items()}
    if show_errors:  # never the final blind set's
        for error in result.errors + blind.errors + blind2.errors + [e for r in later.values() for e in r.errors]:
            print(f"  {error}", file=sys.stderr)
        for line, intent, confidence in talk.commands + talk2.commands:
            print(f"  talk {line!r} -> {intent} {confidence:.2f}", file=sys.stderr)
    scores: Dict[str, Any] = {}
    if final:  # aggregates only: the final blind set's misses are never shown
        last = evaluate(parse, FINAL_BLIND)
        last2 = evaluate(parse, FINAL_BLIND2)
        scores = {"final intent": round(last.intent_accuracy, 3), "final entity": round(last.entity_accuracy, 3),
                  "final2 intent": round(last2.intent_accuracy, 3), "final2 entity": round(last2.entity_accuracy, 3),
                  "final reliability": reliability_table(reliability(parse, FINAL_BLIND))}
    return {
        **scores,
        "dev2 intent": round(blind2.intent_accuracy, 3),
        "dev2 entity": round(blind2.entity_accuracy, 3),
        "talk2 cmd": round(len(talk2.commands) / max(talk2.n, 1), 3),
        "dev2 reliability": reliability_table(reliability(parse, BLIND_DEV2)),
        **{f"{name} {kind}": round(getattr(r, f"{kind}_accuracy"), 3)
           for name, r in later.items() for kind in ("intent", "entity")},
        "blind intent": round(blind.intent_accuracy, 3),
        "blind entity": round(blind.entity_accuracy, 3),
        "talk cmd": round(len(talk.commands) / max(talk.n, 1), 3),
        "reliability": reliability_table(reliability(parse, BLIND_DEV)),
        "import s": round(import_s, 1),
        "load s": round(load_s, 2),
        "intent acc": round(result.intent_accuracy, 3),
        "entity acc": round(result.entity_accuracy, 3),
        "ms/parse": round(parse_ms, 1),
        "run RSS MB": round(_peak_rss_mb()),
        "n": result.n,
        "entity n": result.entity_n,
    }


def _child(args: List[str]) -> Dict[str, Any]:
    """Run this script as a child process and read the JSON line it prints last."""
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=str(PROJECT))
    if done.returncode != 0:
        raise RuntimeError(f"child {args[:2]} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_pipeline(config: Path, nlu_data: Path, heldout: Path, show_errors: bool, final: bool = False) -> Dict[str, Any]:
    """Train in one child process, load and score in a fresh one; one table row."""
    name = config.stem if config.parent.name == "configs" else str(config.resolve().relative_to(PROJECT))
    with tempfile.TemporaryDirectory(prefix="nlu-bench-") as tmp:
        trained = _child(["--train-child", str(config.resolve()), "--nlu", str(nlu_data.resolve()), "--out", tmp])
        if show_errors:
            print(f"{name}:", file=sys.stderr)
        errors = (["--errors"] if show_errors else []) + (["--final"] if final else [])
        scored = _child(["--eval-child", trained["model"], "--heldout", str(heldout.resolve()), *errors])
    return {"pipeline": name, **trained, **scored}


def print_table(rows: List[Dict[str, Any]]) -> None:
    """A plain-text table with one row per pipeline."""
    widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in COLUMNS]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(w) for c, w in zip(COLUMNS, widths)))
    if rows:
        print(f"(held-out examples: {rows[0].get('n')}, with entities: {rows[0].get('entity n')})")
    for row in rows:
        print(f"\nreliability on the blind dev set, {row['pipeline']}:\n{row.get('reliability', '')}")
        print(f"\nreliability on the second blind dev set, {row['pipeline']}:\n{row.get('dev2 reliability', '')}")
        if row.get("final reliability"):
            print(f"\nreliability on the final blind set, {row['pipeline']}:\n{row['final reliability']}")


def main(argv: Optional[List[str]] = None) -> int:
    """Run each config (train, then load and score in fresh processes) and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", type=Path, help="Rasa config files (default: ours and Rasa's default)")
    parser.add_argument("--nlu", type=Path, default=NLU_DATA, help="NLU training data (a file or a folder)")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="held-out NLU YAML")
    parser.add_argument("--errors", action="store_true", help="print every misparsed held-out example")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON as well")
    parser.add_argument("--all", action="store_true", help="also run bench/configs/light_stock.yml")
    parser.add_argument("--final", action="store_true",
                        help="also score the final blind set (aggregates and reliability only, once, at the end)")
    parser.add_argument("--train-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--eval-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.train_child:
        print(json.dumps(train_child(args.train_child, args.nlu, args.out)))
        return 0
    if args.eval_child:
        print(json.dumps(eval_child(args.eval_child, args.heldout, args.errors, args.final)))
        return 0

    rows = []
    for config in args.configs or (ALL_CONFIGS if args.all else DEFAULT_CONFIGS):
        try:
            rows.append(run_pipeline(config, args.nlu, args.heldout, args.errors, args.final))
        except RuntimeError as err:
            print(f"{config}: {err}", file=sys.stderr)
    print_table(rows)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
