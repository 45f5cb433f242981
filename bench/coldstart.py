"""Cold start: process start -> ready to listen, and the first turn's latency, with the real CLI.

Each run is a fresh `companion listen --json --timings --realtime --input first-turn.wav` process with a trained
model; "ready" is the CLI's `companion: ready at <epoch>` line (recogniser, dialogue engine and voice loaded,
just before the first audio is read), measured from the moment the process was launched. The serial/parallel
rows load the same three parts in a fresh process, one after the other vs side by side (load_stack).

    .venv/bin/python bench/coldstart.py [--model-dir DIR] [--runs 3] [--tree DIR [--tree-model-dir DIR]]
    .venv/bin/python bench/coldstart.py --runs 5 --voice-engines piper,pyttsx3   # the voices' share of start-up
    .venv/bin/python bench/coldstart.py --quick --runs 5 --tree /tmp/before   # an older tree and ours, turn by turn
    (--tree: also an older source tree, e.g. git archive 6e44709 | tar -x -C /tmp/before; --tree-model-dir: the
    model that tree trained, e.g. cd /tmp/before && COMPANION_MODEL_DIR=/tmp/before-model python -m assistant.cli train)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]
from benchlib import COMPANION, PROJECT, PYTHON, fmt, markdown_table, quiet_env, run_child, project_model_dir  # noqa: E402
from latency import VOICES, ready_seconds, run_session, session_wavs  # noqa: E402

FIRST_TURN = (("hey companion, give us a conversation starter about desire", "command"),)
NO_LEAN = {"COMPANION_LEAN_RASA": "0"}  # Rasa imported the usual way (TensorFlow and all)


def measure(model_dir: Path, runs: int = 3, extra_env: Optional[Dict[str, str]] = None,
            tree: Path = PROJECT, voice_engine: Optional[str] = None) -> Dict[str, Any]:
    """`runs` fresh processes over one spoken turn: ready seconds, first-turn latency, peak RSS, whole process."""
    wav = session_wavs(VOICES[0], FIRST_TURN)
    samples = []
    for _ in range(runs):
        run, rows = run_session(model_dir, wav, extra_env=extra_env, tree=tree, voice_engine=voice_engine)
        detail = next((line.split("(", 1)[1].rstrip(")") for line in run.stderr.splitlines()
                       if line.startswith("companion: ready at ")), "")
        samples.append({"ready_s": ready_seconds(run), "first_turn_ms": rows[0]["latency_ms"],
                        "peak_rss_mb": run.peak_rss_mb, "loads": detail, "wall_s": run.wall_s})
    return summary(samples)


def summary(samples: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Runs of one configuration: medians, the highest peak, the last load split."""
    ready = [s["ready_s"] for s in samples if s["ready_s"] is not None]
    return {
        "runs": samples,
        "ready_s": statistics.median(ready) if ready else None,
        "wall_s": statistics.median(s["wall_s"] for s in samples),
        "first_turn_ms": statistics.median(s["first_turn_ms"] for s in samples),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in samples),
        "loads": samples[-1]["loads"],
    }


def _load_here(how: str) -> Dict[str, float]:
    """Child side: load the stack the way the CLI does (after its own imports), serially or side by side."""
    start = time.monotonic()
    sys.path.insert(0, str(PROJECT))
    from assistant import settings as settings_mod
    from assistant import stack

    settings = settings_mod.load()
    if how == "parallel":
        stack.load_stack(settings, quiet=True)
    else:
        from assistant.speech import load_synthesizer

        stack.ready_recognizer(settings.listen)
        stack.ready_engine(settings, True)
        load_synthesizer(settings.voice)
        stack.settle_heap()
    return {"load_s": time.monotonic() - start}


def serial_vs_parallel(model_dir: Path, runs: int = 2) -> Dict[str, float]:
    """Median seconds to load everything one after the other vs side by side, fresh process each."""
    import tempfile

    out = {}
    for how in ("serial", "parallel"):
        times = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
                run = run_child([PYTHON, __file__, "--load-child", how], env=quiet_env(Path(tmp), model_dir))
            if run.returncode != 0:
                raise RuntimeError(f"load child failed: {run.stderr.strip()[-500:]}")
            times.append(json.loads(run.stdout.strip().splitlines()[-1])["load_s"])
        out[how] = statistics.median(times)
    return out


def cli_startup(runs: int = 3) -> float:
    """Median seconds for `companion --help`: Python plus the CLI's own imports (no Rasa, no audio)."""
    times = [run_child([*COMPANION, "--help"]).wall_s for _ in range(runs)]
    return statistics.median(times)


def table(results: Dict[str, Dict[str, Any]]) -> str:
    """Markdown: one row per configuration."""
    return markdown_table(
        ["configuration", "launch -> ready s (median)", "first turn latency ms", "whole one-turn process s",
         "peak RSS MB", "load split (last run)"],
        [[name, fmt(r["ready_s"], 2), fmt(r["first_turn_ms"]), fmt(r.get("wall_s"), 2), fmt(r["peak_rss_mb"]),
          r["loads"] or "–"] for name, r in results.items()])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="model folder (default: the project's, trained if needed)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-child", choices=("serial", "parallel"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help="also measure the CLI of another source tree (an older commit)")
    parser.add_argument("--tree-model-dir", type=Path,
                        help="the model that tree trained itself (default: the project's; an older tree may not load it)")
    parser.add_argument("--quick", action="store_true",
                        help="only ours (and --tree), taking turns run by run: no COMPANION_LEAN_RASA=0 row, no load split")
    parser.add_argument("--voice-engines", default="",
                        help="only compare these voice.engine values, e.g. piper,pyttsx3 (one row each)")
    args = parser.parse_args(argv)
    if args.load_child:
        print(json.dumps(_load_here(args.load_child)))
        return 0
    model_dir = project_model_dir(args.model_dir)
    if args.voice_engines:
        results = {f"ours, voice {engine}": measure(model_dir, args.runs, voice_engine=engine)
                   for engine in args.voice_engines.split(",")}
        print(table(results))
        return 0
    if args.quick:
        trees = {**({str(args.tree): (args.tree.resolve(), args.tree_model_dir or model_dir)} if args.tree else {}),
                 "ours": (PROJECT, model_dir)}
        runs = [{name: measure(folder, 1, tree=tree) for name, (tree, folder) in trees.items()} for _ in range(args.runs)]
        print(table({name: summary([sample for run in runs for sample in run[name]["runs"]]) for name in trees}))
        return 0
    results = {"ours": measure(model_dir, args.runs),
               "ours, Rasa imported as usual (COMPANION_LEAN_RASA=0)": measure(model_dir, args.runs, NO_LEAN)}
    if args.tree:
        results[str(args.tree)] = measure(args.tree_model_dir or model_dir, args.runs, tree=args.tree.resolve())
    print(table(results))
    loads = serial_vs_parallel(model_dir)
    print(f"\nloading serially {loads['serial']:.2f} s, side by side {loads['parallel']:.2f} s; "
          f"`companion --help` {cli_startup():.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
