"""Unit tests of the held-out scorer and the entity-value rules, with a fake parser (no Rasa)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.dialogue.entity_values import (
    bare_checkin, canonical_value, find_checkin, find_rating, subject_parts, without_talk_frame)
from assistant.dialogue.evaluate import evaluate, parse_annotated, read_examples
from assistant.errors import ConfigError
from assistant.messages import Entity, Parse

HELDOUT = """version: "3.1"
nlu:
- intent: request_prompt
  examples: |
    - ask us about [libido]{"entity": "topic", "value": "desire"}
    - give us a question
- intent: inform
  examples: |
    - a [four](rating:4)
    - [bedtime](checkin) please
- synonym: desire
  examples: |
    - libido
"""


def fake_parse(text: str) -> Parse:
    """Right on two examples, wrong intent on one, wrong entity value on one."""
    table = {
        "ask us about libido": Parse(text, "request_prompt", 0.9, (Entity("topic", "desire"),)),
        "give us a question": Parse(text, "skip", 0.6),
        "a four": Parse(text, "inform", 0.8, (Entity("rating", "five"),)),
        "bedtime please": Parse(text, "inform", 0.7, (Entity("checkin", "bedtime"),)),
    }
    return table[text]


def test_annotations_resolve_to_text_and_values() -> None:
    assert parse_annotated('ask about [sex drive]{"entity": "topic", "value": "desire"} now') == (
        "ask about sex drive now", frozenset({("topic", "desire")}))
    assert parse_annotated("[three](rating) out of five") == ("three out of five", frozenset({("rating", "three")}))
    assert parse_annotated("a [four](rating:4)") == ("a four", frozenset({("rating", "4")}))
    with pytest.raises(ConfigError):
        parse_annotated('[x]{"entity": broken}')


def test_evaluate_counts_intents_and_entity_sets(tmp_path: Path) -> None:
    path = tmp_path / "heldout.yml"
    path.write_text(HELDOUT)
    assert [e.text for e in read_examples(path)] == ["ask us about libido", "give us a question", "a four", "bedtime please"]
    result = evaluate(fake_parse, path)
    assert result.n == 4 and result.intent_accuracy == 0.75
    assert result.entity_n == 3 and result.entity_accuracy == pytest.approx(2 / 3)
    assert sorted(e.text for e in result.errors) == ["a four", "give us a question"]
    assert "rating=4" in str(next(e for e in result.errors if e.text == "a four"))


def test_unreadable_heldout_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        evaluate(fake_parse, tmp_path / "missing.yml")


@pytest.mark.parametrize(
    "entity, value, canonical",
    [
        ("topic", "libido", "desire"), ("topic", "who starts it", "initiation"), ("topic", "equal say", "power"),
        ("topic", "being equal partners", "mutuality"), ("topic", "feeling safe in my body", "body"),
        ("topic", "talking openly", "communication"), ("topic", "what we love about each other", "appreciation"),
        ("topic", "what feels good", "pleasure"), ("topic", "the weather", None),
        ("checkin", "before we sleep", "bedtime"), ("checkin", "after we made love", "after_intimacy"),
        ("checkin", "after_intimacy", "after_intimacy"), ("checkin", "the aftercare one", "after_intimacy"),
        ("checkin", "the lights out one", "bedtime"), ("checkin", "winding down", "bedtime"),
        ("checkin", "the afterwards questions", "after_intimacy"), ("checkin", "the how was your day ones", "bedtime"),
        ("topic", "saying what we want out loud", "communication"), ("topic", "saying no", "power"),
        ("topic", "being turned down kindly", "initiation"),
        ("topic", "the signals we send when we're keen", "initiation"), ("topic", "dropping a hint", "initiation"),
        ("topic", "how we let each other know we're up for it", "initiation"),
        ("topic", "the kind of touch we love", "pleasure"), ("topic", "touch that makes us feel calm", "body"),
        ("topic", "feeling tense when touched", "body"), ("topic", "my wishes counting as much as yours", "mutuality"),
        ("topic", "both of us having a fair say", "mutuality"), ("topic", "both of us getting older", "body"),
        ("rating", "a four", "4"), ("rating", "lots", None),
    ],
)
def test_canonical_values(entity: str, value: str, canonical: object) -> None:
    assert canonical_value(entity, value) == canonical


@pytest.mark.parametrize(
    "text, rating",
    [
        ("a four", "4"), ("three out of five", "3"), ("5", "5"), ("about a two", "2"), ("honestly a one today", "1"),
        ("2 out of 5", "2"), ("four stars", "4"), ("next one", None), ("the bedtime one", None), ("the two of us", None),
        ("i slept five hours", None),
        ("it was lovely", None), ("two it's been a long week", "2"), ("four because you cooked", "4"),
        ("um 3 i've had better", "3"), ("three kids asleep at last", None),
    ],
)
def test_find_rating(text: str, rating: object) -> None:
    assert find_rating(text) == rating


@pytest.mark.parametrize("text, kind", [
    ("can we do some aftercare", "after_intimacy"), ("we just made love check in with us", "after_intimacy"),
    ("a check in before we sleep", "bedtime"), ("let's do a check in", None),
])
def test_find_checkin_by_cue_words(text: str, kind: object) -> None:
    assert find_checkin(text) == kind


@pytest.mark.parametrize("text, kind", [
    ("the bedtime one", "bedtime"), ("nightly", "bedtime"), ("um the end of the day one please", "bedtime"),
    ("the one for after making love", "after_intimacy"), ("post sex", "after_intimacy"),
    ("the evening was lovely", None), ("sleep", None), ("after dinner", None), ("we should go to bed", None),
])
def test_a_check_in_kind_said_on_its_own(text: str, kind: object) -> None:
    """Only the kind's name and filler: an answer naming it; anything more is left to the classifier."""
    assert bare_checkin(text) == kind


@pytest.mark.parametrize("text, parts", [
    ("a question about fairness and who decides", ["fairness", "who decides"]),
    ("one about when one of us is in the mood and the other isn't", ["when one of us is in the mood and the other isn't"]),
    ("about how often i want it and you don't", ["how often i want it and you don't"]),
])
def test_one_situation_in_two_clauses_is_one_subject(text: str, parts: list) -> None:
    assert subject_parts(text) == parts


def test_names_a_subject() -> None:
    from assistant.dialogue.entity_values import names_a_subject

    assert names_a_subject("something about who decides")
    assert names_a_subject("something to talk about on fairness")
    assert not names_a_subject("what's something we could talk about")
    assert not names_a_subject("what should we talk about tonight")


def test_reliability_bins_and_talk_counts(tmp_path: Path) -> None:
    from assistant.dialogue.evaluate import evaluate_talk, expected_calibration_error, reliability, reliability_table

    path = tmp_path / "heldout.yml"
    path.write_text(HELDOUT)
    bins = reliability(fake_parse, path)
    assert sum(b.n for b in bins) == 4 and sum(b.correct for b in bins) == 3
    assert next(b for b in bins if b.low <= 0.6 < b.high).accuracy == 0.0
    assert "| 0.90-0.95 | 1 | 1.000 |" in reliability_table(bins)
    assert 0.0 < expected_calibration_error(bins) < 1.0
    talk = tmp_path / "talk.txt"
    talk.write_text("# comment\nthat's sweet\nnext one\n\n")
    table = {"that's sweet": Parse("that's sweet", "couple_talk", 0.9), "next one": Parse("next one", "skip", 0.7)}
    result = evaluate_talk(table.__getitem__, talk)
    assert (result.n, result.not_for_me, result.commands) == (2, 1, [("next one", "skip", 0.7)])


@pytest.mark.parametrize("text, left", [
    ("what should we talk about", "what should we"), ("give us something to chat about tonight please", "give us something to"),
    ("talk about", ""), ("we never talk about money", None), ("something to think about regarding trust", None),
])
def test_without_talk_frame(text: str, left: object) -> None:
    assert without_talk_frame(text) == left
