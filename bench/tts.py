"""Text-to-speech speed: load time, first call, warm ms per phrase and real-time factor, day and bedtime.

Each engine runs in its own child process so its load time is cold. Replies are ~10 typical companion
lines (<= 30 words). RTF = synthesis time / audio duration (lower is faster; < 1 is faster than real time).
"first sentence" is the warm time to synthesise only the first sentence, which is what the pipeline waits
for before it can start speaking.

    .venv/bin/python bench/tts.py                     # pyttsx3 and piper, 3 warm rounds
    .venv/bin/python bench/tts.py --engines pyttsx3 --rounds 10
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

REPLIES = [
    "Hi, you two. Let's begin our bedtime check-in.",
    "First, take a slow breath together. When you're ready, tell each other one thing you appreciated today.",
    "Thank you. Now, what is one small thing that would help you feel close this week?",
    "Here is a conversation starter about desire: what is a moment when you felt really wanted by your partner?",
    "Take your time. There's no right answer, and you can pass if you'd like.",
    "It sounds like that meant a lot. Would you like another question, or shall we close for tonight?",
    "Let's close gently. Name one thing you're looking forward to doing together.",
    "I loved hearing from both of you. Sleep well.",
    "Okay, I'll stop here. Say hey companion whenever you want to talk again.",
    "Now it's your turn. What made you smile today?",
]
COLUMNS = ("engine", "voice", "load s", "first ms", "warm ms", "p95 ms", "1st sent ms", "audio s", "RTF")


def _run_child(engine: str, rounds: int) -> List[Dict[str, Any]]:
    """Load one engine cold and time it on every reply, day and bedtime."""
    start = time.perf_counter()
    from assistant.settings import VoiceSettings
    from assistant.speech import load_synthesizer, split_sentences

    hour = {"now": 14}
    synth = load_synthesizer(VoiceSettings(engine=engine), lambda: datetime(2024, 5, 4, hour["now"], 0))
    load_s = time.perf_counter() - start
    rows = []
    for style, at in (("day", 14), ("bedtime", 22)):
        hour["now"] = at
        t0 = time.perf_counter()
        synth.synthesize(REPLIES[0])
        first_ms = (time.perf_counter() - t0) * 1000
        times: List[float] = []
        audio_s: List[float] = []
        first_sentence: List[float] = []
        for _ in range(rounds):
            for reply in REPLIES:
                t0 = time.perf_counter()
                speech = synth.synthesize(reply)
                times.append(time.perf_counter() - t0)
                audio_s.append(speech.seconds)
                t0 = time.perf_counter()
                synth.synthesize(split_sentences(reply)[0])
                first_sentence.append(time.perf_counter() - t0)
        ordered = sorted(times)
        rows.append({
            "engine": engine, "voice": style, "load s": round(load_s, 2) if style == "day" else "",
            "first ms": round(first_ms, 1), "warm ms": round(statistics.mean(times) * 1000, 1),
            "p95 ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
            "1st sent ms": round(statistics.mean(first_sentence) * 1000, 1),
            "audio s": round(statistics.mean(audio_s), 2), "RTF": round(sum(times) / sum(audio_s), 4),
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
    parser.add_argument("--engines", default="pyttsx3,piper", help="comma-separated: pyttsx3,piper")
    parser.add_argument("--rounds", type=int, default=3, help="warm passes over the replies per voice")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run_child(args.child, args.rounds)))
        return 0
    rows: List[Dict[str, Any]] = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        done = subprocess.run(
            [sys.executable, __file__, "--child", engine, "--rounds", str(args.rounds)],
            capture_output=True, text=True, cwd=PROJECT,
        )
        if done.returncode != 0:
            print(f"{engine}: failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
            continue
        rows.extend(json.loads(done.stdout.strip().splitlines()[-1]))
    words = [len(r.split()) for r in REPLIES]
    print(f"{len(REPLIES)} replies, {min(words)}-{max(words)} words, {args.rounds} warm rounds per voice")
    print(_table(rows))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
