"""care17: eggshells however walked, a plan for how, money doled out, a punishment for a no, crisis lines; an
everyday fright with its thing named beside it is no disclosure (cues alone, then on the real trained model)."""

from __future__ import annotations

import pytest

from assistant import care
from assistant.care_cues import has_distress_cue, is_ordinary
from tests.conftest import NIGHT


@pytest.mark.parametrize("text", [
    "most evenings i tread on eggshells till she's calmed down",
    "we've all been tiptoeing round on eggshells since he lost his job, me most of all",
    "i've got a plan for how i'd do it, i just haven't picked the day",
    "he only lets me have a little cash for the shopping, and he checks the change",
    "i have to beg her for money if i want a haircut",
    "i have to ask him permission before i visit my brother",
    "she made me stand in the garden for an hour because i said no",
    "is there a number for those crisis teams, asking for me",
    "i'm petrified of them both, my husband and his brother",
])
def test_cues_of_control_crisis_and_fear(text: str) -> None:
    assert has_distress_cue(text), text


@pytest.mark.parametrize("text", [
    "we have a plan for how to do it next summer, the loft first",
    "my gran let me have some money for the fair",
    "i have to ask for permission to park at the hospital",
    "the kids made me read it twice because i said no to the park",
    "we found a wasps' nest in the shed and i'm terrified of them",
])
def test_everyday_lines_with_those_words_are_no_cue(text: str) -> None:
    assert not has_distress_cue(text), text


@pytest.mark.parametrize("text", [
    "the vet trip, i'm scared stiff of that place so she took the cat",
    "needles, i'm frightened to death of them, he came with me for the jab",
])
def test_an_everyday_fright_named_beside_its_thing_is_ordinary(text: str) -> None:
    assert is_ordinary(text), text


def cared(chat, reply) -> bool:
    return care.CARE_REPLY in reply.texts and bool(chat.slot("care_tonight"))


def test_a_punishment_for_a_no_said_to_the_companion_gets_care(conversation):
    chat = conversation()
    assert cared(chat, chat.respond("companion, it's silly, but she made me sleep on the landing for saying no"))


def test_eggshells_inside_a_checkin_answer_get_care_and_a_fright_does_not(conversation):
    chat = conversation(clock=lambda: NIGHT)
    chat.respond("let's do our bedtime check in")
    assert cared(chat, chat.respond("a three. the house is calmer but i still tread on eggshells"))
    chat = conversation(clock=lambda: NIGHT)
    chat.respond("let's do our bedtime check in")
    reply = chat.respond("a four, the dentist was today and i'm scared stiff of that place, she held my hand")
    assert care.CARE_REPLY not in reply.texts and not chat.slot("care_tonight")
