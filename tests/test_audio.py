"""Audio input: WAV reading in every common layout, bad files, chunking, pacing, microphone failures."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.audio import MicrophoneSource, WavSource, read_wav, resample, write_wav
from assistant.errors import AudioInputError
from assistant.messages import PCM16K, AudioFormat
from speechgen import have_tools

pytestmark = pytest.mark.skipif(have_tools() is not None, reason=f"{have_tools()} is not installed")


@pytest.fixture(scope="module")
def tone_44k_stereo(tmp_path_factory) -> Path:
    """1.5 s of a 440 Hz tone, 44.1 kHz stereo 16-bit."""
    path = tmp_path_factory.mktemp("tone") / "tone.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", "-b", "16", str(path), "synth", "1.5", "sine", "440",
                    "vol", "0.5"], check=True)
    return path


def dominant_hz(audio: bytes, rate: int = 16000) -> float:
    """The strongest frequency in int16 audio."""
    samples = np.frombuffer(audio, "<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


def test_44k_stereo_tone_becomes_16k_mono_with_same_pitch_and_length(tone_44k_stereo):
    audio, fmt = read_wav(tone_44k_stereo)
    assert fmt == PCM16K
    assert abs(PCM16K.seconds(len(audio)) - 1.5) < 0.01
    assert abs(dominant_hz(audio) - 440) < 3


@pytest.mark.parametrize("bits,encoding", [(8, "unsigned-integer"), (24, "signed-integer"), (32, "signed-integer"),
                                           (32, "floating-point")])
def test_other_sample_encodings_match_the_16_bit_version(maker, bits, encoding):
    speech = maker.piper("next one", noise_scale=0.0, noise_w_scale=0.0)
    reference, _ = read_wav(maker.vary(speech, rate=22050, bits=16))
    other, _ = read_wav(maker.vary(speech, rate=22050, bits=bits, encoding=encoding))
    assert len(other) == len(reference)
    a = np.frombuffer(reference, "<i2").astype(float)
    b = np.frombuffer(other, "<i2").astype(float)
    assert np.corrcoef(a, b)[0, 1] > 0.99


def test_8k_and_48k_speech_resample_to_the_same_duration(maker):
    speech = maker.piper("say that again", noise_scale=0.0, noise_w_scale=0.0)
    low, _ = read_wav(maker.vary(speech, rate=8000))
    high, _ = read_wav(maker.vary(speech, rate=48000, channels=2))
    assert abs(len(low) - len(high)) <= 8


def test_resample_keeps_a_tone_below_the_new_nyquist_and_removes_one_above():
    t = np.arange(48000) / 48000.0
    fmt = AudioFormat(48000, 2, 1)
    kept = resample((np.sin(2 * np.pi * 1000 * t) * 10000).astype("<i2").tobytes(), fmt)
    aliased = resample((np.sin(2 * np.pi * 12000 * t) * 10000).astype("<i2").tobytes(), fmt)
    kept_rms = np.sqrt(np.mean(np.frombuffer(kept, "<i2").astype(float) ** 2))
    alias_rms = np.sqrt(np.mean(np.frombuffer(aliased, "<i2").astype(float) ** 2))
    assert len(kept) == 32000
    assert kept_rms > 6000
    assert alias_rms < kept_rms / 20


def test_write_then_read_round_trips(tmp_path):
    audio = (np.arange(1600) % 200 * 100 - 10000).astype("<i2").tobytes()
    write_wav(tmp_path / "a.wav", audio, PCM16K)
    assert read_wav(tmp_path / "a.wav") == (audio, PCM16K)


def _one_line_error_naming(path: Path) -> str:
    with pytest.raises(AudioInputError) as info:
        read_wav(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


def test_missing_file(tmp_path):
    assert "no such" in _one_line_error_naming(tmp_path / "nothing.wav")


def test_empty_file(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    assert "empty" in _one_line_error_naming(tmp_path / "empty.wav")


def test_text_file_renamed_to_wav(tmp_path):
    (tmp_path / "notes.wav").write_text("these are my notes, not audio\n")
    assert "not a WAV" in _one_line_error_naming(tmp_path / "notes.wav")


def test_truncated_files(maker, tmp_path):
    data = maker.vary(maker.piper("stop", noise_scale=0.0, noise_w_scale=0.0), rate=16000).read_bytes()
    (tmp_path / "cut.wav").write_bytes(data[: len(data) // 2])
    (tmp_path / "header.wav").write_bytes(data[:30])
    assert "truncated" in _one_line_error_naming(tmp_path / "cut.wav")
    assert "truncated" in _one_line_error_naming(tmp_path / "header.wav")


def test_header_only_wav_has_no_audio(tmp_path):
    write_wav(tmp_path / "silent.wav", b"", PCM16K)
    assert "no audio" in _one_line_error_naming(tmp_path / "silent.wav")


def test_directory_instead_of_file(tmp_path):
    _one_line_error_naming(tmp_path)


def test_wav_source_delivers_30ms_chunks_covering_the_file(maker):
    path = maker.vary(maker.piper("next one", noise_scale=0.0, noise_w_scale=0.0), rate=44100, channels=2)
    source = WavSource(path)
    chunks = list(source.chunks())
    assert all(len(c.audio) == 960 for c in chunks[:-1])
    assert 0 < len(chunks[-1].audio) <= 960
    assert b"".join(c.audio for c in chunks) == read_wav(path)[0]
    stamps = [c.timestamp for c in chunks]
    assert stamps == sorted(stamps)


def test_wav_source_realtime_paces_like_a_microphone(tmp_path):
    write_wav(tmp_path / "half.wav", b"\0\0" * 8000, PCM16K)
    start = time.monotonic()
    chunks = list(WavSource(tmp_path / "half.wav", realtime=True).chunks())
    elapsed = time.monotonic() - start
    assert 0.45 <= elapsed < 1.5
    assert chunks[-1].timestamp - chunks[0].timestamp >= 0.4


def test_wav_source_close_stops_delivery(tmp_path):
    write_wav(tmp_path / "one.wav", b"\0\0" * 16000, PCM16K)
    source = WavSource(tmp_path / "one.wav")
    got = []
    for chunk in source.chunks():
        got.append(chunk)
        source.close()
    assert len(got) == 1


def test_microphone_without_an_input_device_is_one_clear_error():
    try:
        import sounddevice as sd

        sd.query_devices(kind="input")
        pytest.skip("this machine has an input device")
    except Exception:  # noqa: BLE001  (no PortAudio or no device: exactly the case under test)
        pass
    with pytest.raises(AudioInputError) as info:
        MicrophoneSource()
    assert "\n" not in str(info.value)
    assert "microphone" in str(info.value)


class FakeStream:
    """Stands in for a PortAudio stream: delivers `blocks` callbacks, then goes silent like an unplugged device."""

    def __init__(self, callback, blocks: int, blocksize: int) -> None:
        self.active = True
        self.closed = False
        for i in range(blocks):
            callback(bytes([i % 256]) * blocksize * 2, blocksize, None, None)
        self.active = False

    def stop(self) -> None:
        raise RuntimeError("device vanished")  # closing a lost device may fail too

    def close(self) -> None:
        self.closed = True


def test_lost_microphone_raises_from_chunks_and_can_be_reopened():
    opened = []

    def factory(device, blocksize, callback):
        opened.append(FakeStream(callback, blocks=3, blocksize=blocksize))
        return opened[-1]

    mic = MicrophoneSource(chunk_ms=30, stall_timeout_s=0.2, stream_factory=factory)
    got = []
    with pytest.raises(AudioInputError, match="lost the microphone"):
        for chunk in mic.chunks():
            got.append(chunk)
    assert [len(c.audio) for c in got] == [960, 960, 960]
    mic.reopen()
    assert len(opened) == 2 and opened[0].closed
    again = []
    with pytest.raises(AudioInputError):
        for chunk in mic.chunks():
            again.append(chunk)
    assert len(again) == 3
    mic.close()
    assert list(mic.chunks()) == []
