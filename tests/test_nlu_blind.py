"""The trained model on blind data: phrasings written by people who never saw nlu/ (see tests/data/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Set

import pytest

from assistant.dialogue.evaluate import evaluate, evaluate_talk, read_examples, read_lines, reliability

DATA = Path(__file__).resolve().parent / "data"
BLIND_DEV = DATA / "nlu_blind_dev.yml"
COUPLE_TALK_DEV = DATA / "couple_talk_dev.txt"
PRIOR_OVERLAP = DATA / "blind_dev_prior_overlap.txt"
BLIND_DEV2 = DATA / "nlu_blind_dev2.yml"
COUPLE_TALK_DEV2 = DATA / "couple_talk_dev2.txt"
PRIOR_OVERLAP_DEV2 = DATA / "blind_dev2_prior_overlap.txt"
BLIND_DEV3 = DATA / "nlu_blind_dev3.yml"
PRIOR_OVERLAP_DEV3 = DATA / "blind_dev3_prior_overlap.txt"
BLIND_DEV4 = DATA / "nlu_blind_dev4.yml"
PRIOR_OVERLAP_DEV4 = DATA / "blind_dev4_prior_overlap.txt"
BLIND_DEV5 = DATA / "nlu_blind_dev5.yml"
PRIOR_OVERLAP_DEV5 = DATA / "blind_dev5_prior_overlap.txt"
TRAINING = Path(__file__).resolve().parent.parent / "nlu" / "nlu.yml"
STATE_CHANGING = {"stop", "retire_prompt", "save_prompt", "start_checkin", "request_prompt", "skip"}


def trained_texts() -> Set[str]:
    """Every example text of every training file in nlu/ (nlu.yml, lexicon.yml, conversations.yml, ...)."""
    texts: Set[str] = set()
    for path in sorted(TRAINING.parent.glob("*.yml")):
        if path.name != "config.yml":
            texts |= {e.text for e in read_examples(path)}
    return texts


def test_blind_lines_never_enter_training() -> None:
    """No blind line is trained on, except the short ones the old training data already had before it was written."""
    trained = trained_texts()
    prior = set(read_lines(PRIOR_OVERLAP))
    blind = {e.text for e in read_examples(BLIND_DEV)} | set(read_lines(COUPLE_TALK_DEV))
    assert sorted((blind & trained) - prior) == []


def test_second_dev_set_lines_never_enter_training() -> None:
    """No line of the second dev set is trained on, except the short ones training held before it was written."""
    trained = trained_texts()
    prior = set(read_lines(PRIOR_OVERLAP_DEV2))
    dev2 = {e.text for e in read_examples(BLIND_DEV2)} | set(read_lines(COUPLE_TALK_DEV2))
    assert len(dev2) > 500
    assert sorted((dev2 & trained) - prior) == []


@pytest.mark.parametrize("path, prior_path", [
    (BLIND_DEV3, PRIOR_OVERLAP_DEV3), (BLIND_DEV4, PRIOR_OVERLAP_DEV4), (BLIND_DEV5, PRIOR_OVERLAP_DEV5)],
    ids=["dev3", "dev4", "dev5"])
def test_later_dev_set_lines_never_enter_training(path: Path, prior_path: Path) -> None:
    """No line of the third, fourth or fifth dev set is trained on, except the short ones training held before."""
    lines = {e.text for e in read_examples(path)}
    prior = set(read_lines(prior_path))
    assert len(lines) > 350
    assert sorted((lines & trained_texts()) - prior) == []


@pytest.mark.parametrize("path, intent_floor, entity_floor", [
    (BLIND_DEV, 0.96, 0.95),  # measured 0.974 / 0.969, issue 11 redo 0.977 / 0.969
    (BLIND_DEV2, 0.955, 0.94),  # measured 0.965 / 0.959, issue 11 redo 0.979 / 0.953
    (BLIND_DEV3, 0.96, 0.89),  # first scored 0.957 / 0.854 (cb4a336), issue 11 redo 0.973 / 0.910
    (BLIND_DEV4, 0.95, 0.87),  # first scored 0.959 / 0.894 (c9ae944)
    (BLIND_DEV5, 0.95, 0.90),  # first scored 0.937 / 0.931 (b29f444), after nlu/variety3.yml 0.963 / 0.924
], ids=["dev", "dev2", "dev3", "dev4", "dev5"])
def test_blind_dev_accuracy(dialogue_engine, path: Path, intent_floor: float, entity_floor: float) -> None:
    """Typed intent and entity accuracy on each blind dev set, a little under what was measured."""
    result = evaluate(dialogue_engine.parse, path)
    report = result.summary() + "".join(f"\n  {e}" for e in result.errors)
    assert result.n >= 300, report
    assert result.intent_accuracy >= intent_floor, report
    assert result.entity_accuracy >= entity_floor, report


# "pause" is turn_control by design: it holds a take-turns conversation's clock rather than ending anything.
NOT_A_STOP_HERE = ("pause for a second",)


def test_blind_stop_recall_is_total(dialogue_engine) -> None:
    """Every way the blind dev writers said stop parses as stop."""
    stops = [e.text for path in (BLIND_DEV, BLIND_DEV2, BLIND_DEV3, BLIND_DEV4, BLIND_DEV5)
             for e in read_examples(path)
             if e.intent == "stop" and e.text not in NOT_A_STOP_HERE]
    missed = [(t, dialogue_engine.parse(t).intent) for t in stops if dialogue_engine.parse(t).intent != "stop"]
    assert len(stops) >= 20 and not missed, missed


@pytest.mark.parametrize("path", [COUPLE_TALK_DEV, COUPLE_TALK_DEV2], ids=["dev", "dev2"])
def test_couple_talk_is_rarely_a_command(dialogue_engine, path: Path) -> None:
    """Lines partners say to each other: few confident commands (fewer still that change state), half not-for-me.

    Short replies ("okay", "perfect", "next") stay affirm / skip: only what the last turn invited tells them apart.
    """
    result = evaluate_talk(dialogue_engine.parse, path)
    report = result.summary() + "".join(f"\n  {line!r} -> {intent} {conf:.2f}" for line, intent, conf in result.commands)
    state_changing = [c for c in result.commands if c[1] in STATE_CHANGING]
    assert result.n >= 150, report
    assert len(result.commands) <= 0.30 * result.n, report
    assert len(state_changing) <= 0.08 * result.n, report
    assert result.not_for_me >= 0.5 * result.n, report


@pytest.mark.parametrize("text", [
    "that's sweet", "i don't know honestly i feel like we never talk about this", "remember that trip to the lake",
    "hmm i think for me it's when you make me coffee in the morning", "sorry i didn't mean it like that",
])
def test_talk_named_in_issue_10_changes_nothing(dialogue_engine, text: str) -> None:
    """The lines issue 10 saw stop, retire or save a prompt are no state-changing command now."""
    parse = dialogue_engine.parse(text)
    assert not (parse.intent in STATE_CHANGING and parse.confidence >= 0.6), parse


@pytest.mark.parametrize("text", [
    "stop", "okay stop", "that's enough", "cancel", "never mind", "quiet", "enough", "be quiet please",
    "could you please stop now", "hey companion that's enough for tonight thanks",
])
def test_stop_is_never_missed(dialogue_engine, text: str) -> None:
    """Plain and polite stops are stop, with full confidence."""
    parse = dialogue_engine.parse(text)
    assert (parse.intent, parse.confidence) == ("stop", 1.0), parse


def test_goodbye_is_not_stop(dialogue_engine) -> None:
    """Leaving for the night is a goodbye (the contract), not a stop."""
    assert dialogue_engine.parse("okay we're done for tonight").intent == "goodbye"


def test_confident_parses_are_mostly_right(dialogue_engine) -> None:
    """Reliability: parses at confidence >= 0.9 are right at least 97 % of the time on the blind dev set."""
    bins = [b for b in reliability(dialogue_engine.parse, BLIND_DEV) if b.low >= 0.9]
    n, correct = sum(b.n for b in bins), sum(b.correct for b in bins)
    assert n >= 150 and correct / n >= 0.97, (n, correct)


FINAL_BLIND = DATA / "nlu_blind.yml"
COUPLE_TALK_EVAL = DATA / "couple_talk_eval.txt"


def test_final_blind_lines_never_enter_training() -> None:
    """The final blind set and the couple-talk evaluation lines are never trained on."""
    trained = trained_texts()
    final = {e.text for e in read_examples(FINAL_BLIND)} | set(read_lines(COUPLE_TALK_EVAL))
    prior = set(read_lines(DATA / "final_blind_prior_overlap.txt"))
    assert len(final) > 700
    assert sorted((final & trained) - prior) == []


FINAL_BLIND2 = DATA / "nlu_blind_final2.yml"


def test_second_final_blind_set_never_enters_training() -> None:
    """The second final set (written 2026-12-02 by a fourth blind writer) is never trained on.

    The 131 short lines that the training data already held when it was written ("hello", "next one", "stop") are
    listed in final2_prior_overlap.txt; any other overlap fails.
    """
    trained = set()
    for path in sorted(TRAINING.parent.glob("*.yml")):
        trained |= {e.text for e in read_examples(path)}
    final2 = {e.text for e in read_examples(FINAL_BLIND2)}
    prior = set(read_lines(DATA / "final2_prior_overlap.txt"))
    assert len(final2) >= 440
    assert sorted((final2 & trained) - prior) == []


def test_final_blind_accuracy_does_not_fall(dialogue_engine) -> None:
    """Never tuned on, scored at the end of each NLU change: 0.937 / 0.880 (issue 10), 0.961 / 0.910 (issue 11).

    A floor against regressions.
    """
    result = evaluate(dialogue_engine.parse, FINAL_BLIND)
    report = result.summary() + "".join(f"\n  {e}" for e in result.errors)
    assert result.n >= 380, report
    assert result.intent_accuracy >= 0.95 and result.entity_accuracy >= 0.89, report
