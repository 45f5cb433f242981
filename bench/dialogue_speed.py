"""Dialogue time per turn (Rasa NLU + policies + our in-process actions), with and without our Rasa shortcuts.

A scripted 40-turn conversation (conversation starters, check-ins, stops) on one loaded engine, in a fresh
process per variant. "stock" switches off assistant/dialogue/speedups.py (action-result validation against a
validator built once, event-class lookup table, reusing the tracker a turn just saved) to show what they save.

    .venv/bin/python bench/dialogue_speed.py [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from benchlib import fmt, markdown_table, percentile, project_model_dir, quiet_env, run_child, scratch_dir, PYTHON  # noqa: E402

SCRIPT = (
    "give us a conversation starter about desire", "next one", "say that again", "save that one", "no thanks",
    "let's do our bedtime check in", "a four", "a three", "your laugh", "you listened", "a slow breakfast",
    "an early night", "what can you do", "give us a conversation starter about power", "another one", "skip",
    "stop", "let's do our after intimacy check in", "it felt close", "skip", "the slow start", "pass",
    "more kissing", "same for me",
)
TURNS = 40


def _child(variant: str, model_dir: Path) -> Dict[str, Any]:
    """Load the engine, run the script, return per-turn milliseconds."""
    from assistant import telemetry  # noqa: F401
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue import speedups, training
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.settings import Settings
    from assistant.store import StateStore

    if variant == "stock":
        speedups.apply = lambda: None  # type: ignore[assignment]
        speedups.saved_trackers = lambda processor: {}  # type: ignore[assignment]
    model = training.model_path(model_dir)
    home = scratch_dir("bench-dialogue-")
    engine = RasaDialogueEngine.load(model, ActionContext(Settings(partners=("Sam", "Alex")),
                                                          state=StateStore(home / "state.json")))
    engine.warm_up()
    times = []
    for index in range(TURNS):
        start = time.perf_counter()
        engine.respond(SCRIPT[index % len(SCRIPT)])
        times.append((time.perf_counter() - start) * 1000)
    return {"ms": times}


def measure(model_dir: Path) -> Dict[str, Dict[str, float]]:
    """p50/p95/max and last-10 mean per variant."""
    out = {}
    for variant in ("stock", "ours"):
        with tempfile.TemporaryDirectory() as tmp:
            run = run_child([PYTHON, __file__, "--child", variant, "--model-dir", str(model_dir)],
                            env=quiet_env(Path(tmp), model_dir))
        if run.returncode != 0:
            raise RuntimeError(run.stderr.strip()[-500:])
        ms = json.loads(run.stdout.strip().splitlines()[-1])["ms"]
        out[variant] = {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms),
                        "last10": sum(ms[-10:]) / 10}
    return out


def table(result: Dict[str, Dict[str, float]]) -> str:
    """Markdown table."""
    names = {"stock": "Rasa as shipped", "ours": "with assistant/dialogue/speedups.py"}
    return markdown_table(["dialogue per turn", "p50 ms", "p95 ms", "max ms", "mean of turns 31-40 ms"],
                          [[names[k], fmt(v["p50"], 1), fmt(v["p95"], 1), fmt(v["max"], 1), fmt(v["last10"], 1)]
                           for k, v in result.items()])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--child", choices=("stock", "ours"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    model_dir = project_model_dir(args.model_dir)
    if args.child:
        print(json.dumps(_child(args.child, model_dir)))
        return 0
    print(table(measure(model_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
