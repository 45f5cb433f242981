"""Unit tests of the addressee gate's wording rules on given NLU readings (no Rasa)."""

from __future__ import annotations

from typing import Tuple

import pytest

from assistant.dialogue.addressee import judge, window_after
from assistant.messages import Entity, Parse
from assistant.settings import ListenSettings

LISTEN = ListenSettings()
AFTER_STARTER = window_after(LISTEN, Parse("", "greet", 1.0), None, "another", False, None)
AFTER_OFFER = window_after(LISTEN, Parse("", "greet", 1.0), None, None, False, None)


@pytest.mark.parametrize("intent, text, for_me", [
    ("skip", "another one please", True),
    ("skip", "can we move on", True),
    ("skip", "can we try something different next time", False),
    ("skip", "maybe we could skip the wine tomorrow", False),
    ("take_turns", "could we talk that through some other time", False),
    ("save_prompt", "save that one for later", True),  # "later" alone is where a saved starter waits
    ("save_prompt", "save that one", True),
    ("save_prompt", "we should save this for the weekend", False),
    ("save_prompt", "good keep doing that", False),
    ("retire_prompt", "never say never", False),
    ("retire_prompt", "never ask us that one again", True),
    ("stop", "abeg stop", True),
    ("stop", "stop we can finish it tomorrow", False),  # not a plain stop: said to the partner
])
def test_follow_ups_after_a_starter(intent: str, text: str, for_me: bool) -> None:
    """Invited follow-ups are taken; the same intent put as their own plan or a figure of speech is not."""
    assert judge(Parse(text, intent, 0.95), AFTER_STARTER).for_me is for_me


@pytest.mark.parametrize("text, entity, for_me", [
    ("the bedtime one", ("checkin", "bedtime"), True),
    ("i think desire", ("topic", "desire"), True),
    ("i think we're pretty equal actually", ("topic", "mutuality"), False),
    ("i'd say the same thing honestly", ("topic", "communication"), False),
    ("when we're just lying here", ("topic", "initiation"), False),
])
def test_an_answer_to_which_one_names_one_and_is_no_statement(text: str, entity: Tuple[str, str], for_me: bool) -> None:
    """After "a starter or a check-in?", a kind named is an answer; a remark about themselves is talk."""
    parse = Parse(text, "inform", 0.95, (Entity(*entity),))
    assert judge(parse, AFTER_OFFER).for_me is for_me
