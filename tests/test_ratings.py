"""Ratings read from answers to a question that asks for one, whatever follows the number."""

from __future__ import annotations

import pytest

from assistant.dialogue.entity_values import rating_in_answer


@pytest.mark.parametrize("answer, rating", [
    ("three", "3"),
    ("a two, the afternoon dragged", "2"),
    ("four, we laughed a lot at dinner", "4"),
    ("5, obviously", "5"),
    ("one sadly", "1"),
    ("three-ish", "3"),
    ("two ish", "2"),
    ("3/5", "3"),
    ("i'd go with four out of five", "4"),
    ("between two and three, call it three", "3"),
    ("on a scale of one to five a four", "4"),
    ("we argued for two hours so a one", "1"),
    ("the two of us barely spoke, a two", "2"),
    ("that one is hard, maybe three", "3"),
    ("three or four, let's say four", "4"),
    ("five... actually no, a four", "4"),
    ("under three, so a two", "2"),
    ("just the one this evening", "1"),
    ("maybe the four tonight", "4"),
    ("from two i reckon", "2"),
    ("on a scale from one to five a three", "3"),
    ("a four so one of us can sleep", "4"),
    ("five, no one was grumpy", "5"),
    ("two three the film was good", "3"),  # back to back: a word half heard as a number, then the rating
    ("five two we argued about money", "2"),
    ("three five we went swimming", "3"),  # a run that ends in five: the scale with its "out of" lost
    ("four one five the kids were asleep early", "4"),
    ("a one hour five we hardly talked", "1"),  # "out of five" half heard after the rating
    ("three how of five mostly good", "3"),
    ("so how did five sound", None),
    ("we were out for two hours, five of us", None),
    ("we walked for two hours so a four", "4"),
    ("i really want to get one", None),
    ("we never had one", None),
    ("we walked the two dogs", None),
    ("the one with the candles", None),
    ("one hundred percent", None),
    ("pretty close today", None),
    ("no one really noticed", None),
])
def test_rating_in_an_answer(answer, rating):
    assert rating_in_answer(answer) == rating
