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


@pytest.mark.parametrize("text, window, for_me", [
    ("we never get round to saying the hard things", AFTER_STARTER, False),  # their talk, even read as a request
    ("i always feel like the one who decides", AFTER_STARTER, False),
    ("we never get round to saying the hard things", window_after(LISTEN, Parse("", "greet", 1.0), None, None, False,
                                                                  None), False),
    ("another question please", AFTER_STARTER, True),  # a request in its own words still counts
])
def test_a_theme_statement_in_a_window_is_their_talk(text: str, window: object, for_me: bool) -> None:
    """A statement about themselves read as a request (after the wake phrase a wish to talk) is talk in a window."""
    assert judge(Parse(text, "request_prompt", 0.95), window).for_me is for_me  # type: ignore[arg-type]


def test_a_theme_statement_after_the_wake_phrase_alone_is_for_me() -> None:
    from assistant.dialogue.addressee import addressed_window

    assert judge(Parse("we never get round to saying the hard things", "request_prompt", 0.7),
                 addressed_window(LISTEN)).for_me
