"""pyttsx3 speech (espeak-ng on Linux): one warm engine, each phrase rendered to a fresh temp WAV."""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
import weakref
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Callable, List, Optional, Tuple, Union

from assistant.errors import ConfigError, SpeechError
from assistant.messages import AudioFormat, SpeechAudio
from assistant.settings import VoiceSettings
from assistant.speech import clean_text, speaking_style

INSTALL_HINT = "install it with `sudo apt-get install espeak-ng`"
ESPEAK_RATE = 22050  # espeak-ng renders 16-bit mono at 22.05 kHz
WATCHDOG_S = 5.0  # a phrase takes milliseconds; a stuck run loop is ended after this
STARTUP_WATCHDOG_S = 30.0  # the first run loads espeak-ng's data, slow while the rest of the stack loads beside it

# Settings last pushed into each engine; espeak-ng state is per process, so this is shared by all synthesizers.
_APPLIED: "weakref.WeakKeyDictionary[Any, Tuple[Optional[str], int, float]]" = weakref.WeakKeyDictionary()
_ENGINE_LOCK = threading.Lock()


def _quiet_print(*_args: Any, **_kwargs: Any) -> None:
    """Stands in for print() inside the pyttsx3 espeak driver, which prints "Audio saved to ..." on stdout."""


def init_engine() -> Any:
    """The process-wide pyttsx3 engine, or a one-line SpeechError when espeak-ng is missing."""
    try:
        import pyttsx3
    except ImportError as err:
        raise SpeechError("pyttsx3 is not installed: pip install pyttsx3") from err
    try:
        engine = pyttsx3.init()
    except (ImportError, OSError, RuntimeError, AttributeError) as err:
        raise SpeechError(f"pyttsx3 cannot start espeak-ng ({err}); {INSTALL_HINT}") from err
    driver = getattr(getattr(engine, "proxy", None), "_module", None)
    if driver is not None:
        driver.print = _quiet_print  # keep stdout clean for `companion chat --json`
    return engine


def resolve_voice(engine: Any, wanted: Optional[str]) -> Optional[str]:
    """The engine's voice id for an id or a name substring (None keeps the engine default)."""
    if not wanted:
        return None
    voices = engine.getProperty("voices") or []
    key = wanted.strip().lower()
    tests: List[Callable[[Any], bool]] = [
        lambda v: bool(v.id.lower() == key),
        lambda v: bool((v.name or "").lower() == key),
        lambda v: bool(key in v.id.lower() or key in (v.name or "").lower()),
    ]
    for test in tests:
        for voice in voices:
            if test(voice):
                return str(voice.id)
    examples = ", ".join(v.id for v in voices if v.id.lower().split("/")[-1].startswith("en"))[:100]
    raise ConfigError(f"voice '{wanted}' not found in espeak-ng (for example: {examples})")


def render_with_command(text: str, voice_id: Optional[str], rate: int, volume: float) -> Tuple[bytes, AudioFormat]:
    """The plain fallback: the same espeak-ng voice through its command line; empty bytes when that fails too."""
    binary = shutil.which("espeak-ng")
    if not binary or not text:
        return b"", AudioFormat(ESPEAK_RATE, 2, 1)
    command = [binary, "--stdout", "-s", str(int(rate)), "-a", str(int(round(volume * 100)))]
    command += ["-v", voice_id] if voice_id else []
    try:
        done = subprocess.run(command + ["--", text], capture_output=True, timeout=WATCHDOG_S + len(text) / 20.0)
    except (OSError, subprocess.SubprocessError):
        return b"", AudioFormat(ESPEAK_RATE, 2, 1)
    return read_pcm(io.BytesIO(done.stdout))


def _synchronize(engine: Any) -> None:
    """Wait until espeak-ng has taken queued settings, so the run loop's cancel cannot drop them."""
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError, RuntimeError):
        return
    if getattr(engine, "driver_name", "") == "espeak":
        _espeak.Synchronize()


class Pyttsx3Synthesizer:
    """The product default voice: pyttsx3 with espeak-ng, warm across calls, bedtime-aware."""

    name = "pyttsx3"

    def __init__(self, voice: VoiceSettings, clock: Callable[[], datetime] = datetime.now) -> None:
        self.voice = voice
        self.clock = clock
        self._engine = init_engine()
        self._lock = _ENGINE_LOCK
        self._tmpdir = tempfile.TemporaryDirectory(prefix="companion-tts-")
        self._names = itertools.count(1)
        self._failure = ""  # why the last run loop gave no audio
        self._use_command = False  # set once the engine's run loop has failed: replies go through espeak-ng's CLI
        with self._lock:
            self._voice_id = resolve_voice(self._engine, voice.voice)
            self._warm_up()
            style = speaking_style(voice, clock())
            self._apply(style.rate, style.volume)

    def synthesize(self, text: str) -> SpeechAudio:
        """Speak `text` with the current day or bedtime voice."""
        text = clean_text(text)
        fmt = AudioFormat(ESPEAK_RATE, 2, 1)
        if not text:
            return SpeechAudio(text, b"", fmt)
        style = speaking_style(self.voice, self.clock())
        with self._lock:
            for attempt in range(0 if self._use_command else 2):
                self._apply(style.rate, style.volume, force=attempt > 0)
                pcm, fmt = self._render(text)
                if pcm:
                    return SpeechAudio(text, pcm, fmt)
            pcm, fmt = self._fall_back(text, style.rate, style.volume)
            if pcm:
                return SpeechAudio(text, pcm, fmt)
        raise SpeechError(f"pyttsx3 produced no audio for \"{text[:40]}\"; check that espeak-ng works: espeak-ng 'hello'")

    def close(self) -> None:
        """Remove the temp directory (the engine itself stays warm for the process)."""
        self._tmpdir.cleanup()

    def _warm_up(self) -> None:
        """Run the engine once: flushes its start-up queue and proves the driver can render audio."""
        pcm, _ = self._render("ready", STARTUP_WATCHDOG_S)
        if not pcm:
            pcm, _ = self._render("ready", STARTUP_WATCHDOG_S)
        if not pcm:
            style = speaking_style(self.voice, self.clock())
            pcm, _ = self._fall_back("ready", style.rate, style.volume)
        if not pcm:
            raise SpeechError(f"pyttsx3 produced no audio at start-up ({self._failure}); {INSTALL_HINT}")

    def _fall_back(self, text: str, rate: int, volume: float) -> Tuple[bytes, AudioFormat]:
        """Render through espeak-ng's command line, saying once (on stderr) that the engine's run loop failed."""
        pcm, fmt = render_with_command(text, self._voice_id, rate, volume)
        if pcm and not self._use_command:
            self._use_command = True
            print(f"companion: pyttsx3 gave no audio ({self._failure}); speaking through the espeak-ng command",
                  file=sys.stderr, flush=True)
        return pcm, fmt

    def _apply(self, rate: int, volume: float, force: bool = False) -> None:
        """Push voice, rate and volume into the engine if they differ from what it has."""
        wanted = (self._voice_id, int(rate), round(float(volume), 3))
        if not force and _APPLIED.get(self._engine) == wanted:
            return
        if self._voice_id:
            self._engine.setProperty("voice", self._voice_id)
        self._engine.setProperty("rate", int(rate))
        self._engine.setProperty("volume", float(volume))
        _synchronize(self._engine)
        _APPLIED[self._engine] = wanted

    def _render(self, text: str, allowance_s: float = WATCHDOG_S) -> Tuple[bytes, AudioFormat]:
        """Synthesise into a fresh temp WAV and read it back; empty bytes when the engine failed."""
        path = Path(self._tmpdir.name) / f"phrase-{next(self._names)}.wav"
        allowance = allowance_s + len(text) / 100.0
        watchdog = threading.Timer(allowance, self._end_stuck_loop)
        watchdog.daemon = True
        try:
            self._engine.save_to_file(text, str(path))
            started = time.monotonic()
            watchdog.start()
            self._engine.runAndWait()
        except RuntimeError:
            self._end_stuck_loop()  # "run loop already started": a previous loop never ended
            self._failure = "its run loop was already running"
            return b"", AudioFormat(ESPEAK_RATE, 2, 1)
        finally:
            watchdog.cancel()
        try:
            pcm, fmt = read_pcm(path)
            if not pcm:
                took = time.monotonic() - started
                self._failure = f"its run loop was ended after {took:.0f} s" if took >= allowance else "it wrote no WAV"
            return pcm, fmt
        finally:
            try:
                os.remove(path)
            except OSError:
                pass

    def _end_stuck_loop(self) -> None:
        """End a run loop that never finished, so the next call can run."""
        try:
            self._engine.endLoop()
        except RuntimeError:
            pass


def read_pcm(source: Union[Path, BinaryIO]) -> Tuple[bytes, AudioFormat]:
    """16-bit PCM and its format from a WAV file or stream; empty bytes when missing, empty or not 16-bit."""
    try:
        with wave.open(str(source) if isinstance(source, Path) else source, "rb") as wav:
            fmt = AudioFormat(wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
            pcm = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error):
        return b"", AudioFormat(ESPEAK_RATE, 2, 1)
    if fmt.width != 2:
        return b"", fmt
    return pcm, fmt
