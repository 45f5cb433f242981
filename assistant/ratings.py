"""Closeness said in words ("pretty close", "miles apart") as a 1-5 rating, for a question that asks for one; a number
is read by assistant/dialogue/entity_values.py rating_in_answer."""

from __future__ import annotations

import re
from typing import Optional, Tuple

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
