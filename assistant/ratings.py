"""Ratings as a friend would hear them: a number however it is said ("4/5", "four-ish", "between two and four, so
three"), else closeness in words ("pretty close", "miles apart"); only for a question that asks for one."""

from __future__ import annotations

import re
from typing import Optional, Tuple

_CLAUSE = re.compile(r"[,.;:!?]+|\s-\s|\s+(?:so|but|call it|going with|i'll say|let's say)\s+")
_OUT_OF_FIVE = re.compile(r"\b([1-5])\s*/\s*5\b")
_SCORE_TAILS = re.compile(r"\b(?:ish|from (?:me|us|my side)|overall)\b")


def said_rating(text: str) -> Optional[str]:
    """The 1-5 rating in an answer to a question that asks for one: "4/5", "four-ish", "a five from me", the last
    number said when several are ("between two and four, so three"), else words ("pretty close"), else None."""
    from assistant.dialogue.entity_values import find_rating

    lowered = text.lower().replace("\u2019", "'")
    fraction = _OUT_OF_FIVE.search(lowered)
    if fraction:
        return fraction.group(1)
    found = None
    for clause in _CLAUSE.split(lowered):
        found = find_rating(" ".join(_SCORE_TAILS.sub(" ", re.sub(r"[^\w' ]+", " ", clause)).split())) or found
    return found or word_rating(text)


# A rating said in words ("pretty close", "miles apart"), for a question that asks for one: checked in order, the
# first that matches wins, so "not very close" is read before "very close" and "close".
_WORD_RATINGS: Tuple[Tuple[str, str], ...] = (
    (r"\bnot (?:close|connected) at all\b|\bnot at all\b|\bmiles apart\b|\bworlds apart\b|\bvery (?:distant|far)\b"
     r"|\b(?:really|so|completely|totally) (?:distant|disconnected|far apart)\b", "1"),
    (r"\bnot (?:very|that|so|too|really|particularly) (?:close|connected)\b|\b(?:a bit|a little|slightly|quite|kind of"
     r"|somewhat|bit) (?:distant|disconnected|apart|far)\b|\bnot (?:close|connected)\b"
     r"|\b(?:barely|hardly|scarcely) (?:close|connected|together|saw|spoke|talked)\b|\blow\b|\bnot great\b(?! not bad)"
     r"|\bpoor\b", "2"),
    (r"\b(?:very|really|so|super|incredibly|extremely|completely|totally|deeply) (?:close|connected)\b"
     r"|\bcloser than ever\b|\bclosest\b|\bin sync\b|\binseparable\b|\bperfect\b", "5"),
    (r"\b(?:distant|disconnected|far apart)\b", "1"),
    (r"\b(?:so so|in between|in the middle|middling|medium|halfway|half and half|okay ish|somewhere in the middle"
     r"|average|up and down|moderately|fine|okay|alright|all right|normal|usual|not bad|not great not bad|mixed)\b", "3"),
    (r"\b(?:pretty|quite|fairly|mostly|reasonably|rather) (?:close|connected)\b|\bclose\b|\bconnected\b", "4"),
)
_WORD_RATING_PATTERNS = tuple((re.compile(pattern), value) for pattern, value in _WORD_RATINGS)


def word_rating(text: str) -> Optional[str]:
    """A 1-5 rating said in words about closeness, or None when the words give none."""
    words = " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())
    for pattern, value in _WORD_RATING_PATTERNS:
        if pattern.search(words):
            return value
    return None
