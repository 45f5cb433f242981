"""`companion transcribe` and `companion models list|download`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from typing import Any, List, Tuple


def register(subparsers: Any) -> None:
    """Add the speech sub-commands."""
    from assistant.settings import CHOICES

    tr = subparsers.add_parser("transcribe", help="transcribe WAV files with the configured recogniser")
    tr.add_argument("files", nargs="+", metavar="WAV", help="WAV files (any rate, width or channel count)")
    tr.add_argument("--json", action="store_true", help='one JSON line per file: {"file", "text", "engine"}')
    tr.add_argument("--mode", choices=("command", "open"), default="command",
                    help="command: tuned to the companion's phrases (default); open: free speech")
    tr.add_argument("--engine", choices=CHOICES["listen.recognizer"], help="override listen.recognizer")
    tr.add_argument("--model", metavar="DIR", help="Vosk model directory (overrides listen.vosk_model)")
    tr.set_defaults(func=run_transcribe)

    models = subparsers.add_parser("models", help="list or download speech recognition models")
    msub = models.add_subparsers(dest="models_command", metavar="ACTION")
    ls = msub.add_parser("list", help="show installed Vosk models")
    ls.set_defaults(func=run_models_list)
    dl = msub.add_parser("download", help="download a Vosk model (default: vosk-model-small-en-us-0.15)")
    dl.add_argument("name", nargs="?", default=None, metavar="NAME")
    dl.add_argument("--sha256", help="expected SHA-256 of the zip (overrides the pinned digest)")
    dl.add_argument("--url", help="base URL to fetch <NAME>.zip from (default: the official Vosk site)")
    dl.add_argument("--force", action="store_true", help="replace the model if it is already installed")
    dl.set_defaults(func=run_models_download)
    models.set_defaults(func=lambda args: (models.print_help(), 2)[1])


def run_transcribe(args: argparse.Namespace) -> int:
    """Transcribe each file; a bad file is reported on stderr and the others still run."""
    from assistant import settings as settings_mod
    from assistant.audio import read_wav
    from assistant.errors import CompanionError
    from assistant.recognizers import load_recognizer

    settings = settings_mod.load()
    listen = settings.listen
    if args.engine:
        listen = dataclasses.replace(listen, recognizer=args.engine)
    if args.model:
        listen = dataclasses.replace(listen, vosk_model=args.model, recognizer=args.engine or "vosk")
    recognizer = load_recognizer(listen, names=settings.partners)
    failed = 0
    for name in args.files:
        try:
            audio, _ = read_wav(name)
            result = transcribe_bounded(recognizer, audio, args.mode)
        except CompanionError as err:
            failed += 1
            print(f"companion: {err}", file=sys.stderr)
            continue
        if not result.complete:
            print(f"companion: {name}: stopped after {result.seconds_used:.0f} s; only the first "
                  f"{result.heard_s:.0f} s of {result.total_s:.0f} s were transcribed", file=sys.stderr)
        if args.json:
            print(json.dumps({"file": name, "text": result.text, "engine": result.engine}), flush=True)
        else:
            print(f"{name}: {result.text}" if len(args.files) > 1 else result.text, flush=True)
    return 1 if failed else 0


TIME_LIMIT_S = 120.0  # no file keeps the recogniser busier than this, whatever it holds
SILENT_PEAK = 8  # int16 frames whose peak stays below this are digital silence (no recogniser run)
SILENCE_GAP_S = 1.0  # silent stretches at least this long are cut out between segments
FRAME_BYTES = 960  # 30 ms of 16 kHz int16


@dataclasses.dataclass(frozen=True)
class BoundedTranscript:
    """What was heard in a file, and whether the time limit cut it short."""

    text: str
    engine: str
    complete: bool
    heard_s: float
    total_s: float
    seconds_used: float


def sound_segments(audio: bytes) -> List[Tuple[int, int]]:
    """(start, end) byte ranges holding sound, with digital silence of SILENCE_GAP_S or more cut out."""
    import numpy as np

    usable = len(audio) // FRAME_BYTES * FRAME_BYTES
    if usable == 0:
        return [(0, len(audio))] if np.abs(np.frombuffer(audio, "<i2")).max(initial=0) >= SILENT_PEAK else []
    frames = np.abs(np.frombuffer(audio[:usable], "<i2").reshape(-1, FRAME_BYTES // 2).astype(np.int32)).max(axis=1)
    loud = frames >= SILENT_PEAK
    gap = max(1, int(SILENCE_GAP_S * 1000 / 30))
    segments: List[Tuple[int, int]] = []
    start, quiet = None, 0
    for index, is_loud in enumerate(loud):
        if is_loud:
            start = index if start is None else start
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= gap:
                segments.append((start * FRAME_BYTES, (index - quiet + 1) * FRAME_BYTES))
                start, quiet = None, 0
    if start is not None:
        segments.append((start * FRAME_BYTES, len(audio)))
    return segments


def transcribe_bounded(recognizer: Any, audio: bytes, mode: str = "command", limit_s: float = TIME_LIMIT_S) -> BoundedTranscript:
    """Decode the parts of `audio` that hold sound, stopping at `limit_s` of work; digital silence hears nothing."""
    from assistant.recognizers import EDGE_SILENCE, FEED_BYTES

    start = time.monotonic()
    texts: List[str] = []
    engine = getattr(recognizer, "name", "")
    heard = 0
    complete = True
    for begin, end in sound_segments(audio):
        stream = recognizer.stream(mode)
        piece = EDGE_SILENCE + audio[begin:end] + EDGE_SILENCE
        for offset in range(0, len(piece), FEED_BYTES):
            if time.monotonic() - start > limit_s:
                complete = False
                break
            stream.accept(piece[offset:offset + FEED_BYTES])
            heard = begin + max(0, offset - len(EDGE_SILENCE))
        result = stream.finish()
        engine = result.engine or engine
        if result.text.strip():
            texts.append(result.text.strip())
        if not complete:
            break
        heard = end
    total = len(audio) / 32000
    return BoundedTranscript(" ".join(texts), engine, complete, heard / 32000 if not complete else total, total,
                             time.monotonic() - start)


def run_models_list(args: argparse.Namespace) -> int:
    """Print installed Vosk models and the bundled PocketSphinx model."""
    from assistant import paths
    from assistant.recognizers.models import human_size, installed_models

    models = installed_models()
    root = paths.user_models_dir()
    if models:
        for model in models:
            print(f"{model.name}\t{human_size(model.size_bytes)}\t{model.path}")
    else:
        print(f"no Vosk models installed in {root} (run `companion models download`)")
    print("pocketsphinx en-us\tbundled\t(always available, used when no Vosk model is installed)")
    return 0


def run_models_download(args: argparse.Namespace) -> int:
    """Download and install one Vosk model."""
    from assistant.recognizers.models import DEFAULT_MODEL, download_model, human_size

    model = download_model(args.name or DEFAULT_MODEL, base_url=args.url, sha256=args.sha256, force=args.force)
    print(f"installed {model.name} ({human_size(model.size_bytes)}) at {model.path}")
    return 0
