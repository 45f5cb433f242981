"""The trained model's NLU on held-out phrasings it never saw, plus the contract's spot checks."""

from __future__ import annotations

from pathlib import Path
from typing import FrozenSet, Tuple

import pytest

from assistant.dialogue.evaluate import evaluate, read_examples

HELDOUT = Path(__file__).resolve().parent / "data" / "nlu_heldout.yml"
TRAINING = Path(__file__).resolve().parent.parent / "nlu" / "nlu.yml"


def test_heldout_is_not_in_training_data() -> None:
    """Held-out phrasings never leak into training, and every intent has at least 8."""
    trained = {e.text for e in read_examples(TRAINING)}
    heldout = read_examples(HELDOUT)
    assert not [e.text for e in heldout if e.text in trained]
    counts = {}
    for example in heldout:
        counts[example.intent] = counts.get(example.intent, 0) + 1
    assert len(counts) == 15 and min(counts.values()) >= 8, counts


def test_heldout_accuracy(dialogue_engine) -> None:
    """Intent accuracy >= 0.95 and entity accuracy >= 0.90 on the held-out file."""
    result = evaluate(dialogue_engine.parse, HELDOUT)
    report = result.summary() + "".join(f"\n  {e}" for e in result.errors)
    assert result.n >= 120, report
    assert result.intent_accuracy >= 0.95, report
    assert result.entity_accuracy >= 0.90, report


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        ("give us a conversation starter about libido", "request_prompt", {("topic", "desire")}),
        ("a four", "inform", {("rating", "4")}),
        ("three out of five", "inform", {("rating", "3")}),
        ("hey companion let's do our bedtime check in", "start_checkin", {("checkin", "bedtime")}),
        ("can we do the after sex check in", "start_checkin", {("checkin", "after_intimacy")}),
        ("ask us something about who makes the first move", "request_prompt", {("topic", "initiation")}),
        ("next one", "skip", set()),
        ("say that again", "repeat", set()),
        ("that's enough for tonight", "stop", set()),
        ("what can you do", "help", set()),
        ("save that one", "save_prompt", set()),
        ("never ask us that one again", "retire_prompt", set()),
        ("um", "nlu_fallback", set()),
        ("mm hmm", "affirm", set()),
    ],
)
def test_spot_checks(dialogue_engine, text: str, intent: str, entities: set) -> None:
    """Phrasings named in the NLU contract parse as it says ("next one" has no rating; a lone filler is no "yes")."""
    parse = dialogue_engine.parse(text)
    got: FrozenSet[Tuple[str, str]] = frozenset((e.entity, e.value) for e in parse.entities)
    assert (parse.intent, got) == (intent, frozenset(entities)), parse


@pytest.mark.parametrize("text, topic", [
    ("desire i think", "desire"), ("let's go with the body one", "body"), ("um appreciation please", "appreciation"),
    ("somewhere in between for me", None), ("a bit tired but glad we talked", None),
])
def test_an_answer_names_a_topic_only_when_it_says_one(dialogue_engine, text: str, topic: object) -> None:
    """A check-in answer that names a topic keeps it; one that names none gets no guessed topic."""
    parse = dialogue_engine.parse(text)
    topics = [e.value for e in parse.entities if e.entity == "topic"]
    assert topics == ([topic] if topic else []), parse
