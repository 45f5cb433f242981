"""Probe: Whisper's own reading of short clips beside the forced fit of every closed stop phrase (for tuning).

Each clip (stop phrasings and short lines that are no stop, in the stop benchmark's voices and noises) is decoded as
the recogniser does in command and open turns; Whisper's words and each closed stop phrase are then aligned on the
same encoder output, and their summed and mean token log-probabilities written as JSON lines.

  nice -n 10 .venv/bin/python bench/stop_probe.py --voices espeak:2,espeak:3 --out /tmp/probe.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH.parent / "tests"), str(BENCH)]

from speechgen import SpeechMaker  # noqa: E402
from stop_recall import HELDOUT_STOPS, KITCHEN, NEAR_STOPS, STOP_PHRASES, clip, noisy  # noqa: E402
from benchlib import scratch_dir  # noqa: E402


def main(argv: Optional[List[str]] = None) -> int:
    """Decode each clip, fit the closed stop phrases, write one JSON line per clip and mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="espeak:2,espeak:3")
    parser.add_argument("--noises", default="faint,kitchen18,kitchen12")
    parser.add_argument("--modes", default="command,open")
    parser.add_argument("--set", default="stops", help="stops, heldout or not")
    parser.add_argument("--phrases", required=True, help="comma list of stop phrases to fit")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "companion-bench-speech"))
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    from benchlib import bench_recognizer
    from speech_to_intent import read_audio

    rec = bench_recognizer("whisper:tiny.en", scratch_dir("stop-lm-"))
    phrases = {"stops": STOP_PHRASES, "heldout": HELDOUT_STOPS, "not": NEAR_STOPS}[args.set]
    closed = args.phrases.split(",")
    kitchen = read_audio(KITCHEN) if KITCHEN.exists() else None
    maker = SpeechMaker(Path(args.cache))
    with open(args.out, "a", encoding="utf-8") as out:
        for voice in args.voices.split(","):
            clean = [clip(maker, voice, text, i) for i, text in enumerate(phrases)]
            for noise in args.noises.split(","):
                audios = [noisy(maker, c, noise, i, kitchen) for i, c in enumerate(clean)]
                for mode in args.modes.split(","):
                    context = rec.context(mode)
                    for text, audio in zip(phrases, audios):
                        encoded = rec.encode(audio)
                        if encoded is None:
                            continue
                        decoded = rec.decode(audio, context, encoded=encoded)
                        row = {"voice": voice, "noise": noise, "mode": mode, "said": text, "heard": decoded.text,
                               "no_speech": decoded.no_speech, "logprob": decoded.logprob,
                               "seconds": encoded.samples / 16000}
                        if rec.stop_check is not None:
                            sphinx = rec.stop_check.stream("command")
                            sphinx.accept(audio)
                            row["sphinx"] = str(sphinx.finish().text)
                        if decoded.text:
                            cands = [rec.candidate(decoded.text).tokens] + [rec.candidate(p).tokens for p in closed]
                            t0 = time.perf_counter()
                            fits = rec.token_logprobs(encoded, context.prompt, cands)
                            row["align_ms"] = 1000 * (time.perf_counter() - t0)
                            row["own"] = [float(x) for x in fits[0]]
                            row["fits"] = {p: [float(x) for x in f] for p, f in zip(closed, fits[1:])}
                        out.write(json.dumps(row) + "\n")
                        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
