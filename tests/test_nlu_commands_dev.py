"""Gentler asks are never a bolder ask; the wording cues for faves and blocking; on the real model, gentle stays gentle."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant import consent
from assistant.dialogue.commands import asks_gentler, is_directed
from assistant.dialogue.nlu_components import DirectedWordingGate


@pytest.mark.parametrize("text", [
    "could the questions be gentler", "a softer one now", "go milder on us", "less intense for a while",
    "bring it down a notch companion", "dial things down please", "nothing too racy", "not so spicy this time",
    "ease off a little", "go easy on us", "something tender", "a more gentle one", "tamer ones", "whoa too steamy",
])
def test_asks_gentler(text: str) -> None:
    assert asks_gentler(text)


@pytest.mark.parametrize("text", [
    "something hotter", "turn up the heat", "less tame please", "not so gentle this time", "that was too tame",
    "no more gentle ones give us a bold one", "nothing soft tonight we want bold", "be quiet you big softie",
    "sweetheart spice it up", "too gentle for us", "",
])
def test_bold_or_other_words_are_not_gentler(text: str) -> None:
    assert not asks_gentler(text)


def gate(text: str, intent: str, confidence: float = 0.7) -> dict:
    """The gate's intent for `text` when the classifier ranked `intent` first."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "request_prompt", "confidence": 1 - confidence}]
    message = Message(data={TEXT: text, INTENT: ranking[0], "intent_ranking": ranking})
    DirectedWordingGate().process([message])
    return message.get(INTENT)


def test_a_gentler_ask_parsed_as_bold_becomes_keep_gentle() -> None:
    assert gate("can you soften it a bit, less steamy", "request_bold") == {"name": "keep_gentle", "confidence": 0.7}
    assert gate("a naughtier one", "request_bold")["name"] == "request_bold"
    assert gate("less tame please", "request_bold")["name"] == "request_bold"
    assert gate("a softer one", "request_prompt")["name"] == "request_prompt"  # only a bolder ask is overruled


@pytest.mark.parametrize("intent, text, directed", [
    ("save_prompt", "pop it in the faves", True),
    ("retire_prompt", "block it", True),
    ("retire_prompt", "lose this one", True),
    ("retire_prompt", "we lost the remote", False),
    ("retire_prompt", "don't repeat it", True),
])
def test_new_wording_cues(intent: str, text: str, directed: bool) -> None:
    assert is_directed(intent, text) is directed


@pytest.mark.parametrize("text", [
    "please bring the intensity down", "could you make the next ones milder", "nothing too full on please companion",
])
def test_gentler_asks_on_the_real_model_never_start_a_bolder_ask(conversation, text: str) -> None:
    """Typed through the whole dialogue: the gentle promise, never the ask for two yeses."""
    reply = conversation().respond(text)
    assert reply.parse.intent == "keep_gentle", reply
    assert consent.OPENING not in reply.texts and consent.KEEP_GENTLE in reply.texts, reply.texts


@pytest.mark.parametrize("text", ["turn the heating up a bit love", "be gentle with my knee", "the soup is too spicy"])
def test_talk_with_those_words_starts_no_bolder_ask(conversation, text: str) -> None:
    """Partners' talk with gentle or hot words never asks the couple for a bolder prompt (a gentle promise may be)."""
    reply = conversation().respond(text)
    assert reply.parse.intent != "request_bold" and consent.OPENING not in reply.texts, reply
