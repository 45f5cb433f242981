"""Unit tests of the care path's plain logic: hard answers, acknowledgements, word ratings, missing topics (no Rasa)."""

from __future__ import annotations

from typing import Optional

import pytest

from assistant import care, ratings, taketurns, topics


@pytest.mark.parametrize("text, rating, heavy", [
    ("kind of a two, I felt a bit alone this afternoon", "2", True),
    ("not great honestly", None, True),
    ("tired and stressed from work", None, True),
    ("a four, it was lovely", "4", False),
    ("not lonely at all, you were wonderful", None, False),
    ("the tea you made me", None, False),
    ("one", "1", True),
])
def test_heavy_answers(text: str, rating: Optional[str], heavy: bool) -> None:
    assert care.is_heavy(text, rating) is heavy


def test_acknowledgement_is_soft_after_a_hard_answer_and_never_twice() -> None:
    said: tuple = ()
    for answered in range(1, 5):
        line = care.acknowledgement(True, said, 0, answered)
        assert line in care.SOFT_LINES and line not in said
        said += (line,)
    assert care.acknowledgement(True, said, 0, 5) is None  # all soft lines used: quiet rather than a repeat
    assert care.acknowledgement(False, (), 0, 1) is None  # an ordinary answer needs no word: never a tic


@pytest.mark.parametrize("text, rating", [
    ("really close, best day in ages", "5"),
    ("pretty close", "4"),
    ("somewhere in between", "3"),
    ("a bit distant today", "2"),
    ("not very close", "2"),
    ("miles apart", "1"),
    ("the tea you made", None),
])
def test_word_ratings(text: str, rating: Optional[str]) -> None:
    assert ratings.word_rating(text) == rating


def test_a_disclosure_inside_an_answer_must_be_sure() -> None:
    unsure = {"intent": {"name": "disclose_distress", "confidence": 0.6}}
    assert care.is_disclosure(unsure)
    assert not care.is_disclosure(unsure, in_answer=True)
    assert care.is_disclosure({"intent": {"name": "disclose_distress", "confidence": 0.9}}, in_answer=True)


@pytest.mark.parametrize("text, cue", [
    ("he hit me", True), ("hit me up tomorrow", False), ("i don't feel safe at home", True),
    ("it's not safe to drive in this", False), ("i'm scared of spiders", False), ("they threatened me", True),
    ("i nearly killed myself laughing", False), ("i've been cutting myself", True),
])
def test_distress_cues(text: str, cue: bool) -> None:
    assert care.has_distress_cue(text) is cue


@pytest.mark.parametrize("text, missing", [
    ("give us a question about money", "money"),
    ("can we do one on the in-laws please", "in-laws"),
    ("a question about us", None),
    ("something about desire", None),
    ("give us a conversation starter", None),
])
def test_missing_subject(text: str, missing: Optional[str]) -> None:
    assert topics.missing_subject(text) == missing


def test_a_missing_topic_is_named_with_what_there_is_and_the_nearest() -> None:
    assert topics.off_library("money") == "mutuality" and topics.off_library("kissing") is None
    line = topics.not_in_library("money", "mutuality")
    assert "money" in line and "appreciation" in line and "mutuality" in line


@pytest.mark.parametrize("text, control", [
    ("pause", "pause"), ("companion wait a moment", "pause"), ("go on please", "resume"), ("more time", "more_time"),
    ("stop", "stop"), ("i'd like us to wait a moment before we kiss", None), ("keep going with the kissing", None),
    ("maybe we could continue this tomorrow", None),
])
def test_take_turns_controls_are_whole_utterances(text: str, control: Optional[str]) -> None:
    assert taketurns.control(text) == control


def test_the_helpline_setting_is_checked(tmp_path) -> None:
    from assistant import settings
    from assistant.errors import ConfigError

    config = tmp_path / "config.yml"
    config.write_text('care:\n  helpline: "Call 0800 111 222, any time."\n', encoding="utf-8")
    assert settings.load(config).care.helpline == "Call 0800 111 222, any time."
    assert settings.load(tmp_path / "none.yml").care.helpline == settings.DEFAULT_HELPLINE
    config.write_text('care:\n  helpline: ""\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="care.helpline"):
        settings.load(config)
