"""Voice use: `listen` (live hands-free, or WAV turns with --input) and `doctor`."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Optional, Tuple

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


def _timed(seconds: Dict[str, float], key: str, load: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `load`, recording how long it took under `key`."""
    start = time.monotonic()
    try:
        return load(*args, **kwargs)
    finally:
        seconds[key] = time.monotonic() - start


def ready_recognizer(listen: Any) -> Any:
    """The recogniser with both listening modes' decoders built, so no turn waits for one."""
    from assistant.recognizers import load_recognizer

    recognizer = load_recognizer(listen)
    for mode in ("command", "open"):
        recognizer.stream(mode).finish()
    return recognizer


def ready_engine(settings: Any, quiet: bool) -> Any:
    """The dialogue engine, warmed up so the first turn is as quick as the rest."""
    from assistant.dialogue.runtime import open_engine

    engine = open_engine(settings, quiet=quiet)
    engine.warm_up()
    return engine


def load_stack(settings: Any, quiet: bool = False, seconds: Optional[Dict[str, float]] = None) -> Tuple[Any, Any, Any]:
    """Recogniser, dialogue engine and synthesiser, loaded side by side (each one's seconds into `seconds`)."""
    from assistant.speech import load_synthesizer

    seconds = {} if seconds is None else seconds
    gc.disable()  # loading makes ~1M long-lived objects: no point scanning them again and again (~0.3 s)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            recognizer = pool.submit(_timed, seconds, "recognizer_s", ready_recognizer, settings.listen)
            synthesizer = pool.submit(_timed, seconds, "synthesizer_s", load_synthesizer, settings.voice)
            engine = _timed(seconds, "dialogue_s", ready_engine, settings, quiet)
            return recognizer.result(), engine, synthesizer.result()
    finally:
        settle_heap()


def settle_heap() -> None:
    """Collect once, then freeze what loading left: the collector then never walks Rasa's ~1M start-up objects
    in the middle of a turn (those full collections took 110-180 ms each; bench/latency.py)."""
    gc.collect()
    gc.freeze()
    gc.enable()


def _settings(args: argparse.Namespace) -> Any:
    from assistant import paths, settings

    paths.writable_home()
    return settings.load().with_partners(getattr(args, "partners", None))


def run_files(args: argparse.Namespace) -> int:
    """Each input WAV is one user turn of one session; replies go to WAV files."""
    from assistant.audio import WavSource
    from assistant.pipeline import VoicePipeline, strip_wake
    from assistant.playback import WavDirSink

    if not args.output_dir:
        raise ConfigError("--input needs --output-dir DIR for the reply WAV files")
    settings = _settings(args)
    sink = WavDirSink(args.output_dir)
    started = time.monotonic()
    loads: Dict[str, float] = {}
    recognizer, engine, synthesizer = load_stack(settings, quiet=args.json, seconds=loads)
    pipeline = VoicePipeline(recognizer, engine, synthesizer, settings.listen)
    if args.timings:
        detail = ", ".join(f"{key[:-2]} {value:.2f} s" for key, value in sorted(loads.items()))
        print(f"companion: ready at {time.time():.3f} (loaded in {time.monotonic() - started:.2f} s: {detail})",
              file=sys.stderr, flush=True)
    failures = 0
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
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            print(f"heard: {turn.heard.text}", flush=True)
            for line in turn.reply.texts:
                print(f"companion: {line}", flush=True)
    return 1 if failures else 0


def run_live(args: argparse.Namespace) -> int:
    """The hands-free companion on the microphone and speaker."""
    from assistant.audio import MicrophoneSource
    from assistant.handsfree import HandsFree
    from assistant.pipeline import VoicePipeline
    from assistant.playback import SoundDeviceSink

    settings = _settings(args)
    microphone = MicrophoneSource(settings.listen.input_device)
    sink = SoundDeviceSink(settings.listen.output_device)
    recognizer, engine, synthesizer = load_stack(settings)
    pipeline = VoicePipeline(recognizer, engine, synthesizer, settings.listen)
    print(f'companion: listening. Say "{settings.listen.wake_phrase}" to begin; Ctrl-C to leave.', file=sys.stderr)
    try:
        HandsFree(pipeline, microphone, sink).run()
    finally:
        microphone.close()
        sink.close()
    return 0


def cmd_listen(args: argparse.Namespace) -> int:
    """`companion listen`: live, or over WAV turns with --input."""
    return run_files(args) if args.input else run_live(args)


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
        settings_mod.load()
        return str(paths.config_file())

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

        return load_recognizer(settings_mod.load().listen).name

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


def register(sub: argparse._SubParsersAction) -> None:
    """Add the voice commands."""
    p = sub.add_parser("listen", help="the hands-free companion (or WAV turns with --input)")
    p.add_argument("--input", action="append", metavar="WAV", help="a WAV file as one user turn (repeatable)")
    p.add_argument("--realtime", action="store_true", help="feed files at the pace a microphone would")
    p.add_argument("--output-dir", metavar="DIR", help="write reply WAVs here (with --input)")
    p.add_argument("--json", action="store_true", help="one JSON line per turn")
    p.add_argument("--partners", help='the two names, like "Sam,Alex"')
    p.add_argument("--timings", action="store_true",
                   help="with --input: per-stage timings in each --json row, and a start-up line on stderr")
    p.set_defaults(func=cmd_listen)

    p = sub.add_parser("doctor", help="check microphone, speaker, voices, recognisers and models")
    p.set_defaults(func=cmd_doctor)
