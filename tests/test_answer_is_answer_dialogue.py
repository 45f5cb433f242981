"""An answer is an answer, end to end: the real trained model and check-in, a journal on (bench/answers.py's reading)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import answers  # noqa: E402
from dialoguebench import typed  # noqa: E402

TOMORROW = "Is there anything you need tomorrow, from Alex or for yourself?"
NEXT_TIME = "What would you like to try or change another time?"
HOW_WAS_IT = "How was that for you?"


def line(text: str, question: str, expect: str) -> Dict[str, Any]:
    """One line of the bench's set."""
    return {"text": text, "question": question, "kind": expect, "expect": expect}


LINES: List[Dict[str, Any]] = [
    line("a slow morning, that's plenty for me", TOMORROW, "answer"),
    line("i need a lie in, that's enough for me", TOMORROW, "answer"),
    line("stop sooner, before we're both tired", NEXT_TIME, "answer"),
    line("never mind the laundry, a hug", TOMORROW, "answer"),
    line("lovely, more than enough", HOW_WAS_IT, "answer"),
    line("do that again? that's my answer", HOW_WAS_IT, "answer"),
    line("that's enough for tonight", HOW_WAS_IT, "stop"),
    line("we're shattered, can we stop", TOMORROW, "stop"),
    line("companion, stop", NEXT_TIME, "stop"),
]


@pytest.mark.parametrize("item", LINES, ids=[item["text"] for item in LINES])
def test_command_words_in_an_answer_keep_it_and_real_stops_end_it(dialogue_engine, item: Dict[str, Any]) -> None:
    """Kept word for word in the check-in and the journal with the check-in going on, or ended at once."""
    row = answers.run_line(dialogue_engine, item, typed)
    assert row["got"] == item["expect"], row


@pytest.mark.parametrize("text, stops", [("okay, let's finish it here", True), ("could we end the chat now", True),
                                         ("just enough, i think we both listen", False)])
def test_a_take_turns_floor_ends_on_a_stop_in_everyday_words(dialogue_engine, text: str, stops: bool) -> None:
    """On a take-turns floor a directed stop ends the conversation; a turn holding "enough" is the turn."""
    from dialoguebench import fresh

    chat = fresh(dialogue_engine)
    chat.respond("give us a conversation starter")
    assert chat.respond("let's take turns on this").active_loop == "turns_form"
    reply = chat.respond(text)
    assert (reply.active_loop is None) is stops, reply.texts
    assert ("Okay, we'll stop there. Thank you both." in reply.texts) is stops, reply.texts
