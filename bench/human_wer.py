"""Real human read speech (Debian's pocketsphinx-testdata: LibriVox sentences, card names): WER per recogniser.

    .venv/bin/python bench/human_wer.py --engines pocketsphinx,whisper:tiny.en,whisper:base

Each clip is decoded whole in open mode (as a check-in answer is) and scored against its transcript; the time
is the decode time per clip on this machine.
"""

from __future__ import annotations

import argparse
import sys
import time
import wave
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from assistant.recognizers import clean_text, transcribe  # noqa: E402
from benchlib import bench_recognizer, scratch_dir  # noqa: E402
from speechgen import word_errors  # noqa: E402

TESTDATA = Path("/usr/share/pocketsphinx/test/data")
SETS = (("librivox", "transcription"), ("cards", "cards.transcription"))


def main(argv: Optional[List[str]] = None) -> int:
    """Print WER and decode time per engine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="pocketsphinx,whisper:tiny.en,whisper:base")
    args = parser.parse_args(argv)
    if not all((TESTDATA / folder / name).is_file() for folder, name in SETS):
        print("pocketsphinx-testdata is not installed (apt-get install pocketsphinx-testdata)", file=sys.stderr)
        return 1
    clips = []
    for folder, name in SETS:
        for line in (TESTDATA / folder / name).read_text().splitlines():
            text, _, ident = line.rpartition("(")
            with wave.open(str(TESTDATA / folder / f"{ident.strip(') ')}.wav")) as handle:
                reference = clean_text(text.replace("<s>", "").replace("</s>", ""))
                clips.append((reference, handle.readframes(handle.getnframes())))
    words = sum(len(reference.split()) for reference, _ in clips)
    print(f"{len(clips)} clips, {words} words, {sum(len(a) for _, a in clips) / 32000:.0f} s")
    for engine in args.engines.split(","):
        recognizer = bench_recognizer(engine, scratch_dir("wer-lm-"))
        errors, start = 0, time.perf_counter()
        for reference, audio in clips:
            errors += word_errors(reference, transcribe(recognizer, audio, "open").text)
        seconds = (time.perf_counter() - start) / len(clips)
        print(f"{engine:18} WER {errors / words:.3f} ({errors} of {words}), {seconds * 1000:.0f} ms per clip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
