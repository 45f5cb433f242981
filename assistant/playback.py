"""Audio output: one `AudioSink` protocol; a sounddevice speaker with barge-in, and a WAV directory."""

from __future__ import annotations

import os
import threading
import time
import wave
from collections import deque
from pathlib import Path
from typing import Any, Callable, Deque, List, Optional, Protocol, Union

from assistant.errors import SpeechError
from assistant.messages import AudioFormat, SpeechAudio

OUTPUT_HINT = "write replies as WAV files instead with --output-dir DIR"


class AudioSink(Protocol):
    """Where synthesised speech goes: everything the pipeline and the always-on loop use."""

    def begin_turn(self) -> object:
        """The sentences played from now on are one reply."""
        ...

    def play(self, speech: SpeechAudio) -> None:
        """Start (or queue) `speech`; returns without waiting for it to finish."""
        ...

    def stop(self) -> None:
        """Barge-in: cut off whatever is playing or queued, at once."""
        ...

    @property
    def is_playing(self) -> bool:
        """Whether a reply is still sounding."""
        ...

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until everything queued has played (or `timeout`); True when it finished."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...

    @property
    def last_paths(self) -> List[Path]:
        """Files written for the last reply (empty for a speaker)."""
        ...


# ---------------------------------------------------------------- WAV files


def continues(speech: SpeechAudio) -> bool:
    """Whether `speech` is a later piece of the sentence before it (a streaming voice gives those no text)."""
    return not speech.text and bool(speech.audio)


def write_wav(path: Union[str, Path], speech: SpeechAudio) -> Path:
    """Write `speech` as a WAV file readable only by the user; a one-line SpeechError if it cannot."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
            wav.setnchannels(speech.format.channels)
            wav.setsampwidth(speech.format.width)
            wav.setframerate(speech.format.rate)
            wav.writeframes(speech.audio)
        os.replace(tmp, path)
    except OSError as err:
        raise SpeechError(f"cannot write {path}: {err.strerror or err}") from err
    return path


def read_wav(path: Union[str, Path], text: str = "") -> SpeechAudio:
    """A WAV file as SpeechAudio; a one-line SpeechError if it is missing or not PCM WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            fmt = AudioFormat(wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
            return SpeechAudio(text, wav.readframes(wav.getnframes()), fmt)
    except (OSError, EOFError, wave.Error) as err:
        raise SpeechError(f"cannot read WAV file {path}: {err}") from err


class WavDirSink:
    """Writes each reply sentence as `reply-<turn>-<n>.wav` (the `--output-dir` mode)."""

    def __init__(self, directory: Union[str, Path]) -> None:
        self.directory = Path(directory).expanduser()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise SpeechError(f"cannot use output directory {self.directory}: {err.strerror or err}") from err
        if not self.directory.is_dir():
            raise SpeechError(f"output directory {self.directory} is not a directory")
        self.turn = 0
        self.count = 0
        self.last_paths: List[Path] = []
        self.paths: List[Path] = []
        self._sentence: Optional[SpeechAudio] = None  # the sentence being written, while pieces of it come in

    def begin_turn(self, turn: Optional[int] = None) -> int:
        """Start numbering the next reply (or reply `turn`); returns its turn number."""
        self.turn = self.turn + 1 if turn is None else turn
        self.count = 0
        self.last_paths = []
        self._sentence = None
        return self.turn

    def write(self, speech: SpeechAudio, turn: int, n: int) -> Path:
        """Write `speech` as reply-<turn>-<n>.wav and return its path."""
        return write_wav(self.directory / f"reply-{turn}-{n}.wav", speech)

    def play(self, speech: SpeechAudio) -> None:
        """Write the next sentence of the current turn (turn 1 if none was begun); a piece that continues the
        sentence before it (text "", from a streaming voice) goes into that sentence's file."""
        if self.turn == 0:
            self.begin_turn()
        sentence = self._sentence
        if continues(speech) and sentence is not None and self.last_paths and sentence.format == speech.format:
            self._sentence = SpeechAudio(sentence.text, sentence.audio + speech.audio, sentence.format)
            self.write(self._sentence, self.turn, self.count)
            return
        self.count += 1
        self._sentence = speech
        path = self.write(speech, self.turn, self.count)
        self.last_paths.append(path)
        self.paths.append(path)

    def stop(self) -> None:
        """Nothing to cut off: files are written whole."""

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Files are written synchronously, so there is never anything left to play."""
        return True

    @property
    def is_playing(self) -> bool:
        """Never playing: writing is synchronous."""
        return False

    def close(self) -> None:
        """Nothing held open."""


# ---------------------------------------------------------------- speaker

StreamFactory = Callable[..., Any]


def _sounddevice() -> Any:
    """The sounddevice module, or a one-line SpeechError with an install hint."""
    try:
        import sounddevice
    except (ImportError, OSError) as err:
        raise SpeechError("audio output needs PortAudio: sudo apt-get install libportaudio2 (and pip install sounddevice)") from err
    return sounddevice


def _device(device: Union[None, int, str]) -> Union[None, int, str]:
    """A device index from digits, else the name as given."""
    if isinstance(device, str) and device.strip().isdigit():
        return int(device)
    return device


def check_output_device(device: Union[None, int, str] = None) -> None:
    """Raise a one-line SpeechError unless there is a usable output device."""
    sd = _sounddevice()
    try:
        info = sd.query_devices(_device(device), kind="output")
    except (ValueError, sd.PortAudioError) as err:
        what = f"audio output device '{device}' unavailable" if device is not None else "no audio output device found"
        raise SpeechError(f"{what} ({err}); {OUTPUT_HINT}") from err
    if not info or int(info.get("max_output_channels", 0)) < 1:
        raise SpeechError(f"no audio output device found; {OUTPUT_HINT}")


def _open_sounddevice_stream(**kwargs: Any) -> Any:
    """A real sounddevice output stream of raw 16-bit frames (no numpy needed)."""
    return _sounddevice().RawOutputStream(**kwargs)


class SoundDeviceSink:
    """Plays speech through the speaker without blocking; `stop()` cuts it off for barge-in.

    One output stream stays open per audio format; queued sentences play back to back.
    """

    def __init__(self, device: Union[None, int, str] = None, open_stream: Optional[StreamFactory] = None) -> None:
        self.device = _device(device)
        if open_stream is None:
            check_output_device(self.device)
            open_stream = _open_sounddevice_stream
        self._open_stream = open_stream
        self._stream: Any = None
        self._format: Optional[AudioFormat] = None
        self._queue: Deque[memoryview] = deque()
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    # -- AudioSink

    def play(self, speech: SpeechAudio) -> None:
        """Queue `speech` after anything already playing and return at once."""
        if not speech.audio:
            return
        if speech.format.width != 2:
            raise SpeechError(f"can only play 16-bit audio, got {8 * speech.format.width}-bit")
        if speech.format != self._format:
            self.stop()
            self._reopen(speech.format)
        frame = speech.format.width * speech.format.channels
        audio = speech.audio[: len(speech.audio) - len(speech.audio) % frame]
        with self._lock:
            self._queue.append(memoryview(audio))
            self._idle.clear()
        self._start()

    def stop(self) -> None:
        """Drop everything queued and abort the stream so the speaker goes quiet now."""
        with self._lock:
            self._queue.clear()
            self._idle.set()
        stream = self._stream
        if stream is not None and stream.active:
            try:
                stream.abort()
            except Exception as err:  # PortAudio errors while aborting leave nothing to cut off
                raise SpeechError(f"cannot stop audio output: {err}") from err

    # -- extras for the listener

    def begin_turn(self) -> None:
        """Replies are not numbered on a speaker."""

    @property
    def last_paths(self) -> List[Path]:
        """A speaker writes no files."""
        return []

    @property
    def is_playing(self) -> bool:
        """True while queued speech has not been handed to the device yet."""
        return not self._idle.is_set()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until all queued speech has played (or `timeout`); True when it finished."""
        if not self._idle.wait(timeout):
            return False
        latency = getattr(self._stream, "latency", 0.0)
        if isinstance(latency, (int, float)) and 0 < latency < 1:
            time.sleep(latency)  # the last block is still in the device buffer
        return True

    def close(self) -> None:
        """Stop and release the output stream."""
        self.stop()
        stream, self._stream, self._format = self._stream, None, None
        if stream is not None:
            stream.close()

    # -- internals

    def _reopen(self, fmt: AudioFormat) -> None:
        """Open an output stream for `fmt`, closing any stream for another format."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        try:
            self._stream = self._open_stream(
                samplerate=fmt.rate, channels=fmt.channels, dtype="int16", device=self.device,
                callback=self._callback, latency="high",  # "low" underran under load (docs/live-audio.md)
            )
        except Exception as err:  # sounddevice.PortAudioError, ValueError for a bad device
            raise SpeechError(f"cannot open audio output ({err}); {OUTPUT_HINT}") from err
        self._format = fmt

    def _start(self) -> None:
        """Start the stream if it is not running."""
        if self._stream is not None and not self._stream.active:
            try:
                self._stream.start()
            except Exception as err:
                self.stop()
                raise SpeechError(f"cannot start audio output ({err}); {OUTPUT_HINT}") from err

    def _callback(self, outdata: Any, frames: int, when: Any, status: Any) -> None:
        """Fill the device buffer from the queue, then silence; runs on the audio thread."""
        out = memoryview(outdata).cast("B")
        needed = len(out)
        filled = 0
        with self._lock:
            while filled < needed and self._queue:
                head = self._queue[0]
                take = min(len(head), needed - filled)
                out[filled:filled + take] = head[:take]
                filled += take
                if take == len(head):
                    self._queue.popleft()
                else:
                    self._queue[0] = head[take:]
            if not self._queue:
                self._idle.set()
        if filled < needed:
            out[filled:] = bytes(needed - filled)
