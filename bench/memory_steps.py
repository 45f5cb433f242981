"""Where the memory of `companion listen` goes: RSS after each load step and turn of bench/memory.py's session.

The recogniser, the voice and the dialogue load one after another here (side by side in `companion listen`), in
this one process, with the same heap settings; each line gives RSS, its growth, anonymous and file-backed RSS and
the high-water mark (VmHWM) so far. `--tree DIR` profiles another source tree (an older commit) with this
project's Python and model.

    .venv/bin/python bench/memory_steps.py [--tree DIR] [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional
from benchlib import scratch_dir  # noqa: E402

BENCH = Path(__file__).resolve().parent


def status() -> Dict[str, int]:
    """VmRSS, VmHWM, RssAnon and RssFile of this process, MB."""
    values: Dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                values[key] = int(rest.split()[0]) // 1024
    return values


class Steps:
    """Prints one line per step."""

    def __init__(self) -> None:
        self.last = 0

    def __call__(self, name: str) -> None:
        now = status()
        print(f"| {name} | {now['VmRSS']} | {now['VmRSS'] - self.last:+d} | {now['RssAnon']} | {now['RssFile']} "
              f"| {now['VmHWM']} |", flush=True)
        self.last = now["VmRSS"]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=BENCH.parent, help="source tree to profile (default: this one)")
    parser.add_argument("--model-dir", type=Path, help="model folder (default: this project's, trained if needed)")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    sys.path[:0] = [str(BENCH), str(BENCH.parent / "tests")]
    from benchlib import project_model_dir
    from latency import VOICES, session_wavs

    model_dir = project_model_dir(args.model_dir).resolve()
    wavs = session_wavs(VOICES[0])
    home = str(scratch_dir("memory-steps-"))
    os.environ.update(COMPANION_HOME=home, COMPANION_MODEL_DIR=str(model_dir), RASA_TELEMETRY_ENABLED="false",
                      COMPANION_JOURNAL="off")
    for name in [m for m in sys.modules if m == "assistant" or m.startswith("assistant.")]:
        del sys.modules[name]  # project_model_dir imported this tree's; profile the one asked for
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    step = Steps()
    print("| step | RSS MB | change | anon | file | peak (VmHWM) |\n|---|---|---|---|---|---|")
    step("start")
    import gc

    from assistant import paths, settings as settings_module
    from assistant import stack as stack_module
    from assistant.audio import WavSource
    from assistant.pipeline import strip_wake
    from assistant.playback import WavDirSink
    from assistant.speech import load_synthesizer

    paths.session_home()
    settings = settings_module.load().with_partners("Sam,Alex")
    stack_module.import_before_threads()
    step("imports before the loader threads")
    stack_module.fewer_malloc_arenas()
    gc.disable()
    recognizer = stack_module.ready_recognizer(settings.listen, settings.partners)
    step("recogniser")
    synthesizer = load_synthesizer(settings.voice)
    step("voice")
    engine = stack_module.ready_engine(settings, True)
    step("dialogue")
    stack_module.settle_heap()
    step("heap settled")
    stack: Any = stack_module.Stack(settings, recognizer, engine, synthesizer, {})
    pipeline = stack.pipeline()
    sink = WavDirSink(f"{home}/out")
    for index, path in enumerate(wavs):
        heard = pipeline.hear(WavSource(path, realtime=False).chunks())
        if heard is None:
            step(f"turn {index + 1}: nothing heard")
            continue
        if index == 0:
            step("turn 1 heard")
        _, text = strip_wake(heard.transcript.text, pipeline.wake)
        pipeline.answer(heard, sink, text=text)
        step(f"turn {index + 1}: {text[:32]}")
    stack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
