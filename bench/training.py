"""Training time and memory: a config trained from scratch on our data (NLU + dialogue) in a fresh process.

The model is named with the project's fingerprint, so `companion` with COMPANION_MODEL_DIR pointing at the folder
loads it as is: that is how bench/run_all.py runs the whole voice pipeline on Rasa's default configuration.

    .venv/bin/python bench/training.py                          # ours
    .venv/bin/python bench/training.py bench/configs/rasa_init.yml --out /tmp/rasa-init   # rasa init's default
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import fmt, markdown_table, run_child, scratch_dir, PROJECT, PYTHON  # noqa: E402

OURS = PROJECT / "nlu" / "config.yml"
RASA_INIT = PROJECT / "bench" / "configs" / "rasa_init.yml"


def _train_here(config: Path, out: Path) -> Dict[str, Any]:
    """Child side: import Rasa, train, report seconds (telemetry off, fresh cache in `out`)."""
    start = time.perf_counter()
    sys.path.insert(0, str(PROJECT))
    os.environ["RASA_CACHE_DIRECTORY"] = str(out / ".rasa-cache")
    from assistant import telemetry  # noqa: F401
    from assistant.dialogue import training
    from assistant.dialogue import patches
    from rasa.model_training import train

    imported = time.perf_counter()
    target = training.model_path(out)
    as_the_app = patches.training() if config == OURS else contextlib.nullcontext()  # Rasa's own config: plain
    with as_the_app:
        result = train(domain=str(training.DOMAIN_FILE), config=str(config),
                       training_files=[str(p) for p in training.training_files()], output=str(out),
                       fixed_model_name=target.name[: -len(".tar.gz")], force_training=True)
    if result.code != 0 or not Path(result.model or "").exists():
        raise SystemExit(f"training {config} failed")
    return {"model": str(target), "import_s": imported - start, "train_s": time.perf_counter() - imported}


def train(config: Path, out: Path) -> Dict[str, Any]:
    """Train `config` into `out` in a fresh child process; seconds (import, train, whole process) and peak RSS."""
    out.mkdir(parents=True, exist_ok=True)
    run = run_child([PYTHON, __file__, "--child", str(config), "--out", str(out)], timeout=3600)
    if run.returncode != 0:
        raise RuntimeError(f"training {config} failed: {run.stderr.strip()[-500:]}")
    row = json.loads(run.stdout.strip().splitlines()[-1])
    row.update(config=str(config.relative_to(PROJECT)) if config.is_relative_to(PROJECT) else str(config),
               process_s=run.wall_s, peak_rss_mb=run.peak_rss_mb, model_dir=str(out))
    return row


def table(rows: List[Dict[str, Any]]) -> str:
    """Markdown table of training runs."""
    return markdown_table(
        ["config", "train s", "whole process s (with imports)", "peak RSS MB"],
        [[r["config"], fmt(r["train_s"], 1), fmt(r["process_s"], 1), fmt(r["peak_rss_mb"])] for r in rows])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", type=Path, help=f"Rasa configs (default: {OURS.relative_to(PROJECT)})")
    parser.add_argument("--out", type=Path, help="model folder (default: a temp dir per config)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_train_here(args.child, args.out)))
        return 0
    rows = []
    for config in args.configs or [OURS]:
        out = args.out or scratch_dir("bench-train-")
        rows.append(train(config.resolve(), out))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
