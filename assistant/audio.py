"""Audio input: WAV files and the microphone, both delivered as 16 kHz mono int16 chunks."""

from __future__ import annotations

import queue
import struct
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Protocol, Tuple, Union

from assistant.errors import AudioInputError
from assistant.messages import PCM16K, AudioChunk, AudioFormat

PathLike = Union[str, Path]

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE
_STREAMING_SIZES = (0, 0xFFFFFFFF)  # writers that could not seek back put these in the data size


class AudioSource(Protocol):
    """Anything that delivers audio chunks until it is closed or runs out."""

    def chunks(self) -> Iterator[AudioChunk]:
        """Yield chunks of 16 kHz mono int16 audio."""
        ...

    def close(self) -> None:
        """Release the device or file."""
        ...


def _parse_riff(data: bytes, name: str) -> Tuple[int, int, int, int, bytes]:
    """(format tag, rate, bits, channels, sample bytes) of a RIFF/WAVE file's contents."""
    if len(data) == 0:
        raise AudioInputError(f"{name} is empty")
    if len(data) < 12 or data[:4] not in (b"RIFF", b"RIFX") or data[8:12] != b"WAVE":
        raise AudioInputError(f"{name} is not a WAV file")
    if data[:4] == b"RIFX":
        raise AudioInputError(f"{name} is a big-endian WAV file, which is not supported; convert it with sox")
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = pos + 8
        if cid == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise AudioInputError(f"{name} is truncated (incomplete format header)")
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[body:body + 16])
            if tag == _EXTENSIBLE and size >= 40 and body + 26 <= len(data):
                tag = struct.unpack("<H", data[body + 24:body + 26])[0]
            fmt = (tag, rate, bits, channels)
        elif cid == b"data":
            if fmt is None:
                raise AudioInputError(f"{name} is not a valid WAV file (audio before format header)")
            if size in _STREAMING_SIZES:
                samples = data[body:]
            elif body + size > len(data):
                raise AudioInputError(f"{name} is truncated ({len(data) - body} of {size} audio bytes present)")
            else:
                samples = data[body:body + size]
            break
        pos = body + size + (size & 1)
    if fmt is None:
        raise AudioInputError(f"{name} is truncated or not a valid WAV file (no format header)")
    if samples is None:
        raise AudioInputError(f"{name} is truncated (no audio data)")
    return fmt[0], fmt[1], fmt[2], fmt[3], samples


def _to_int16(samples: bytes, tag: int, bits: int, name: str) -> bytes:
    """Convert PCM samples of any supported encoding to little-endian int16."""
    import numpy as np

    if tag == _PCM and bits == 16:
        return samples[: len(samples) // 2 * 2]
    if tag == _PCM and bits == 8:
        return ((np.frombuffer(samples, np.uint8).astype(np.int16) - 128) << 8).tobytes()
    if tag == _PCM and bits == 24:
        raw = np.frombuffer(samples[: len(samples) // 3 * 3], np.uint8).reshape(-1, 3)
        return raw[:, 1:].copy().view("<i2").reshape(-1).tobytes()
    if tag == _PCM and bits == 32:
        return (np.frombuffer(samples[: len(samples) // 4 * 4], "<i4") >> 16).astype("<i2").tobytes()
    if tag == _FLOAT and bits in (32, 64):
        dtype = "<f4" if bits == 32 else "<f8"
        floats = np.frombuffer(samples[: len(samples) // (bits // 8) * (bits // 8)], dtype)
        floats = np.nan_to_num(floats)
        return (np.clip(floats, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    raise AudioInputError(f"{name} uses an unsupported WAV encoding (format {tag}, {bits}-bit); convert it with sox")


def read_wav(path: PathLike) -> Tuple[bytes, AudioFormat]:
    """A WAV file's audio as 16 kHz mono int16; a one-line AudioInputError naming the file if it can't be used."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise AudioInputError(f"{path}: no such audio file") from err
    except IsADirectoryError as err:
        raise AudioInputError(f"{path} is a directory, not an audio file") from err
    except OSError as err:
        raise AudioInputError(f"cannot read {path}: {err.strerror or err}") from err
    tag, rate, bits, channels, samples = _parse_riff(data, str(path))
    if channels < 1 or rate < 1000 or rate > 384000:
        raise AudioInputError(f"{path} has an invalid format ({channels} channels at {rate} Hz)")
    pcm = _to_int16(samples, tag, bits, str(path))
    pcm = pcm[: len(pcm) // (2 * channels) * (2 * channels)]
    if not pcm:
        raise AudioInputError(f"{path} has no audio in it")
    src = AudioFormat(rate=rate, width=2, channels=channels)
    return resample(pcm, src, PCM16K), PCM16K


def write_wav(path: PathLike, audio: bytes, fmt: AudioFormat = PCM16K) -> None:
    """Write raw PCM audio as a WAV file."""
    import wave

    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(fmt.channels)
            out.setsampwidth(fmt.width)
            out.setframerate(fmt.rate)
            out.writeframes(audio)
    except OSError as err:
        raise AudioInputError(f"cannot write {path}: {err.strerror or err}") from err


def _lowpass(signal: Any, cutoff: float, taps: int = 63) -> Any:
    """A windowed-sinc FIR low-pass; cutoff as a fraction of the sample rate (0..0.5)."""
    import numpy as np

    n = np.arange(taps) - (taps - 1) / 2.0
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    return np.convolve(signal, kernel, mode="same")


def resample(audio: bytes, src: AudioFormat, dst: AudioFormat = PCM16K) -> bytes:
    """Convert int16 PCM between rates and channel counts (mono mixdown, anti-aliased linear resampling)."""
    import numpy as np

    if src.width != 2 or dst.width != 2:
        raise AudioInputError(f"resample needs 16-bit audio, got {src.width * 8}-bit")
    if src == dst:
        return audio
    frames = np.frombuffer(audio[: len(audio) // (2 * src.channels) * (2 * src.channels)], "<i2")
    signal = frames.reshape(-1, src.channels).astype(np.float64).mean(axis=1)
    if src.rate != dst.rate and len(signal) > 1:
        if dst.rate < src.rate:
            signal = _lowpass(signal, 0.45 * dst.rate / src.rate)
        count = int(round(len(signal) * dst.rate / src.rate))
        positions = np.arange(count) * (src.rate / dst.rate)
        signal = np.interp(positions, np.arange(len(signal)), signal)
    out = np.clip(np.round(signal), -32768, 32767).astype("<i2")
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
        what = f"input device '{device}'" if device else "a default input device"
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
