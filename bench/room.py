"""Evenings in the room: labelled recordings (bench/evening.py) replayed through the live loop.

For each recording, `companion listen --replay WAV --json` runs in a fresh process; its rows (one per utterance
the endpointer found) are matched to the labelled segments by time, and counted:
- couple talk: lines that got a reply or changed anything, per 100 lines (target <= 1, and no state change);
- wake-prefixed requests acted on, and understood (spoken intent = the typed NLU reading of the words said);
- follow-ups said without the wake phrase after a reply, and check-in answers taken;
- wake false accepts (woke on a line without the phrase) per hour of talk, and wake false rejects;
- CPU seconds per hour of room audio for the whole replay (spotter, endpointer, windows, replies).

    .venv/bin/python bench/evening.py --out /tmp/evenings
    .venv/bin/python bench/room.py --data /tmp/evenings [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import COMPANION, PROJECT, machine, machine_line, markdown_table, project_model_dir  # noqa: E402


def replay(wav: Path, model_dir: Path, home: Path, clock: str = "22:00") -> Dict[str, Any]:
    """Rows and CPU seconds of one `companion listen --replay` process, as if it started at `clock`."""
    env = dict(os.environ, COMPANION_HOME=str(home), COMPANION_MODEL_DIR=str(model_dir), RASA_TELEMETRY_ENABLED="false")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([*COMPANION, "listen", "--replay", str(wav), "--json", "--partners", "Sam,Alex",
                           "--start-at", clock],
                          capture_output=True, text=True, env=env, cwd=PROJECT, timeout=3600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"room: replay of {wav} failed: {done.stderr.strip()[-500:]}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"rows": rows, "cpu_s": cpu}


def overlapping(segment: Dict[str, Any], rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The rows whose utterance overlaps a labelled segment."""
    return [r for r in rows if r["start_s"] < segment["end_s"] + 0.3 and r["end_s"] > segment["start_s"] - 0.3]


def voice_of(labels: Dict[str, Any], segment: Dict[str, Any]) -> str:
    """The name of the voice that said a labelled segment ("?" if the labels do not say)."""
    speakers = labels.get("speakers") or []
    who = segment.get("speaker")
    return str(speakers[who]) if isinstance(who, int) and 0 <= who < len(speakers) else "?"


def score(labels: Dict[str, Any], rows: List[Dict[str, Any]], parse: Any) -> Dict[str, Any]:
    """Counts for one recording."""
    counts: Dict[str, Any] = {k: 0 for k in ("talk", "talk_reacted", "talk_woke", "wake", "request", "wake_acted",
                                             "wake_understood", "followup", "followup_taken", "answer",
                                             "answer_taken", "wake_missed", "answer_asked", "answer_asked_taken")}
    misses: List[str] = []
    checkin_began = False  # whether the last wake request was understood (a check-in request that began one)
    for seg in labels["segments"]:
        hits = overlapping(seg, rows)
        acted = any(r["acted"] for r in hits)
        woke = any(r["woke"] for r in hits)
        kind = seg["kind"]
        if kind == "couple_talk":
            counts["talk"] += 1
            counts["talk_reacted"] += acted
            counts["talk_woke"] += woke
            if acted:
                misses.append(f"reacted to talk {seg['text']!r}: {[r.get('intent') for r in hits]}")
            if woke:
                misses.append(f"woke on talk ({voice_of(labels, seg)}) {seg['text']!r}: {[r.get('heard') for r in hits]}")
        elif kind in ("wake_request", "wake_only"):
            counts["wake"] += 1
            counts["wake_missed"] += not woke
            if not woke:
                misses.append(f"wake phrase not heard ({voice_of(labels, seg)}) {seg['text']!r}")
            if kind == "wake_request":
                counts["request"] += 1
                counts["wake_acted"] += acted
                expected = parse(seg["text"])
                understood = any(r["intent"] == expected for r in hits if r["acted"])
                checkin_began = understood and expected == "start_checkin"
                if understood:
                    counts["wake_understood"] += 1
                else:
                    misses.append(f"wake request {seg['text']!r} -> {[(r['heard'], r['intent']) for r in hits]}")
        elif kind == "followup":
            counts["followup"] += 1
            counts["followup_taken"] += acted
            if not acted:
                misses.append(f"follow-up not taken {seg['text']!r} -> {[(r['heard'], r['intent']) for r in hits]}")
        elif kind == "checkin_answer":
            counts["answer"] += 1
            counts["answer_taken"] += acted
            counts["answer_asked"] += checkin_began
            counts["answer_asked_taken"] += checkin_began and acted
            if not acted:
                misses.append(f"answer not taken ({voice_of(labels, seg)}) {seg['text']!r} -> "
                              f"{[(r['heard'], r['intent']) for r in hits]}")
    counts["misses"] = misses
    return counts


def main(argv: Optional[List[str]] = None) -> int:
    """Replay every labelled recording in --data and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with *.wav and *.json from bench/evening.py")
    parser.add_argument("--config", type=Path, help="a config.yml for each replay's home (e.g. another recogniser)")
    parser.add_argument("--json", action="store_true", help="one JSON object with the totals")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--idle-minutes", type=float, default=10.0,
                        help="also replay this much quiet room noise (sox brown noise), for idle CPU (0: skip)")
    args = parser.parse_args(argv)

    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue import training
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.settings import Settings

    model_dir = project_model_dir()
    engine = RasaDialogueEngine.load(training.model_path(model_dir), ActionContext(Settings()))

    def typed_intent(text: str) -> str:
        words = text.split()
        rest = " ".join(words[2:]) if words[:2] == ["hey", "companion"] else text
        return engine.parse(rest).intent

    with tempfile.TemporaryDirectory() as tmp:  # start-up CPU (loading), subtracted from every replay below
        blank = Path(tmp) / "blank.wav"
        subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", "-c", "1", str(blank), "trim", "0", "2"], check=True)
        startup_cpu = replay(blank, model_dir, Path(tmp))["cpu_s"]
    totals: Dict[str, Any] = {}
    audio_s = talk_s = 0.0
    cpu = {"evening": 0.0, "talk-only": 0.0}
    seconds = {"evening": 0.0, "talk-only": 0.0}
    misses: List[str] = []
    for label_file in sorted(args.data.glob("*.json")):
        labels = json.loads(label_file.read_text())
        wav = label_file.with_suffix(".wav")
        with tempfile.TemporaryDirectory() as home:
            if args.config:
                (Path(home) / "config.yml").write_text(args.config.read_text(encoding="utf-8"), encoding="utf-8")
            result = replay(wav, model_dir, Path(home), labels.get("clock", "22:00"))
        counts = score(labels, result["rows"], typed_intent)
        misses += [f"{wav.name}: {m}" for m in counts.pop("misses")]
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        kind = "talk-only" if "talk-only" in wav.name else "evening"
        cpu[kind] += max(0.0, result["cpu_s"] - startup_cpu)
        seconds[kind] += labels["duration_s"]
        audio_s += labels["duration_s"]
        talk_s += sum(s["end_s"] - s["start_s"] for s in labels["segments"] if s["kind"] == "couple_talk")
    if args.idle_minutes > 0:
        with tempfile.TemporaryDirectory() as tmp:
            idle = Path(tmp) / "idle.wav"
            subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", "-c", "1", str(idle), "synth",
                            str(args.idle_minutes * 60), "brownnoise", "vol", "0.02"], check=True)
            result = replay(idle, model_dir, Path(tmp))
        cpu["idle"] = max(0.0, result["cpu_s"] - startup_cpu)
        seconds["idle"] = args.idle_minutes * 60
        totals["idle_rows_acted"] = sum(1 for r in result["rows"] if r["acted"])
    hours_talk = max(talk_s, 1e-9) / 3600

    def rate(num: str, den: str) -> str:
        return f"{totals.get(num, 0)}/{totals.get(den, 0)} ({totals.get(num, 0) / max(1, totals.get(den, 0)):.3f})"

    rows = [
        ["reactions to couple talk per 100 lines", f"{100 * totals.get('talk_reacted', 0) / max(1, totals.get('talk', 0)):.2f}"
         f" ({totals.get('talk_reacted', 0)} of {totals.get('talk', 0)})", "<= 1"],
        ["wake false accepts per hour of talk", f"{totals.get('talk_woke', 0) / hours_talk:.2f} "
         f"({totals.get('talk_woke', 0)} in {talk_s / 60:.1f} min of talk)", "<= 1"],
        ["wake false rejects", rate("wake_missed", "wake"), "<= 0.05"],
        ["wake-prefixed requests acted on", rate("wake_acted", "request"), ">= 0.95"],
        ["... understood (intent as typed)", rate("wake_understood", "request"), ""],
        ["follow-ups after a reply taken", rate("followup_taken", "followup"), ""],
        ["check-in answers taken", rate("answer_taken", "answer"), "all"],
        ["... in check-ins that began (the request understood)", rate("answer_asked_taken", "answer_asked"), ""],
    ]
    for kind in ("evening", "talk-only", "idle"):
        if seconds.get(kind):
            rows.append([f"CPU s per hour of audio ({kind}; start-up {startup_cpu:.1f} s taken off)",
                         f"{3600 * cpu[kind] / seconds[kind]:.0f}", ""])
    if args.json:
        print(json.dumps({"totals": totals, "audio_s": audio_s, "talk_s": talk_s, "cpu": cpu, "seconds": seconds}))
    else:
        print(machine_line(machine()))
        print(f"{audio_s / 60:.1f} min of room audio in {args.data}")
        print(markdown_table(["measure", "result", "target"], rows))
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
