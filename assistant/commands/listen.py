"""Voice use: `listen` (live hands-free, or WAV turns with --input) and `doctor`."""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional, Tuple

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


def load_stack(settings: Any, quiet: bool = False) -> Tuple[Any, Any, Any]:
    """Recogniser, dialogue engine and synthesiser, loaded side by side."""
    from assistant.dialogue.runtime import open_engine
    from assistant.recognizers import load_recognizer
    from assistant.speech import load_synthesizer

    with ThreadPoolExecutor(max_workers=2) as pool:
        recognizer = pool.submit(load_recognizer, settings.listen)
        synthesizer = pool.submit(load_synthesizer, settings.voice)
        engine = open_engine(settings, quiet=quiet)
        return recognizer.result(), engine, synthesizer.result()


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
    recognizer, engine, synthesizer = load_stack(settings, quiet=args.json)
    pipeline = VoicePipeline(recognizer, engine, synthesizer, settings.listen)
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
            print(json.dumps(turn.to_json(), ensure_ascii=False), flush=True)
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
    p.set_defaults(func=cmd_listen)

    p = sub.add_parser("doctor", help="check microphone, speaker, voices, recognisers and models")
    p.set_defaults(func=cmd_doctor)
