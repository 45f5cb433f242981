"""Voice use: `listen` (live hands-free, or WAV turns with --input) and `doctor`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, Optional

from assistant.errors import AudioInputError, CompanionError, ConfigError


def microphone_problem() -> Optional[str]:
    """None if a microphone is usable, else a one-line reason."""
    try:
        import sounddevice as sd
    except (OSError, ImportError):
        return "no audio system (PortAudio) found"
    try:
        sd.query_devices(kind="input")
    except Exception:  # sounddevice.PortAudioError, ValueError
        return "no microphone found"
    return None


def _settings(args: argparse.Namespace) -> Any:
    from assistant import paths, settings

    paths.session_home()
    return settings.load().with_partners(getattr(args, "partners", None))


def run_files(args: argparse.Namespace) -> int:
    """Each input WAV is one user turn of one session, addressed to the companion; replies go to WAV files."""
    from assistant.audio import WavSource
    from assistant.pipeline import strip_wake
    from assistant.playback import WavDirSink
    from assistant.stack import load_stack

    if not args.output_dir:
        raise ConfigError("--input needs --output-dir DIR for the reply WAV files")
    settings = _settings(args)
    sink = WavDirSink(args.output_dir)
    started = time.monotonic()
    stack = load_stack(settings, quiet=args.json)
    pipeline = stack.pipeline(events=_events(args))
    if args.timings:
        detail = ", ".join(f"{key[:-2]} {value:.2f} s" for key, value in sorted(stack.seconds.items()))
        print(f"companion: ready at {time.time():.3f} (loaded in {time.monotonic() - started:.2f} s: {detail})",
              file=sys.stderr, flush=True)
    failures = 0
    try:
        for path in args.input:
            try:
                source = WavSource(path, realtime=args.realtime)
            except AudioInputError as err:
                print(f"companion: {err}", file=sys.stderr, flush=True)
                failures += 1
                continue
            heard = pipeline.hear(source.chunks())
            if heard is None:
                print(f"companion: no speech heard in {path}", file=sys.stderr, flush=True)
                failures += 1
                continue
            _, text = strip_wake(heard.transcript.text, pipeline.wake)
            turn = pipeline.answer(heard, sink, text=text)
            if args.json:
                row = turn.to_json()
                if args.timings:
                    row["timings"] = {key: round(value, 1) for key, value in turn.timings.items()}
                    row["ended_early"] = turn.early
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                print(f"heard: {turn.heard.text}", flush=True)
                for line in turn.reply.texts:
                    print(f"companion: {line}", flush=True)
    finally:
        stack.close()  # also saves any check-in answer the journal still holds
    return 1 if failures else 0


def run_replay(args: argparse.Namespace) -> int:
    """A room recording through the live loop, in recording time, as fast as it runs: one JSON line per utterance."""
    from assistant import bedtime
    from assistant.audio import WavSource
    from assistant.handsfree import HandsFree, VirtualSink
    from assistant.playback import WavDirSink
    from assistant.stack import load_stack

    settings = _settings(args)
    source = WavSource(args.replay)
    holder: Dict[str, Any] = {}
    start = replay_start(args.start_at) if getattr(args, "start_at", None) else None

    def clock() -> datetime:
        """The wall clock inside the recording: its start plus the audio heard so far."""
        if start is None:
            return datetime.now()
        return start + timedelta(seconds=holder["loop"].now if "loop" in holder else 0.0)

    stack = load_stack(settings, quiet=True, clock=clock)
    sink = VirtualSink(lambda: holder["loop"].now, WavDirSink(args.output_dir) if args.output_dir else None)

    def row(data: Dict[str, Any]) -> None:
        if args.json:
            print(json.dumps(data, ensure_ascii=False), flush=True)
        else:
            said = f' "{data["heard"]}"' if data["heard"] is not None else ""
            acted = " -> " + " ".join(data["replies"]) if data["acted"] else ""
            print(f'{data["start_s"]:7.2f}-{data["end_s"]:7.2f}{said}{acted}', flush=True)

    loop = HandsFree(stack.pipeline(events=_events(args)), source, sink, stack.spotter(), on_row=row, speak_lines=False,
                     bedtime=bedtime.from_settings(settings), clock=clock)
    holder["loop"] = loop
    try:
        loop.run()
    finally:
        stack.close()
    return 0


def replay_start(text: str) -> datetime:
    """The wall-clock time a recording starts at: "HH:MM" (today) or an ISO date and time."""
    try:
        if len(text) <= 5 and ":" in text:
            hour, minute = (int(part) for part in text.split(":"))
            return datetime.now().replace(hour=hour, minute=minute, second=0, microsecond=0)
        return datetime.fromisoformat(text)
    except ValueError as err:
        raise ConfigError(f"--start-at wants HH:MM or an ISO date and time, got {text!r}") from err


def _events(args: argparse.Namespace) -> Any:
    """The event log: a JSON-lines file with --events FILE."""
    from assistant.events import EventLog

    return EventLog(getattr(args, "events", None))


def run_live(settings: Any, events: Any = None) -> int:
    """The hands-free companion on the microphone and speaker."""
    from assistant import bedtime
    from assistant.audio import MicrophoneSource
    from assistant.handsfree import HandsFree
    from assistant.playback import SoundDeviceSink
    from assistant.stack import load_stack

    microphone = MicrophoneSource(settings.listen.input_device)
    sink = SoundDeviceSink(settings.listen.output_device)
    stack = load_stack(settings)
    print(f'companion: listening. Say "{settings.listen.wake_phrase}" to begin; Ctrl-C to leave.', file=sys.stderr)
    try:
        HandsFree(stack.pipeline(events=events), microphone, sink, stack.spotter(),
                  bedtime=bedtime.from_settings(settings)).run()
    finally:
        microphone.close()
        sink.close()
        stack.close()
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    """`companion listen`: live, over a room recording with --replay, or over WAV turns with --input."""
    if getattr(args, "replay", None):
        return run_replay(args)
    return run_files(args) if args.input else run_live(_settings(args), _events(args))


def _check(label: str, probe: Any) -> bool:
    try:
        detail = probe()
    except CompanionError as err:
        print(f"✗ {label}: {err}")
        return False
    except Exception as err:  # doctor reports, it never crashes
        print(f"✗ {label}: {type(err).__name__}: {err}")
        return False
    print(f"✓ {label}{': ' + detail if detail else ''}")
    return True


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check each part of the companion; one line each, with the fix."""
    import shutil

    from assistant import paths, settings as settings_mod

    def home() -> str:
        return str(paths.writable_home())

    def config() -> str:
        return settings_mod.check_files()

    def espeak() -> str:
        if not shutil.which("espeak-ng"):
            raise CompanionError("espeak-ng is missing; fix: sudo apt-get install espeak-ng")
        return shutil.which("espeak-ng") or ""

    def microphone() -> str:
        problem = microphone_problem()
        if problem:
            raise CompanionError(f"{problem}; plug one in, or use `companion chat` to type")
        return "found"

    def speaker() -> str:
        from assistant.playback import check_output_device

        check_output_device(None)
        return "found"

    def recognizer() -> str:
        from assistant.recognizers import load_recognizer

        settings = settings_mod.load()
        return load_recognizer(settings.listen, names=settings.partners).name

    def synthesizer() -> str:
        from assistant.speech import load_synthesizer

        return load_synthesizer(settings_mod.load().voice).synthesize("Hello.").text and "speaks"

    def models() -> str:
        from assistant.recognizers.models import installed_models

        found = installed_models()
        return ", ".join(m.name for m in found) if found else "no Vosk model (optional: companion models download)"

    def dialogue() -> str:
        from assistant.dialogue import training

        path = training.model_path(training.default_model_dir(settings_mod.load().model_dir))
        if not path.exists():
            raise CompanionError("the dialogue model is not trained for the current data; fix: companion train")
        return str(path)

    checks = [("data directory", home), ("config", config), ("espeak-ng", espeak), ("microphone", microphone),
              ("speaker", speaker), ("recogniser", recognizer), ("voice", synthesizer), ("speech models", models),
              ("dialogue model", dialogue)]
    results = [_check(label, probe) for label, probe in checks]
    return 0 if all(results) else 1


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the voice commands."""
    p = sub.add_parser("listen", help="the hands-free companion (or WAV turns with --input)")
    p.add_argument("--input", action="append", metavar="WAV", help="a WAV file as one user turn (repeatable)")
    p.add_argument("--replay", metavar="WAV", help="stream one room recording through the live loop (recording time)")
    p.add_argument("--start-at", metavar="HH:MM", help="with --replay: the wall-clock time the recording starts at "
                   "(bedtime, the bedtime voice and the bedtime offer follow it; default: now)")
    p.add_argument("--realtime", action="store_true", help="feed files at the pace a microphone would")
    p.add_argument("--output-dir", metavar="DIR", help="write reply WAVs here (with --input or --replay)")
    p.add_argument("--json", action="store_true", help="one JSON line per turn (--replay: per utterance heard)")
    p.add_argument("--partners", help='the two names, like "Sam,Alex"')
    p.add_argument("--events", type=Path, metavar="FILE", help="append every lifecycle event to FILE (JSON lines)")
    p.add_argument("--timings", action="store_true",
                   help="with --input: per-stage timings in each --json row, and a start-up line on stderr")
    p.set_defaults(func=cmd_listen)

    p = sub.add_parser("doctor", help="check microphone, speaker, voices, recognisers and models")
    p.set_defaults(func=cmd_doctor)
