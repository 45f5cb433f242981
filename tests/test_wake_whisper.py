"""Whisper as the wake spotter's third check, on real synthesised audio: robotic voices' phrase taken, talk refused."""

from __future__ import annotations

import pytest

from assistant.audio import read_wav
from assistant.recognizers import load_recognizer
from assistant.settings import ListenSettings
from assistant.wake import PocketSphinxWakeSpotter
from assistant.wake_verify import WhisperPhraseCheck
from speechgen import have_tools

pytestmark = pytest.mark.skipif(have_tools() is not None, reason=f"{have_tools()} is not installed")


@pytest.fixture(scope="module")
def check():
    """The check over the packaged Whisper tiny.en."""
    rec = load_recognizer(ListenSettings(recognizer="whisper"), notify=pytest.fail, names=("Sam", "Alex"))
    return WhisperPhraseCheck(rec, "hey companion")


def hits(check, maker, text: str, voice: str) -> int:
    """How often the three-stage spotter takes the phrase in `text` said by an espeak-ng voice."""
    spotter = PocketSphinxWakeSpotter("hey companion", confirm=check)
    clip, _ = read_wav(maker.vary(maker.espeak(text, voice), noise=0.003, pad_s=(0.5, 1.0), rate=16000))
    return sum(spotter.feed(clip[i:i + 960]) is not None for i in range(0, len(clip), 960))


def test_robotic_voices_phrase_is_taken_where_tiny_en_mishears_it(check, maker):
    """tiny.en transcribes these voices' phrase as "he can pay the other", "they compare you": the phrase forced
    onto the audio still fits."""
    for voice in ("en-029+m2", "en-us-nyc+f4", "en-us+m1"):
        assert hits(check, maker, "hey companion give us a conversation starter", voice) == 1, voice


def test_talk_that_says_companion_or_begins_like_the_phrase_is_refused(check, maker):
    for text in ("okay next time the companion asks that question i'm answering first", "hey come here you"):
        assert hits(check, maker, text, "en-us+f3") == 0, text


def test_silence_and_a_fraction_of_a_second_are_no_phrase(check):
    assert not check(b"\0\0" * 16000)
    assert check.score(b"\1\0" * 100) is None
