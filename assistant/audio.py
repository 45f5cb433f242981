"""Audio input: audio files (via libsndfile, resampled by libsoxr) and the microphone, as 16 kHz mono int16 chunks."""

from __future__ import annotations

import os
import queue
import re
import stat
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Optional, Protocol, Tuple, Union

from assistant.errors import AudioInputError
from assistant.messages import PCM16K, AudioChunk, AudioFormat

PathLike = Union[str, Path]

_STREAMING_SIZES = (0, 0xFFFFFFFF)  # writers that could not seek back put these in the data size
MAX_FILE_SECONDS = 15 * 60.0  # a file longer than this is refused with one line, before it is read
_BLOCK_SECONDS = 2.0  # files are decoded and resampled this much at a time, so memory stays small


class AudioSource(Protocol):
    """Anything that delivers audio chunks until it is closed or runs out."""

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield chunks of 16 kHz mono int16 audio."""
        ...

    def close(self) -> None:
        """Release the device or file."""
        ...


def _open_regular(path: Path) -> BinaryIO:
    """Open an audio file for reading; never blocks (FIFOs, devices) and refuses anything but a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as err:
        raise AudioInputError(f"{path}: no such audio file") from err
    except OSError as err:
        raise AudioInputError(f"cannot read {path}: {err.strerror or err}") from err
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a directory" if stat.S_ISDIR(mode) else "a pipe or device"
        raise AudioInputError(f"{path} is {what}, not an audio file; save the audio to a file first")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _describe_failure(path: Path, handle: BinaryIO, err: Exception) -> AudioInputError:
    """libsndfile's refusal as one line in the companion's words."""
    handle.seek(0)
    head = handle.read(12)
    if not head:
        return AudioInputError(f"{path} is empty")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE" or head[:4] == b"RIFX":
        reason = " ".join(str(err).split()).replace(f"'{path}'", "").strip(": ")
        return AudioInputError(f"{path} is truncated or not a valid WAV file ({reason or 'unreadable header'})")
    return AudioInputError(f"{path} is not a WAV file or other audio file libsndfile can read")


def _truncated(info_text: str) -> bool:
    """libsndfile's log says the data chunk promises more audio than the file holds (streaming sizes aside)."""
    for line in info_text.splitlines():
        match = re.match(r"data\s*:\s*(\d+)\s*\(should be (\d+)\)", line.strip())
        if match and int(match.group(1)) not in _STREAMING_SIZES and int(match.group(1)) > int(match.group(2)):
            return True
    return False


def read_wav(path: PathLike, max_seconds: float = MAX_FILE_SECONDS) -> Tuple[bytes, AudioFormat]:
    """An audio file (WAV, FLAC, OGG, ...) as 16 kHz mono int16; a one-line AudioInputError naming the file if it can't be used."""
    import soundfile

    path = Path(path)
    with _open_regular(path) as handle:
        try:
            source = soundfile.SoundFile(handle)
        except (RuntimeError, soundfile.SoundFileError, TypeError, ValueError) as err:
            raise _describe_failure(path, handle, err) from None
        with source:
            if source.channels < 1 or not 1000 <= source.samplerate <= 384000:
                raise AudioInputError(f"{path} has an invalid format ({source.channels} channels at {source.samplerate} Hz)")
            if source.format == "WAV" and _truncated(source.extra_info):
                raise AudioInputError(f"{path} is truncated (the header promises more audio than the file holds)")
            seconds = source.frames / source.samplerate
            if seconds > max_seconds:
                raise AudioInputError(f"{path} is {seconds / 60:.0f} minutes long; the limit is {max_seconds / 60:.0f} minutes")
            pcm = _decode(source, path, max_seconds)
    if not pcm:
        raise AudioInputError(f"{path} has no audio in it")
    return pcm, PCM16K


def _decode(source: Any, path: Path, max_seconds: float) -> bytes:
    """Decode and resample block by block to 16 kHz mono int16, stopping at `max_seconds`."""
    import soundfile

    stream = _Resampler(source.samplerate, PCM16K.rate)
    out = bytearray()
    limit = int(max_seconds * PCM16K.rate) * 2
    block = max(1, int(_BLOCK_SECONDS * source.samplerate))
    try:
        for frames in source.blocks(blocksize=block, dtype="float32", always_2d=True):
            out += stream.push(frames.mean(axis=1))
            if len(out) > limit:
                raise AudioInputError(f"{path} holds more than {max_seconds / 60:.0f} minutes of audio, the limit for one file")
    except (RuntimeError, soundfile.SoundFileError) as err:
        raise AudioInputError(f"{path} is truncated or damaged ({' '.join(str(err).split())})") from None
    out += stream.push(None)
    return bytes(out)


class _Resampler:
    """Streaming float32 mono resampling with libsoxr (high quality), returning int16 bytes."""

    def __init__(self, src_rate: int, dst_rate: int) -> None:
        import soxr

        self._stream = None if src_rate == dst_rate else soxr.ResampleStream(src_rate, dst_rate, 1, dtype="float32", quality="HQ")

    def push(self, mono: Any) -> bytes:
        """Resample the next block (None: flush the end)."""
        import numpy as np

        if mono is None:
            if self._stream is None:
                return b""
            mono = self._stream.resample_chunk(np.zeros(0, np.float32), last=True)
        elif self._stream is not None:
            mono = self._stream.resample_chunk(np.ascontiguousarray(mono, np.float32), last=False)
        return _to_int16(mono)


def _to_int16(signal: Any) -> bytes:
    """Float samples in -1..1 (NaN as 0) as little-endian int16 bytes."""
    import numpy as np

    clean = np.nan_to_num(np.asarray(signal, np.float64), nan=0.0, posinf=1.0, neginf=-1.0)
    return bytes(np.clip(np.round(clean * 32768.0), -32768, 32767).astype("<i2").tobytes())


def write_wav(path: PathLike, audio: bytes, fmt: AudioFormat = PCM16K) -> None:
    """Write raw int16 PCM audio as a WAV file."""
    import numpy as np
    import soundfile

    if fmt.width != 2:
        raise AudioInputError(f"write_wav needs 16-bit audio, got {fmt.width * 8}-bit")
    frames = np.frombuffer(audio[: len(audio) // (2 * fmt.channels) * (2 * fmt.channels)], "<i2")
    try:
        soundfile.write(str(path), frames.reshape(-1, fmt.channels), fmt.rate, subtype="PCM_16", format="WAV")
    except (OSError, RuntimeError, soundfile.SoundFileError) as err:
        reason = getattr(err, "strerror", None) or " ".join(str(err).split())
        raise AudioInputError(f"cannot write {path}: {reason}") from err


def resample(audio: bytes, src: AudioFormat, dst: AudioFormat = PCM16K) -> bytes:
    """Convert int16 PCM between rates and channel counts (mono mixdown, libsoxr high-quality resampling)."""
    import numpy as np

    if src.width != 2 or dst.width != 2:
        raise AudioInputError(f"resample needs 16-bit audio, got {src.width * 8}-bit")
    if src == dst:
        return audio
    frames = np.frombuffer(audio[: len(audio) // (2 * src.channels) * (2 * src.channels)], "<i2")
    signal = frames.reshape(-1, src.channels).astype(np.float32).mean(axis=1) / 32768.0
    if src.rate != dst.rate and len(signal) > 1:
        import soxr

        signal = soxr.resample(signal, src.rate, dst.rate, quality="HQ")
    out = np.frombuffer(_to_int16(signal), "<i2")
    if dst.channels > 1:
        out = np.repeat(out, dst.channels)
    return out.tobytes()


def chunk_bytes(chunk_ms: int, fmt: AudioFormat = PCM16K) -> int:
    """Bytes in one chunk of `chunk_ms` milliseconds."""
    if chunk_ms <= 0:
        raise AudioInputError(f"chunk length must be positive, got {chunk_ms} ms")
    return max(1, fmt.rate * chunk_ms // 1000) * fmt.width * fmt.channels


class WavSource:
    """A WAV file as 16 kHz mono chunks; `realtime=True` paces delivery like a microphone."""

    def __init__(self, path: PathLike, realtime: bool = False, chunk_ms: int = 30) -> None:
        self.path = Path(path)
        self.realtime = realtime
        self.chunk_ms = chunk_ms
        self._size = chunk_bytes(chunk_ms)
        self._audio, self.format = read_wav(self.path)
        self._closed = False

    @property
    def seconds(self) -> float:
        """Length of the file's audio."""
        return self.format.seconds(len(self._audio))

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield the file's audio; each chunk is stamped with the monotonic time it was delivered."""
        start = time.monotonic()
        for offset in range(0, len(self._audio), self._size):
            if self._closed:
                return
            piece = self._audio[offset:offset + self._size]
            if self.realtime:
                due = start + self.format.seconds(offset + len(piece))
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            yield AudioChunk(piece, self.format, time.monotonic())

    def close(self) -> None:
        """Stop delivering chunks."""
        self._closed = True


StreamFactory = Callable[[Optional[str], int, Callable[..., None]], Any]


def _open_sounddevice(device: Optional[str], blocksize: int, callback: Callable[..., None]) -> Any:
    """Open and start a PortAudio input stream (16 kHz mono int16) through sounddevice."""
    try:
        import sounddevice as sd
    except OSError as err:  # the PortAudio shared library is missing
        raise AudioInputError("cannot use the microphone: PortAudio is not installed (apt install libportaudio2)") from err
    except ImportError as err:
        raise AudioInputError("cannot use the microphone: the sounddevice package is missing (pip install sounddevice)") from err
    dev: Any = device
    if isinstance(device, str) and device.strip().isdigit():
        dev = int(device)
    try:
        sd.query_devices(dev, kind="input")
    except (sd.PortAudioError, ValueError) as err:
        what = f"input device '{device}'" if device else "default input device"
        raise AudioInputError(f"no microphone found: PortAudio has no {what}") from err
    try:
        stream = sd.RawInputStream(samplerate=PCM16K.rate, channels=1, dtype="int16",
                                   blocksize=blocksize, device=dev, callback=callback)
        stream.start()
    except (sd.PortAudioError, ValueError) as err:
        raise AudioInputError(f"cannot open the microphone: {str(err).splitlines()[0]}") from err
    return stream


class MicrophoneSource:
    """The microphone via sounddevice; raises AudioInputError from chunks() if the device is lost, reopen() to retry."""

    def __init__(self, device: Optional[str] = None, chunk_ms: int = 30, stall_timeout_s: float = 2.0,
                 stream_factory: StreamFactory = _open_sounddevice) -> None:
        self.device = device
        self.chunk_ms = chunk_ms
        self.format = PCM16K
        self.stall_timeout_s = stall_timeout_s
        self._blocksize = chunk_bytes(chunk_ms) // 2
        self._factory = stream_factory
        self._queue: "queue.Queue[Tuple[bytes, float]]" = queue.Queue(maxsize=1000)
        self._stream: Any = None
        self._closed = False
        self.overflows = 0
        self.open()

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: queue a copy of the block."""
        if status and getattr(status, "input_overflow", False):
            self.overflows += 1
        try:
            self._queue.put_nowait((bytes(indata), time.monotonic()))
        except queue.Full:
            self.overflows += 1

    def open(self) -> None:
        """Open the input stream (AudioInputError if there is no usable device)."""
        self._closed = False
        self._stream = self._factory(self.device, self._blocksize, self._callback)

    def reopen(self) -> None:
        """Close and open the device again, e.g. after it was unplugged and plugged back in."""
        self._close_stream()
        while not self._queue.empty():
            self._queue.get_nowait()
        self.open()

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield chunks until closed; AudioInputError if the stream stops or stalls (device lost)."""
        while not self._closed:
            try:
                audio, stamp = self._queue.get(timeout=self.stall_timeout_s)
            except queue.Empty:
                if self._closed:
                    return
                state = "stopped" if self._stream is None or not getattr(self._stream, "active", False) else "stalled"
                raise AudioInputError(f"lost the microphone: its stream {state} delivering audio") from None
            yield AudioChunk(audio, self.format, stamp)

    def _close_stream(self) -> None:
        """Stop and close the PortAudio stream, ignoring errors from a vanished device."""
        stream, self._stream = self._stream, None
        if stream is not None:
            for step in ("stop", "close"):
                try:
                    getattr(stream, step)()
                except Exception:  # noqa: BLE001  (a lost device may fail to stop)
                    pass

    def close(self) -> None:
        """Release the device."""
        self._closed = True
        self._close_stream()
