"""Peak memory (RSS) of `companion listen` over a spoken session, from the kernel's high-water mark (wait4).

One process per configuration runs the 13-turn session of bench/latency.py (not paced, so it is quick); the
peak includes the recogniser with both language models, the dialogue model and the voice. bench/run_all.py
takes the same peak from its paced latency sessions instead.

    .venv/bin/python bench/memory.py [--model-dir DIR] [--tree DIR --tree-model-dir DIR] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]
from benchlib import PROJECT, fmt, markdown_table, project_model_dir  # noqa: E402
from coldstart import NO_LEAN  # noqa: E402
from latency import VOICES, run_session, session_wavs  # noqa: E402


def peak_rss(model_dir: Path, extra_env: Optional[Dict[str, str]] = None, realtime: bool = False,
             tree: Path = PROJECT) -> Dict[str, Any]:
    """Peak RSS (MB) and turns answered for one session."""
    run, rows = run_session(model_dir, session_wavs(VOICES[0]), realtime=realtime, extra_env=extra_env, tree=tree)
    return {"peak_rss_mb": run.peak_rss_mb, "turns": len(rows)}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="model folder (default: the project's, trained if needed)")
    parser.add_argument("--tree", type=Path, help="also measure another source tree (an older commit)")
    parser.add_argument("--tree-model-dir", type=Path, help="the model that tree trained itself")
    parser.add_argument("--quick", action="store_true", help="only ours (and --tree): no COMPANION_LEAN_RASA=0 row")
    args = parser.parse_args(argv)
    model_dir = project_model_dir(args.model_dir)
    rows = []
    configurations = [("ours", None), ("ours, Rasa imported as usual (COMPANION_LEAN_RASA=0)", NO_LEAN)]
    for name, env in configurations[:1] if args.quick else configurations:
        result = peak_rss(model_dir, env)
        rows.append([name, str(result["turns"]), fmt(result["peak_rss_mb"])])
    if args.tree:
        result = peak_rss(args.tree_model_dir or model_dir, tree=args.tree.resolve())
        rows.append([str(args.tree), str(result["turns"]), fmt(result["peak_rss_mb"])])
    print(markdown_table(["configuration", "turns", "peak RSS MB"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
