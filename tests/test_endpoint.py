"""Endpointing on real synthesised speech: bounds, clicks, max length, trailing silence, flush."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import List, Tuple

import numpy as np
import pytest

from assistant.audio import WavSource, read_wav
from assistant.endpoint import EndpointEvent, Endpointer
from assistant.messages import AudioChunk
from assistant.recognizers import transcribe
from assistant.settings import ListenSettings
from speechgen import have_tools, shared_pocketsphinx

pytestmark = pytest.mark.skipif(have_tools() is not None, reason=f"{have_tools()} is not installed")
QUIET = dict(noise_scale=0.0, noise_w_scale=0.0)


def feed_all(endpointer: Endpointer, audio: bytes, chunk: int = 960) -> List[EndpointEvent]:
    """Feed audio in chunks stamped with their end position (s); flush at the end."""
    events = []
    for offset in range(0, len(audio), chunk):
        piece = audio[offset:offset + chunk]
        events += endpointer.feed(AudioChunk(piece, timestamp=(offset + len(piece)) / 32000))
    return events + endpointer.flush()


def utterances(events: List[EndpointEvent]) -> List[EndpointEvent]:
    return [e for e in events if e.kind == "speech-end"]


def speech_bounds(audio: bytes) -> Tuple[float, float]:
    """First and last 10 ms window louder than -35 dBFS: where the synthetic speech really is."""
    samples = np.frombuffer(audio, "<i2").astype(float)
    windows = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    loud = np.nonzero(np.sqrt((windows ** 2).mean(axis=1)) > 32768 * 10 ** (-35 / 20))[0]
    return loud[0] * 0.01, (loud[-1] + 1) * 0.01


def test_speech_between_silences_is_one_utterance_with_correct_bounds(maker, tmp_path_factory):
    speech = maker.piper("let's do our bedtime check in", **QUIET)
    padded = maker.vary(speech, noise=0.003, pad_s=(1.0, 1.5), rate=16000)
    audio, _ = read_wav(padded)
    true_start, true_end = speech_bounds(audio)
    events = feed_all(Endpointer(ListenSettings()), audio)
    kinds = [e.kind for e in events]
    assert kinds[0] == "speech-start" and kinds[-1] == "speech-end"
    assert kinds.count("speech-start") == 1 and kinds.count("speech-end") == 1
    assert set(kinds[1:-1]) == {"audio"}
    end = events[-1]
    assert abs(end.start_s - true_start) < 0.15
    assert abs(end.end_s - true_end) < 0.2
    # end_time is the timestamp of the chunk holding the last voiced frame, i.e. close to the speech end
    assert abs(end.utterance.end_time - true_end) < 0.2
    streamed = b"".join(e.audio for e in events[:-1])
    assert streamed.startswith(end.utterance.audio)  # what was streamed to the recogniser covers the utterance
    text = transcribe(shared_pocketsphinx(tmp_path_factory.getbasetemp()), end.utterance.audio, "command").text
    assert "bedtime" in text


def test_wav_source_feeds_the_endpointer(maker):
    path = maker.vary(maker.piper("next one", **QUIET), pad_s=(0.5, 1.0), rate=22050, channels=2)
    endpointer = Endpointer(ListenSettings())
    events = []
    for chunk in WavSource(path).chunks():
        events += endpointer.feed(chunk)
    ends = utterances(events + endpointer.flush())
    assert len(ends) == 1
    assert 0.3 < len(ends[0].utterance.audio) / 32000 < 1.5


def click_file(tmp_dir: Path, burst_s: float) -> Path:
    """Silence with faint hiss and one loud broadband burst in the middle."""
    path = tmp_dir / f"click-{burst_s}.wav"
    subprocess.run(["sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path), "synth", str(burst_s),
                    "whitenoise", "vol", "0.8", "pad", "1.0", "1.0"], check=True)
    return path


@pytest.mark.parametrize("burst_s", [0.01, 0.06])
def test_a_click_or_short_burst_is_not_an_utterance(tmp_path, burst_s):
    audio, _ = read_wav(click_file(tmp_path, burst_s))
    events = feed_all(Endpointer(ListenSettings()), audio)
    assert events == []


def test_faint_noise_alone_is_not_speech(maker):
    audio, _ = read_wav(maker.vary(maker.silence(3.0), noise=0.01, rate=16000))
    assert feed_all(Endpointer(ListenSettings()), audio) == []


def test_long_speech_is_cut_at_max_length(maker):
    text = "when did each of you last feel that your wishes counted every bit as much as the other's"
    audio, _ = read_wav(maker.vary(maker.piper(text, **QUIET), pad_s=(0.5, 0.5), rate=16000))
    assert len(audio) / 32000 > 4.0
    settings = dataclasses.replace(ListenSettings(), max_utterance_s=1.5)
    events = feed_all(Endpointer(settings), audio)
    ends = utterances(events)
    assert len(ends) >= 2
    first = ends[0]
    assert 1.2 <= first.end_s - first.start_s <= 1.55
    assert len(first.utterance.audio) <= 1.55 * 32000


def test_trailing_silence_decides_whether_a_pause_splits_the_utterance(maker):
    one = read_wav(maker.vary(maker.piper("stop", **QUIET), rate=16000))[0]
    two = read_wav(maker.vary(maker.piper("say that again", **QUIET), rate=16000))[0]
    gap = b"\0\0" * int(16000 * 0.5)
    audio = gap + one + gap + two + gap * 3
    short = feed_all(Endpointer(dataclasses.replace(ListenSettings(), trailing_silence_ms=200)), audio)
    long_ = feed_all(Endpointer(ListenSettings(), mode_silence_ms=1200), audio)
    assert len(utterances(short)) == 2
    assert len(utterances(long_)) == 1


def test_flush_closes_an_utterance_still_open_at_end_of_input(maker):
    audio = read_wav(maker.vary(maker.piper("give us a conversation starter about desire", **QUIET),
                                pad_s=(0.4, 0.0), rate=16000))[0]
    endpointer = Endpointer(ListenSettings())
    events = []
    for offset in range(0, len(audio), 960):
        events += endpointer.feed(AudioChunk(audio[offset:offset + 960], timestamp=offset / 32000))
    assert utterances(events) == [] and endpointer.in_speech
    closing = endpointer.flush()
    assert [e.kind for e in closing] == ["speech-end"]
    assert endpointer.flush() == []


def test_min_speech_setting_rejects_a_short_word(maker):
    audio = read_wav(maker.vary(maker.piper("stop", **QUIET), pad_s=(0.5, 1.0), rate=16000))[0]
    assert len(utterances(feed_all(Endpointer(ListenSettings()), audio))) == 1
    strict = dataclasses.replace(ListenSettings(), min_speech_ms=900)
    assert utterances(feed_all(Endpointer(strict), audio)) == []
