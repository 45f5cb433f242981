"""Soak: thousands of typed turns through one dialogue engine; latency and memory growth (not a timed test).

Cycles through conversation starters, skips, repeats, stops and whole check-ins (both kinds) in one
conversation, with the journal on, in a throw-away data dir. RSS is sampled after warm-up and at the end.

    .venv/bin/python bench/soak.py                      # 2000 typed turns
    .venv/bin/python bench/soak.py --turns 500 --no-journal --conversation per-scene
    .venv/bin/python bench/soak.py --listen-minutes 10  # `companion listen --realtime` over looped WAV turns
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
from benchlib import scratch_dir  # noqa: E402

SCENES: Sequence[Sequence[str]] = (
    ("hey companion give us a conversation starter about desire", "next one", "say that again", "no thanks"),
    ("let's do our bedtime check in", "a four", "a three", "your laugh", "you listened", "a slow breakfast", "an early night"),
    ("give us a conversation starter about power", "another one", "skip", "what did you say", "stop"),
    ("let's do our after intimacy check in", "it felt close", "skip", "the slow start", "pass", "more kissing", "same for me"),
    ("hello", "give us a conversation starter", "yes please", "thanks, that's enough for tonight"),
    ("let's do our bedtime check in", "a five", "repeat that", "a two", "stop"),
)


def rss_kib(pid: Optional[int] = None) -> int:
    """Resident memory of a process in KiB (psutil if installed, else /proc/<pid>/status)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss // 1024
    except ImportError:
        pass
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    line = next(row for row in status.splitlines() if row.startswith("VmRSS:"))
    return int(line.split()[1])


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def print_table(rows: List[Dict[str, str]]) -> None:
    widths = {key: max(len(key), *(len(row[key]) for row in rows)) for key in rows[0]}
    print("  ".join(key.rjust(widths[key]) for key in rows[0]))
    for row in rows:
        print("  ".join(row[key].rjust(widths[key]) for key in row))


def _drop_tracker(agent: object, sender_id: str) -> None:
    """Remove a finished conversation from Rasa's in-memory tracker store (inside its fail-safe wrapper)."""
    store = getattr(agent, "tracker_store", None)
    store = getattr(store, "_tracker_store", store)
    getattr(store, "store", {}).pop(sender_id, None)


def soak_typed(turns: int, warmup: int, journal: bool, conversation: str, window: int = 250,
               max_minutes: float = 0.0) -> List[Dict[str, str]]:
    """Run `turns` typed turns in-process; returns the summary row and then one row per window of turns.

    `conversation="single"` keeps one Rasa conversation for every turn (what one long `companion chat` or
    `companion listen` process does today); `"per-scene"` starts a fresh conversation for each scene on the
    same loaded engine and drops the finished one from Rasa's tracker store.
    """
    home = scratch_dir("companion-soak-")
    os.environ["COMPANION_HOME"] = str(home)
    os.environ["COMPANION_JOURNAL"] = "on" if journal else "off"
    import assistant.telemetry  # noqa: F401  (before Rasa)
    from assistant import settings as settings_mod
    from assistant.dialogue.runtime import open_engine

    settings = settings_mod.Settings(partners=("Sam", "Alex"))
    started = time.perf_counter()
    engine = open_engine(settings, quiet=True)
    load_s = time.perf_counter() - started
    times: List[float] = []
    windows: List[Dict[str, str]] = []
    rss_warm = rss_start = rss_kib()
    empty = number = 0
    scenes = itertools.cycle(SCENES)
    deadline = time.monotonic() + max_minutes * 60 if max_minutes else None
    try:
        while number < turns and (deadline is None or time.monotonic() < deadline):
            if conversation == "per-scene" and number:
                fresh = engine.fork(engine.ctx)
                _drop_tracker(engine.agent, engine.sender_id)
                engine.close()
                engine = fresh
            for text in next(scenes)[: turns - number]:
                number += 1
                t0 = time.perf_counter()
                reply = engine.respond(text)
                times.append((time.perf_counter() - t0) * 1000)
                empty += not reply.texts
                if number == warmup:
                    rss_warm = rss_kib()
                if number % window == 0:
                    recent = times[-window:]
                    windows.append({"turns": f"{number - window + 1}-{number}", "ms p50": f"{statistics.median(recent):.0f}",
                                    "ms p95": f"{percentile(recent, 0.95):.0f}", "RSS MiB": f"{rss_kib() / 1024:.0f}"})
                    print(f"soak: {number} turns, " + ", ".join(f"{k} {v}" for k, v in windows[-1].items() if k != "turns"),
                          file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print(f"soak: interrupted after {number} turns", file=sys.stderr)
    if number < turns:
        print(f"soak: stopped after {number} of {turns} turns", file=sys.stderr)
    rss_end = rss_kib()
    engine.close()
    answers = 0
    if engine.ctx.journal is not None:
        answers = len(engine.ctx.journal.entries())
        engine.ctx.journal.close()
    after = times[warmup:] or times
    summary = {
        "mode": f"typed, {conversation}" + (", journal" if journal else ""),
        "turns": str(number),
        "load s": f"{load_s:.1f}",
        "ms/turn p50": f"{statistics.median(after):.0f}",
        "ms/turn p95": f"{percentile(after, 0.95):.0f}",
        "RSS start MiB": f"{rss_start / 1024:.0f}",
        f"RSS @{warmup} MiB": f"{rss_warm / 1024:.0f}",
        "RSS end MiB": f"{rss_end / 1024:.0f}",
        "growth %": f"{100.0 * (rss_end - rss_warm) / rss_warm:+.1f}",
        "no-reply turns": str(empty),
        "journaled": str(answers),
    }
    return [summary, *windows]


def soak_listen(minutes: float, sample_s: float = 10.0) -> Optional[Dict[str, str]]:
    """`companion listen --realtime` over looped WAV turns, RSS sampled from /proc/<pid>/status."""
    help_text = subprocess.run([sys.executable, "-m", "assistant.cli", "listen", "--help"], capture_output=True,
                               text=True, cwd=PROJECT).stdout
    if "--realtime" not in help_text or "--input" not in help_text:
        print("soak: `companion listen --input ... --realtime` is not in this build; skipping the listen soak")
        return None
    from tests.speechgen import SpeechMaker, have_tools

    if have_tools():
        print(f"soak: {have_tools()} is not installed; skipping the listen soak")
        return None
    work = scratch_dir("companion-listen-soak-")
    maker = SpeechMaker(work / "speech", repeatable=False)
    scene = [text for text in itertools.chain.from_iterable(SCENES[:2])]
    wavs = [maker.vary(maker.piper(text), pad_s=(0.3, 1.0)) for text in scene]
    seconds = sum(_wav_seconds(w) for w in wavs)
    loops = max(1, int(minutes * 60 / seconds) + 1)
    args = [sys.executable, "-m", "assistant.cli", "listen", "--realtime", "--json", "--output-dir", str(work / "out")]
    for wav in wavs * loops:
        args += ["--input", str(wav)]
    env = dict(os.environ, COMPANION_HOME=str(work / "home"), COMPANION_JOURNAL="on")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=PROJECT)
    samples: List[int] = []
    turns = 0
    started = time.monotonic()
    deadline = started + minutes * 60
    next_sample = started + 60  # after a minute of warm-up
    assert proc.stdout is not None
    for _ in proc.stdout:
        turns += 1
        now = time.monotonic()
        if now >= next_sample:
            try:
                samples.append(rss_kib(proc.pid))
            except (OSError, StopIteration):
                break
            next_sample = now + sample_s
        if now >= deadline:
            break
    proc.kill()
    proc.wait()
    if len(samples) < 2:
        print("soak: the listen run was too short to sample memory; use --listen-minutes 3 or more")
        return None
    return {
        "mode": "listen --realtime",
        "turns": str(turns),
        "minutes": f"{(time.monotonic() - started) / 60:.1f}",
        "RSS after warm-up MiB": f"{samples[0] / 1024:.0f}",
        "RSS end MiB": f"{samples[-1] / 1024:.0f}",
        "growth %": f"{100.0 * (samples[-1] - samples[0]) / samples[0]:+.1f}",
    }


def _wav_seconds(path: Path) -> float:
    import wave

    with wave.open(str(path)) as handle:
        return handle.getnframes() / handle.getframerate()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=2000, help="typed turns (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="turn after which RSS is the baseline (default 200)")
    parser.add_argument("--no-journal", action="store_true", help="soak without the journal")
    parser.add_argument("--conversation", choices=("single", "per-scene"), default="single",
                        help="one Rasa conversation for all turns (default), or a fresh one per scene")
    parser.add_argument("--max-minutes", type=float, default=0.0, help="stop the typed soak after this long")
    parser.add_argument("--listen-minutes", type=float, default=0.0, help="also soak `companion listen --realtime`")
    args = parser.parse_args()
    if args.turns > 0:
        summary, *windows = soak_typed(args.turns, min(args.warmup, args.turns), not args.no_journal,
                                       args.conversation, max_minutes=args.max_minutes)
        print_table([summary])
        if windows:
            print()
            print_table(windows)
    if args.listen_minutes > 0:
        row = soak_listen(args.listen_minutes)
        if row:
            print_table([row])
    return 0


if __name__ == "__main__":
    sys.exit(main())
