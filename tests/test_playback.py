"""Audio output: WAV directory with real speech, the speaker's error path, and its queue/barge-in logic."""

from __future__ import annotations

import stat
import threading
import time
import wave
from typing import Any, Dict, List

import pytest

from assistant.errors import CompanionError, SpeechError
from assistant.messages import AudioFormat, SpeechAudio
from assistant.playback import SoundDeviceSink, WavDirSink, read_wav, write_wav
from assistant.settings import VoiceSettings
from assistant.speech import load_synthesizer, split_sentences


@pytest.fixture(scope="module")
def spoken() -> List[SpeechAudio]:
    """Real pyttsx3 speech for a two-sentence reply."""
    synth = load_synthesizer(VoiceSettings())
    return [synth.synthesize(s) for s in split_sentences("Good evening, you two. Shall we begin our check-in?")]


# ---------------------------------------------------------------- WAV directory


def test_wav_dir_sink_writes_each_reply_sentence(tmp_path, spoken) -> None:
    sink = WavDirSink(tmp_path / "replies")
    for speech in spoken:
        sink.play(speech)
    first_turn = list(sink.last_paths)
    sink.begin_turn()
    sink.play(spoken[0])

    assert [p.name for p in first_turn] == ["reply-1-1.wav", "reply-1-2.wav"]
    assert [p.name for p in sink.last_paths] == ["reply-2-1.wav"]
    assert sorted(p.name for p in (tmp_path / "replies").iterdir()) == ["reply-1-1.wav", "reply-1-2.wav", "reply-2-1.wav"]
    for path, speech in zip(first_turn, spoken):
        with wave.open(str(path), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, speech.format.rate)
            assert wav.readframes(wav.getnframes()) == speech.audio
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert read_wav(path, speech.text) == speech


def test_wav_dir_sink_writes_a_sentences_later_pieces_into_its_file(tmp_path, spoken) -> None:
    sink = WavDirSink(tmp_path)
    head, rest = spoken[0].audio[:8000], spoken[0].audio[8000:]
    sink.play(SpeechAudio(spoken[0].text, head, spoken[0].format))
    sink.play(SpeechAudio("", rest, spoken[0].format))  # a streaming voice's later piece of the same sentence
    sink.play(spoken[1])
    assert [p.name for p in sink.last_paths] == ["reply-1-1.wav", "reply-1-2.wav"]
    assert read_wav(sink.last_paths[0], spoken[0].text) == spoken[0]
    assert read_wav(sink.last_paths[1], spoken[1].text) == spoken[1]
    sink.begin_turn()
    sink.play(SpeechAudio("", rest, spoken[0].format))  # nothing to continue in a new turn: a file of its own
    assert [p.name for p in sink.last_paths] == ["reply-2-1.wav"]


def test_wav_dir_sink_write_returns_the_path(tmp_path, spoken) -> None:
    sink = WavDirSink(tmp_path)
    path = sink.write(spoken[1], turn=7, n=3)
    assert path == tmp_path / "reply-7-3.wav"
    assert read_wav(path).seconds == pytest.approx(spoken[1].seconds)
    assert sink.wait() and not sink.is_playing


def test_wav_dir_sink_on_a_file_is_one_line_error(tmp_path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(SpeechError) as err:
        WavDirSink(blocker)
    assert str(blocker) in str(err.value) and "\n" not in str(err.value)


def test_read_wav_rejects_non_wav(tmp_path) -> None:
    bogus = tmp_path / "bogus.wav"
    bogus.write_bytes(b"not audio at all")
    with pytest.raises(SpeechError, match="cannot read WAV"):
        read_wav(bogus)


def test_write_wav_into_missing_directory_is_one_line_error(tmp_path, spoken) -> None:
    with pytest.raises(SpeechError) as err:
        write_wav(tmp_path / "missing" / "x.wav", spoken[0])
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- speaker: real error path


def _has_output_device() -> bool:
    try:
        import sounddevice

        sounddevice.query_devices(kind="output")
        return True
    except Exception:
        return False


@pytest.mark.skipif(_has_output_device(), reason="this machine has a speaker; the no-device path cannot be shown")
def test_sound_device_sink_without_speaker_is_one_line_error() -> None:
    with pytest.raises(CompanionError) as err:
        SoundDeviceSink()
    assert isinstance(err.value, SpeechError)
    assert "--output-dir" in str(err.value) and "\n" not in str(err.value)


def test_sound_device_sink_unknown_device_is_one_line_error() -> None:
    with pytest.raises(SpeechError) as err:
        SoundDeviceSink(device="no-such-speaker-xyz")
    assert "no-such-speaker-xyz" in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------- speaker: queue and barge-in (unit tests with a fake stream)


class FakeStream:
    """Implements the calls SoundDeviceSink makes on a sounddevice RawOutputStream; `pull` plays the device's part."""

    latency = 0.0

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs: Dict[str, Any] = kwargs
        self.active = False
        self.starts = 0
        self.aborts = 0
        self.closed = False

    def start(self) -> None:
        self.starts += 1
        self.active = True

    def abort(self) -> None:
        self.aborts += 1
        self.active = False

    def close(self) -> None:
        self.closed = True
        self.active = False

    def pull(self, frames: int) -> bytes:
        """Ask the sink's callback for `frames` frames, as PortAudio would."""
        out = bytearray(frames * 2 * self.kwargs["channels"])
        self.kwargs["callback"](out, frames, None, None)
        return bytes(out)


class FakeStreams:
    """Stream factory that remembers every stream it opened."""

    def __init__(self) -> None:
        self.opened: List[FakeStream] = []

    def __call__(self, **kwargs: Any) -> FakeStream:
        self.opened.append(FakeStream(**kwargs))
        return self.opened[-1]


def tone(n_frames: int, value: int, rate: int = 16000) -> SpeechAudio:
    """A constant-level 16-bit mono signal, easy to recognise in the output."""
    return SpeechAudio("x", value.to_bytes(2, "little", signed=True) * n_frames, AudioFormat(rate, 2, 1))


def test_play_returns_at_once_and_the_device_pulls_the_audio() -> None:
    streams = FakeStreams()
    sink = SoundDeviceSink(open_stream=streams)
    speech = tone(100, 1000)
    sink.play(speech)
    stream = streams.opened[0]
    assert stream.active and sink.is_playing and not sink.wait(timeout=0.01)
    assert stream.kwargs["samplerate"] == 16000 and stream.kwargs["dtype"] == "int16"
    assert stream.pull(60) == speech.audio[:120]
    assert sink.is_playing
    assert stream.pull(60) == speech.audio[120:] + bytes(40)  # the rest, then silence
    assert not sink.is_playing and sink.wait(timeout=0)


def test_queued_sentences_play_back_to_back() -> None:
    streams = FakeStreams()
    sink = SoundDeviceSink(open_stream=streams)
    first, second = tone(30, 111), tone(30, 222)
    sink.play(first)
    sink.play(second)
    assert streams.opened[0].pull(50) == first.audio + second.audio[:40]
    assert len(streams.opened) == 1 and sink.is_playing


def test_stop_cuts_speech_off_at_once_and_play_resumes_after() -> None:
    streams = FakeStreams()
    sink = SoundDeviceSink(open_stream=streams)
    sink.play(tone(16000, 3000))
    stream = streams.opened[0]
    stream.pull(100)
    sink.stop()
    assert stream.aborts == 1 and not stream.active
    assert not sink.is_playing and sink.wait(timeout=0)
    assert stream.pull(100) == bytes(200)
    sink.play(tone(10, 5))
    assert stream.active and stream.starts == 2
    assert stream.pull(10) == tone(10, 5).audio


def test_wait_returns_when_the_device_thread_has_played_everything() -> None:
    streams = FakeStreams()
    sink = SoundDeviceSink(open_stream=streams)
    sink.play(tone(1600, 7))
    stream = streams.opened[0]
    done = threading.Event()

    def device() -> None:
        while not done.is_set():
            stream.pull(160)
            time.sleep(0.001)

    worker = threading.Thread(target=device, daemon=True)
    worker.start()
    try:
        assert sink.wait(timeout=5)
    finally:
        done.set()
        worker.join()
    assert not sink.is_playing


def test_new_format_reopens_the_stream() -> None:
    streams = FakeStreams()
    sink = SoundDeviceSink(open_stream=streams)
    sink.play(tone(10, 1, rate=16000))
    sink.play(tone(10, 2, rate=22050))
    assert [s.kwargs["samplerate"] for s in streams.opened] == [16000, 22050]
    assert streams.opened[0].closed
    assert streams.opened[1].pull(10) == tone(10, 2, rate=22050).audio
    sink.close()
    assert streams.opened[1].closed


def test_empty_speech_is_ignored() -> None:
    streams = FakeStreams()
    sink = SoundDeviceSink(open_stream=streams)
    sink.play(SpeechAudio("", b""))
    assert not streams.opened and not sink.is_playing


def test_stream_that_cannot_open_is_one_line_error() -> None:
    def broken(**_kwargs: Any) -> FakeStream:
        raise ValueError("Invalid sample rate")

    sink = SoundDeviceSink(open_stream=broken)
    with pytest.raises(SpeechError) as err:
        sink.play(tone(10, 1))
    assert "Invalid sample rate" in str(err.value) and "\n" not in str(err.value)
