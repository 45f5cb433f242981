"""Text-to-speech speed: load time, first audio and whole-reply synthesis per reply, day and bedtime voices.

Each engine runs in its own child process so its load time is cold (imports, model, warm-up phrase). The
replies are typical companion lines: four conversation starters from dialogues/prompts.yml and six fixed lines
(consent, check-in, acknowledgement, stop). Each reply is spoken the way the pipeline speaks it (sentence by
sentence, and with Piper window by window: `assistant.speech.speak_pieces`), with Piper's cache of short lines
emptied first, so every number is for a line never spoken before. "first audio" is the time until the first
piece of audio is ready (what the reply waits for before it sounds); "1st sentence" the time for the whole first
sentence; "whole" every piece; RTF = whole / audio duration (lower is faster); "late pieces" the pieces that
were not ready when the audio before them would have finished playing (a gap a listener hears); "peak MB" the
child's peak RSS; "cached line" a short line said again.

    .venv/bin/python bench/tts.py                     # piper and pyttsx3, 3 rounds
    .venv/bin/python bench/tts.py --engines pyttsx3 --rounds 10
    .venv/bin/python bench/tts.py --engines piper --tree /tmp/speed-before   # also an older source tree, same run
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

STARTERS = ("desire-01", "initiation-23", "body-25", "communication-12")
TAIL = " I'll step back so you two can talk."
LINES = [
    "Okay, we'll stop there. Thank you both.",
    "Saved. I'll keep that one for you.",
    "A bolder one needs a yes from each of you, out loud. Sam, are you up for a bolder one?",
    "Time for your bedtime check-in. I'll ask you both the same three questions, one at a time.",
    "Sam, how close did you feel to Alex today?",
    "Thank you, Sam. Alex, how about you?",
]
COLUMNS = ("tree", "engine", "voice", "load s", "1st reply ms", "first audio ms", "first audio p95", "1st sentence ms",
           "whole ms", "whole p95", "audio s", "RTF", "late pieces", "peak MB",
           "cached line ms")


def replies() -> List[str]:
    """The benchmark replies: starters (each with the step-back line) and fixed lines."""
    from assistant.content import load_library

    library = load_library(Path("/nonexistent/prompts.yml"))
    starters = [library.by_id(pid) for pid in STARTERS]
    return [p.text + TAIL for p in starters if p is not None] + LINES


def _uncached(synth: Any) -> None:
    """Empty Piper's cache of lines said before."""
    forget = getattr(synth, "forget", None)
    cache = getattr(synth, "_cache", None)
    if forget is not None:
        forget()
    elif cache is not None:  # an older tree
        cache.clear()


def _pieces(synth: Any, reply: str) -> Iterator[Any]:
    """The reply's audio pieces as the pipeline gets them, in this tree or an older one (clause split, no pieces)."""
    import assistant.speech as speech

    if hasattr(speech, "speak_pieces"):
        for sentence in speech.speech_chunks([reply]):
            yield from speech.speak_pieces(synth, sentence)
        return
    for chunk in speech.speech_chunks([reply], bool(getattr(synth, "quick_start", False))):  # type: ignore[call-arg]
        yield synth.synthesize(chunk)


def _speak(synth: Any, reply: str) -> Dict[str, float]:
    """One reply as the pipeline speaks it: seconds to the first piece, in all, of audio; pieces ready late; and
    seconds for its whole first sentence, for comparison."""
    from assistant.speech import split_sentences

    _uncached(synth)
    t0 = time.perf_counter()
    synth.synthesize(split_sentences(reply)[0])
    sentence = time.perf_counter() - t0
    _uncached(synth)
    first = 0.0
    audio_s = 0.0
    late = 0
    start = time.perf_counter()
    for n, piece in enumerate(_pieces(synth, reply)):
        now = time.perf_counter() - start
        if n == 0:
            first = now
        elif now > first + audio_s:
            late += 1
        audio_s += piece.seconds
    return {"first": first, "whole": time.perf_counter() - start, "audio": audio_s, "sentence": sentence, "late": late}


def _run_child(engine: str, rounds: int, tree: str) -> List[Dict[str, Any]]:
    """Load one engine cold and time it on every reply, day and bedtime."""
    start = time.perf_counter()
    sys.path.insert(0, tree)
    from assistant.settings import VoiceSettings
    from assistant.speech import load_synthesizer

    hour = {"now": 14}
    synth = load_synthesizer(VoiceSettings(engine=engine), lambda: datetime(2024, 5, 4, hour["now"], 0))
    load_s = time.perf_counter() - start
    texts = replies()
    rows = []
    for style, at in (("day", 14), ("bedtime", 22)):
        hour["now"] = at
        first_reply_ms = _speak(synth, texts[0])["first"] * 1000
        runs = [_speak(synth, text) for _ in range(rounds) for text in texts]
        synth.synthesize("Thank you both.")
        t0 = time.perf_counter()
        synth.synthesize("Thank you both.")
        cached_ms = (time.perf_counter() - t0) * 1000
        first = sorted(r["first"] * 1000 for r in runs)
        whole = sorted(r["whole"] * 1000 for r in runs)
        rows.append({
            "tree": Path(tree).name, "engine": synth.name, "voice": style, "load s": round(load_s, 2) if style == "day" else "",
            "1st reply ms": round(first_reply_ms, 1),
            "first audio ms": round(statistics.mean(first), 1), "first audio p95": round(first[int(0.95 * (len(first) - 1))], 1),
            "1st sentence ms": round(statistics.mean(r["sentence"] for r in runs) * 1000, 1),
            "whole ms": round(statistics.mean(whole), 1), "whole p95": round(whole[int(0.95 * (len(whole) - 1))], 1),
            "audio s": round(statistics.mean(r["audio"] for r in runs), 2),
            "RTF": round(sum(r["whole"] for r in runs) / sum(r["audio"] for r in runs), 4),
            "cached line ms": round(cached_ms, 2), "late pieces": sum(r["late"] for r in runs),
            "peak MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        })
    return rows


def _table(rows: List[Dict[str, Any]]) -> str:
    """A plain-text table."""
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS)]
    lines.append("  ".join("-" * widths[c] for c in COLUMNS))
    for row in rows:
        lines.append("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in COLUMNS))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="piper,pyttsx3", help="comma-separated: piper,pyttsx3")
    parser.add_argument("--rounds", type=int, default=3, help="warm passes over the replies per voice")
    parser.add_argument("--tree", action="append", default=[],
                        help="also an older source tree (e.g. git worktree add --detach /tmp/before main)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-tree", default=str(PROJECT), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run_child(args.child, args.rounds, args.child_tree)))
        return 0
    rows: List[Dict[str, Any]] = []
    trees = [str(Path(t).resolve()) for t in args.tree] + [str(PROJECT)]
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        for tree in trees:
            done = subprocess.run(
                [sys.executable, __file__, "--child", engine, "--rounds", str(args.rounds), "--child-tree", tree],
                capture_output=True, text=True, cwd=tree,
            )
            if done.returncode != 0:
                print(f"{engine}: failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
                continue
            rows.extend(json.loads(done.stdout.strip().splitlines()[-1]))
    words = [len(r.split()) for r in replies()]
    print(f"{len(words)} replies, {min(words)}-{max(words)} words, {args.rounds} rounds per voice")
    print(_table(rows))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
