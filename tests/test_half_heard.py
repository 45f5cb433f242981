"""Half-heard spoken answers: a garbled reading with numbers far apart gives no wrong rating, and a reading holding
a word the recogniser made up needs a surer classifier before the care path (real audio through Whisper)."""

from __future__ import annotations

from typing import Optional

import pytest

from assistant import care
from assistant.audio import read_wav
from assistant.dialogue.entity_values import rating_in_answer, read_rating
from assistant.heard_words import made_up_words
from assistant.journal import Journal
from assistant.recognizers import EDGE_SILENCE, FEED_BYTES
from tests.conftest import NIGHT

# espeak-ng voices that hear "honestly, a five" as numbers: "one is three five" (en), "four is three a five"
# (en-us+f3, a little faster), "a three five" (en-us), "on this three five" (en-gb).
GARBLING_VOICES = (("en", 140, 30, 1.0), ("en-us+f3", 150, 60, 1.15), ("en-us", 150, 50, 1.0), ("en-gb", 130, 45, 1.0))


def hear(rec, audio: bytes, expects: Optional[str] = None) -> str:
    """What Whisper hears of an answer (open mode, the question's hint)."""
    stream = rec.stream("open", expects)
    audio = EDGE_SILENCE + audio + EDGE_SILENCE
    for offset in range(0, len(audio), FEED_BYTES):
        stream.accept(audio[offset:offset + FEED_BYTES])
    return stream.finish().text


def espeak(maker, text: str, voice: str, speed: int, pitch: int, tempo: float = 1.0, noise: float = 0.0) -> bytes:
    """An espeak-ng voice saying `text` (a little faster or slower, faint hiss), as 16 kHz samples."""
    return read_wav(maker.vary(maker.espeak(text, voice, speed, pitch), 0, tempo, noise, pad_s=(0.3, 0.4),
                               rate=16000))[0]


@pytest.mark.parametrize("reading, rating", [
    ("one is three at five", "5"),  # the evening's "honestly a five": the number said as a rating
    ("four is three a five", "5"),
    ("one is three five", "5"),
    ("four the kids went to bed at two", "4"),
    ("three or four", "3"),
    ("a four maybe five", "4"),
    ("a one and a four", None),  # two numbers far apart, both said as ratings: none rather than a wrong one
])
def test_numbers_far_apart_give_the_one_said_as_a_rating_or_none(reading, rating):
    assert rating_in_answer(reading) == rating
    assert read_rating(reading)[1] == (rating is None)


def test_a_high_rating_heard_as_numbers_is_never_a_low_one(rec, maker):
    heard = [hear(rec, espeak(maker, "honestly, a five", voice, speed, pitch, tempo), "rating")
             for voice, speed, pitch, tempo in GARBLING_VOICES]
    for text in heard:
        rating = None if read_rating(text)[1] else rating_in_answer(text)
        assert rating is None or int(rating) > care.LOW_RATING, (text, rating)
        assert not care.is_heavy(text, rating), text


def test_low_ratings_said_aloud_stay_low(rec, maker):
    for text, want in (("one, we barely spoke", "1"), ("a two, the afternoon dragged", "2")):
        audio = read_wav(maker.vary(maker.piper(text), 0, 1.0, 0.0, pad_s=(0.3, 0.4), rate=16000))[0]
        assert rating_in_answer(hear(rec, audio, "rating")) == want


def test_a_garbled_high_rating_gets_no_soft_line_and_an_unclear_one_no_rating(conversation, companion_home):
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(clock=lambda: NIGHT, journal=journal)
    chat.respond("let's do our bedtime check in")
    reply = chat.respond("one is three at five")
    assert not any(t in care.SOFT_LINES for t in reply.texts)
    chat.respond("a one and a four")
    assert [r["rating"] for r in journal.entries()] == ["5", None]


def test_made_up_words_are_the_ones_in_no_dictionary():
    assert made_up_words("a hernt before i leave") == ["hernt"]
    assert made_up_words("a hunt before i leave") == []
    assert made_up_words("i'm knackered, alex's mum came round and we cuddled") == []


def reach_tomorrow(chat) -> None:
    """Start the bedtime check-in and answer until the tomorrow question is asked."""
    reply = chat.respond("let's do our bedtime check in")
    for _ in range(6):
        if "tomorrow" in " ".join(reply.texts).lower():
            return
        reply = chat.respond("fine thanks")
    raise AssertionError(f"the tomorrow question never came: {reply.texts}")


def cared(chat, reply) -> bool:
    return care.CARE_REPLY in reply.texts and bool(chat.slot("care_tonight"))


def test_a_reading_with_a_made_up_word_needs_a_surer_classifier_for_care(rec, maker, conversation):
    # a couple's own word for a cuddle, which espeak-ng en-us+m3 says and Whisper hears as "asserned before i leave"
    heard = hear(rec, espeak(maker, "a snurg before i leave", "en-us+m3", 170, 40, noise=0.005))
    assert made_up_words(heard)
    for text in (heard, "a hernt before i leave"):  # the second: the evening recording's reading of "a hug ..."
        chat = conversation(clock=lambda: NIGHT)
        reach_tomorrow(chat)
        assert not cared(chat, chat.respond(text)), text


def test_disclosures_said_aloud_still_get_care(rec, maker, conversation):
    for text in ("i don't feel safe at home anymore", "he hurts me when he's been drinking"):
        audio = read_wav(maker.vary(maker.piper(text), 0, 1.0, 0.0, pad_s=(0.3, 0.4), rate=16000))[0]
        heard = hear(rec, audio)
        chat = conversation(clock=lambda: NIGHT)
        reach_tomorrow(chat)
        assert cared(chat, chat.respond(heard)), heard
