"""Response latency: end of the user's speech -> first reply audio ready, over whole spoken sessions.

Each voice speaks one session (13 turns: conversation starters, next/repeat/save, a whole bedtime check-in with
two ratings and four free answers, help, stop) through the real CLI at microphone pace:

    companion listen --json --timings --realtime --input turn1.wav ... --output-dir DIR

The audio is espeak-ng (several voices, speeds and pitches), 16 kHz with faint noise, 0.4 s before and 1.6 s
after each utterance. `latency_ms` runs from the last voiced 30 ms frame to the first reply sentence's audio,
so it includes the endpoint's wait for silence; "timings" splits it into endpoint wait, final recognition,
dialogue and synthesis of the first sentence.

    .venv/bin/python bench/latency.py                  # 3 voices x 13 turns with the project model
    .venv/bin/python bench/latency.py --quick          # 1 voice
    .venv/bin/python bench/latency.py --model-dir DIR  # a model trained elsewhere (see bench/training.py)
    .venv/bin/python bench/latency.py --voice-engines piper,pyttsx3   # the two voices side by side
    .venv/bin/python bench/latency.py --tree /tmp/before   # an older tree and this one, taking turns per voice
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]
from benchlib import COMPANION, PROJECT, ChildRun, fmt, markdown_table, percentile, quiet_env, run_child, project_model_dir  # noqa: E402

# (what is said, what kind of turn it is in a session that goes as planned)
SESSION: Tuple[Tuple[str, str], ...] = (
    ("hey companion, give us a conversation starter about desire", "command"),
    ("next one", "command"),
    ("say that again", "command"),
    ("save that one", "command"),
    ("let's do our bedtime check in", "command"),
    ("a four", "rating"),
    ("a three", "rating"),
    ("your laugh at dinner", "answer"),
    ("when you listened to me", "answer"),
    ("a slow breakfast together", "answer"),
    ("an early night", "answer"),
    ("what can you do", "command"),
    ("stop", "command"),
)
# (label, espeak-ng voice, words per minute, pitch 0-99)
VOICES: Tuple[Tuple[str, str, int, int], ...] = (
    ("en-us", "en-us", 160, 50),
    ("en-us+f3 fast high", "en-us+f3", 180, 70),
    ("en-gb slow low", "en-gb", 140, 35),
)
STAGES = ("endpoint_ms", "stt_ms", "dialogue_ms", "tts_first_ms")
EARLY_MS, COMMAND_MS = 300, 700  # endpoint waits below these ended early / after the command-mode silence


def speech_cache() -> Path:
    """Where synthesised turns are kept between runs."""
    return Path(tempfile.gettempdir()) / "companion-bench-speech"


def session_wavs(voice: Tuple[str, str, int, int], turns: Sequence[Tuple[str, str]] = SESSION) -> List[Path]:
    """One WAV per turn in `voice` (cached)."""
    from speechgen import SpeechMaker

    maker = SpeechMaker(speech_cache())
    _, name, wpm, pitch = voice
    return [maker.vary(maker.espeak(text, name, wpm, pitch), noise=0.003, pad_s=(0.4, 1.6), rate=16000)
            for text, _ in turns]


def ready_seconds(run: ChildRun) -> Optional[float]:
    """Launch -> "ready" (stack loaded, about to listen), from the CLI's `ready at <epoch>` line."""
    for line in run.stderr.splitlines():
        if line.startswith("companion: ready at "):
            return float(line.split()[3]) - run.launched_at
    return None


def has_timings(tree: Path) -> bool:
    """Whether that source tree's `companion listen` has --timings."""
    return "--timings" in (tree / "assistant" / "commands" / "listen.py").read_text(encoding="utf-8")


def write_voice_config(home: Path, voice_engine: Optional[str]) -> None:
    """A private config.yml in `home` choosing `voice_engine` (nothing for the default voice)."""
    if voice_engine:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        (home / "config.yml").write_text(f"voice: {{engine: {voice_engine}}}\n", encoding="utf-8")


def run_session(model_dir: Path, wavs: Sequence[Path], realtime: bool = True, extra_env: Optional[Dict[str, str]] = None,
                partners: str = "Sam,Alex", tree: Path = PROJECT,
                voice_engine: Optional[str] = None) -> Tuple[ChildRun, List[Dict[str, Any]]]:
    """One `companion listen` process (from source tree `tree`) over `wavs`; the run and its JSON rows."""
    with tempfile.TemporaryDirectory(prefix="bench-listen-") as tmp:
        write_voice_config(Path(tmp) / "home", voice_engine)
        cmd = [*COMPANION, "listen", "--json", "--partners", partners, "--output-dir", f"{tmp}/out"]
        if has_timings(tree):
            cmd.append("--timings")
        if realtime:
            cmd.append("--realtime")
        for wav in wavs:
            cmd += ["--input", str(wav)]
        run = run_child(cmd, env=quiet_env(Path(tmp) / "home", model_dir, **(extra_env or {})), cwd=tree)
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode not in (0, 1) or not rows:
        raise RuntimeError(f"companion listen failed (exit {run.returncode}): {run.stderr.strip()[-800:]}")
    return run, rows


def endpoint_kind(row: Dict[str, Any]) -> str:
    """How the utterance was ended: early, after the command-mode silence, or after the open-answer silence."""
    if "timings" not in row:
        return "unknown (no --timings)"
    if "ended_early" in row:  # the CLI says so (trees before it: guessed from the wait)
        return "early" if row["ended_early"] else "command silence" if row["timings"]["endpoint_ms"] < COMMAND_MS \
            else "open-answer silence"
    wait = row["timings"]["endpoint_ms"]
    return "early" if wait < EARLY_MS else "command silence" if wait < COMMAND_MS else "open-answer silence"


def summarize(turns: List[Dict[str, Any]]) -> Dict[str, Any]:
    """p50/p95 latency overall and by kind, mean of each stage, first-turn latency, peak memory."""
    latencies = [t["latency_ms"] for t in turns]
    summary: Dict[str, Any] = {
        "turns": len(turns),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies),
        "first_turn_ms": statistics.mean(t["latency_ms"] for t in turns if t["index"] == 0),
        "early_share": sum(endpoint_kind(t) == "early" for t in turns) / len(turns),
    }
    for stage in STAGES:
        values = [t["timings"][stage] for t in turns if "timings" in t]
        summary[f"{stage}_p50"] = percentile(values, 50)
        summary[f"{stage}_p95"] = percentile(values, 95)
    kinds: Dict[str, List[float]] = {}
    for turn in turns:
        kinds.setdefault(endpoint_kind(turn), []).append(turn["latency_ms"])
    summary["by_endpoint"] = {kind: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95)}
                              for kind, v in sorted(kinds.items())}
    planned: Dict[str, List[float]] = {}
    for turn in turns:
        planned.setdefault(turn.get("planned", "?"), []).append(turn["latency_ms"])
    summary["by_planned"] = {kind: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95)}
                             for kind, v in sorted(planned.items())}
    return summary


def measure(model_dir: Path, voices: Sequence[Tuple[str, str, int, int]] = VOICES,
            extra_env: Optional[Dict[str, str]] = None, tree: Path = PROJECT,
            voice_engine: Optional[str] = None) -> Dict[str, Any]:
    """Run one session per voice; every turn, the summary, and per-session ready time and peak RSS."""
    return measure_side_by_side(model_dir, {"": (tree, voice_engine)}, voices, extra_env)[""]


def measure_side_by_side(model_dir: Path, setups: Dict[str, Tuple[Path, Optional[str]]],
                         voices: Sequence[Tuple[str, str, int, int]] = VOICES,
                         extra_env: Optional[Dict[str, str]] = None) -> Dict[str, Dict[str, Any]]:
    """Each setup (source tree, voice engine) over the same sessions, taking turns voice by voice so that a
    change in the machine's load falls on all of them alike."""
    turns: Dict[str, List[Dict[str, Any]]] = {name: [] for name in setups}
    sessions: Dict[str, List[Dict[str, Any]]] = {name: [] for name in setups}
    for voice in voices:
        for name, (tree, voice_engine) in setups.items():
            run, rows = run_session(model_dir, session_wavs(voice), extra_env=extra_env, tree=tree,
                                    voice_engine=voice_engine)
            sessions[name].append({"voice": voice[0], "ready_s": ready_seconds(run), "peak_rss_mb": run.peak_rss_mb,
                                   "wall_s": run.wall_s, "turns": len(rows)})
            for index, row in enumerate(rows):
                said, planned = SESSION[index] if index < len(SESSION) else ("?", "?")
                turns[name].append({"voice": voice[0], "index": index, "said": said, "planned": planned, **row})
    return {name: {"turns": turns[name], "sessions": sessions[name], "summary": summarize(turns[name])}
            for name in setups}


def table(results: Dict[str, Dict[str, Any]]) -> str:
    """Markdown: one column per pipeline."""
    names = list(results)
    s = {name: results[name]["summary"] for name in names}
    rows: List[List[str]] = [
        ["turns"] + [str(s[n]["turns"]) for n in names],
        ["latency p50 ms"] + [fmt(s[n]["p50_ms"]) for n in names],
        ["latency p95 ms"] + [fmt(s[n]["p95_ms"]) for n in names],
        ["first turn ms (mean)"] + [fmt(s[n]["first_turn_ms"]) for n in names],
        ["ended early (share)"] + [fmt(s[n]["early_share"], 2) for n in names],
    ]
    for stage in STAGES:
        rows.append([f"{stage[:-3]} p50 / p95 ms"] +
                    [f"{fmt(s[n][stage + '_p50'])} / {fmt(s[n][stage + '_p95'])}" for n in names])
    kinds = sorted({k for n in names for k in s[n]["by_endpoint"]})
    for kind in kinds:
        cells = []
        for n in names:
            k = s[n]["by_endpoint"].get(kind)
            cells.append(f"{fmt(k['p50_ms'])} / {fmt(k['p95_ms'])} (n={k['n']})" if k else "–")
        rows.append([f"{kind}: p50 / p95 ms"] + cells)
    for kind in sorted({k for n in names for k in s[n].get("by_planned", {})}):
        cells = []
        for n in names:
            k = s[n]["by_planned"].get(kind)
            cells.append(f"{fmt(k['p50_ms'])} / {fmt(k['p95_ms'])} (n={k['n']})" if k else "–")
        rows.append([f"said as {kind}: p50 / p95 ms"] + cells)
    return markdown_table(["latency"] + names, rows)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, help="model folder (default: the project's, trained if needed)")
    parser.add_argument("--quick", action="store_true", help="one voice only")
    parser.add_argument("--json", type=Path, help="write every turn and the summary here")
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="also run the CLI of another source tree, taking turns with this one (repeatable), e.g. "
                             "git worktree add --detach /tmp/before main")
    parser.add_argument("--voice-engines", default="",
                        help="comma-separated voice.engine values to compare, e.g. piper,pyttsx3 (default: the default)")
    args = parser.parse_args(argv)
    model_dir = project_model_dir(args.model_dir)
    setups: Dict[str, Tuple[Path, Optional[str]]] = {}
    for tree in [*args.tree, PROJECT]:
        for engine in (args.voice_engines.split(",") if args.voice_engines else [""]):
            name = "ours" if tree == PROJECT else str(tree)
            setups[f"{name}, {engine}" if engine else name] = (tree.resolve(), engine or None)
    results = measure_side_by_side(model_dir, setups, VOICES[:1] if args.quick else VOICES)
    print(table(results))
    for label, result in results.items():
        for session in result["sessions"]:
            print(f"- {label}, {session['voice']}: {session['turns']} turns, ready {fmt(session['ready_s'], 2)} s, "
                  f"peak RSS {fmt(session['peak_rss_mb'])} MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
