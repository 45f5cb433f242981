"""Ratings said inside spoken check-in answers ("I'd say a four, dinner was nice"): how many the recogniser keeps.

Each answer of a blind rated set ({text, rating} items, written by a helper who never saw nlu/) is spoken by
Piper (joe, varied in pitch, speed and faint noise, as bench/spoken_accuracy.py) and by espeak-ng voices,
decoded as a check-in answer after a rating question (open mode, `expects="rating"`), and the rating is read
from the transcript by the same code the check-in uses (assistant/dialogue/entity_values.py rating_in_answer).
The typed row is the ceiling: the rating read from the written answer. `--unrated N` also speaks N answers that
hold no number (the set's items with only a level, then the dev sets' answers with none) as answers to the rating
question: a rating read from one of those is a false rating.

  .venv/bin/python bench/ratings.py --data ../blind8/rated_answers.yml --engines pocketsphinx,whisper:tiny.en
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from assistant.audio import read_wav  # noqa: E402
from assistant.dialogue.entity_values import rating_in_answer  # noqa: E402
from assistant.recognizers import clean_text  # noqa: E402
from benchlib import bench_recognizer, scratch_dir  # noqa: E402
from speechgen import SpeechMaker  # noqa: E402
from spoken_accuracy import make_audio  # noqa: E402


def rated(path: Path) -> List[Dict[str, object]]:
    """The {text, rating} items of a set (items with only a level are left out)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [i for i in items if isinstance(i, dict) and "rating" in i and "text" in i]


def unrated(path: Path, limit: int) -> List[str]:
    """Up to `limit` answers with no number in them: the set's items with only a level, then the dev sets'."""
    from assistant.dialogue.evaluate import read_examples

    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    texts = [str(i["text"]) for i in items if isinstance(i, dict) and "level" in i and "text" in i]
    for name in ("nlu_blind_dev.yml", "nlu_blind_dev3.yml", "nlu_blind_dev4.yml", "nlu_blind_dev5.yml"):
        texts += [e.text for e in read_examples(ROOT / "tests" / "data" / name) if e.intent == "inform"]
    plain = [t for t in dict.fromkeys(texts) if rating_in_answer(clean_text(t)) is None]
    return plain[:limit]


def heard(recognizer: object, audio: bytes) -> str:
    """The transcript of a clip heard as the answer to a rating question, streamed in 30 ms chunks."""
    stream = recognizer.stream("open", "rating")  # type: ignore[attr-defined]
    for offset in range(0, len(audio), 960):
        stream.accept(audio[offset:offset + 960])
    return str(stream.finish().text)


def main(argv: Optional[List[str]] = None) -> int:
    """Print ratings captured per engine and voice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a YAML list of {text, rating}")
    parser.add_argument("--engines", default="pocketsphinx,whisper:tiny.en")
    parser.add_argument("--voices", default="piper,espeak")
    parser.add_argument("--misses", type=int, default=6)
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "companion-bench-speech"))
    parser.add_argument("--unrated", type=int, default=0, metavar="N", help="also N answers with no number in them")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    items = rated(args.data)
    typed = sum(rating_in_answer(clean_text(str(i["text"]))) == str(i["rating"]) for i in items)
    print(f"{len(items)} rated answers of {args.data.name}; typed ceiling {typed}/{len(items)} = {typed / len(items):.3f}")
    maker = SpeechMaker(Path(args.cache))
    results: Dict[str, object] = {"n": len(items), "typed": typed / len(items), "rows": []}
    for engine in args.engines.split(","):
        recognizer = bench_recognizer(engine, scratch_dir("ratings-lm-"))
        for voice in args.voices.split(","):
            start, kept, misses = time.perf_counter(), 0, []
            for index, item in enumerate(items):
                audio = read_wav(make_audio(maker, voice, str(item["text"]), index))[0]
                text = heard(recognizer, audio)
                if rating_in_answer(text) == str(item["rating"]):
                    kept += 1
                else:
                    misses.append((item["text"], text))
            row = {"engine": engine, "voice": voice, "kept": kept / len(items), "seconds": time.perf_counter() - start}
            results["rows"].append(row)  # type: ignore[attr-defined]
            print(f"{engine:18} {voice:8} ratings kept {kept}/{len(items)} = {kept / len(items):.3f} "
                  f"({row['seconds']:.0f} s)", flush=True)
            for said, got in misses[: args.misses]:
                print(f"      said {said!r} heard {got!r}")
            plain = unrated(args.data, args.unrated)
            false = [(said, got) for index, said in enumerate(plain)
                     if rating_in_answer(got := heard(recognizer, read_wav(make_audio(maker, voice, said, index))[0]))]
            if plain:
                row["false"] = len(false) / len(plain)
                print(f"{engine:18} {voice:8} false ratings {len(false)}/{len(plain)}", flush=True)
                for said, got in false[: args.misses]:
                    print(f"      said {said!r} heard {got!r}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
