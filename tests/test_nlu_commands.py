"""Unit tests of the command wording rules and of answer_control (no Rasa)."""

from __future__ import annotations

import pytest

from assistant.dialogue.commands import heard_stop, is_directed, is_stop_command
from assistant.meta_command import answer_control


@pytest.mark.parametrize("text", [
    "stop", "okay stop", "that's enough", "cancel", "never mind", "Never mind.", "quiet", "enough", "nevermind",
    "hey companion stop please", "please be quiet", "could you stop please", "can we stop now", "shh",
    "that's enough for tonight", "okay that's enough for now thanks", "cancel the check in", "no stop",
    "never mind that then", "forget it please", "cancel our evening check in", "stop this after sex check in",
    "hang on stop for a second", "whoa stop", "that'll do thanks", "enough is enough", "end the bedtime check in",
    "och haud yer wheesht", "hold your tongue please", "never mind the questions", "never mind the rest",
])
def test_plain_stops(text: str) -> None:
    assert is_stop_command(text)


@pytest.mark.parametrize("text", [
    "some quiet time", "i never mind that", "that's sweet", "okay we're done for tonight",
    "i couldn't stop thinking about you", "i've had enough of work this week", "",
    "let's do the bedtime check in", "stop tickling me", "don't stop", "that'll do wonders for us",
    "hold your horses", "i'll hold my tongue", "never mind the hoovering", "never mind about our bank balance",
])
def test_not_plain_stops(text: str) -> None:
    assert not is_stop_command(text)


@pytest.mark.parametrize("text, stop", [
    ("stop the uh", "stop"), ("cancel there you", "cancel"), ("stopped at you", ""), ("the stop please", "stop"),
    ("hush hush oh", "hush"), ("oh and never mind", "never mind"), ("stop", "stop"), ("cancelled what", "cancel"),
    ("stop tickling me", ""), ("i'll stop", ""), ("you stop it", ""), ("stop asking that one", ""),
    ("stop by the shop", ""), ("quiet night in", ""), ("don't stop now", ""), ("stop it we are going to be late", ""),
])
def test_heard_stops(text: str, stop: str) -> None:
    """A stop misheard with a word or two of noise is still the stop; talk that says stop is not."""
    assert heard_stop(text) == stop


@pytest.mark.parametrize("intent, text, directed", [
    ("retire_prompt", "i don't know honestly i feel like we never talk about this", False),
    ("retire_prompt", "don't show us that one anymore", True),
    ("save_prompt", "remember the night at the lake", False),
    ("save_prompt", "remember this question for us", True),
    ("stop", "that's sweet", False),
    ("stop", "please stop", True),
    ("stop", "switch yourself off for now", True),
    ("stop", "did you turn off the oven", False),
    ("start_checkin", "how was your day", False),
    ("greet", "anything at all", True),
    # the wording of the kinds the training lines hold (the gate had turned them away)
    ("stop", "right let's wrap things up", True),
    ("stop", "we'll leave it at that", True),
    ("stop", "we're all done for tonight", True),
    ("stop", "we're done with the dishes", False),
    ("stop", "shut the whole thing down", True),
    ("stop", "oh shut up you", False),
    ("retire_prompt", "we really don't care for that question", True),
    ("retire_prompt", "cross that one off for us", True),
    ("retire_prompt", "i don't like this weather", False),
    ("save_prompt", "oh that's a keeper", True),
    ("save_prompt", "don't forget that one", True),
    ("save_prompt", "we kept the receipts", False),
    ("start_checkin", "could you ask how we're both feeling tonight", True),
    ("start_checkin", "how are you feeling", False),
])
def test_directed_wording(intent: str, text: str, directed: bool) -> None:
    assert is_directed(intent, text) is directed


@pytest.mark.parametrize("text, expected", [
    ("stop", "stop"),
    ("okay stop", "stop"),
    ("that's enough", "stop"),
    ("never mind", "stop"),
    ("cancel", "stop"),
    ("stop the check-in", "stop"),
    ("companion, stop", "stop"),
    ("hold on stop a sec", "stop"),
    ("that'll do", "stop"),
    ("some quiet time", None),
    ("quiet please", "stop"),
    ("peace and quiet", None),  # "what would help tomorrow?" - a whole answer, not a hush
    ("i never mind that", None),
    ("i felt close to you", None),
    ("maybe stop rushing the end a little", None),
    ("stop checking the phone at dinner", None),
    ("say that again", "repeat"),
    ("sorry, what was the question?", "repeat"),
    ("could you repeat that please", "repeat"),
    ("say it again tomorrow", None),
    ("the same again please", None),
    ("others should do with what mom", None),  # a misheard answer is still the answer
    ("how does this work", "help"),
    ("um help me please", "help"),
    ("they you help me on the sofa", None),
    ("help with the shopping", None),
    ("you were so patient", None),
    ("pass", "skip"),
    ("can we pass on this one", "skip"),
    ("i'll pass", "skip"),
    ("skip this question", "skip"),
    ("i'd like us to skip the phone in bed", None),
    ("next time more kissing", None),
    ("the walk we took", None),
])
def test_answer_control(text: str, expected) -> None:
    """Inside a check-in only a clearly directed command is one; everything else is the answer."""
    assert answer_control(text) == expected
