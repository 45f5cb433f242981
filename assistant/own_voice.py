"""The companion's own voice in what the microphone heard: it knows the words it just spoke, so a transcript that
begins with them (a speaker with no echo cancellation, heard by its own microphone) is cut to what follows them.

Used for an utterance that began while a reply was still playing: what is left after the companion's own words is
the partner's (an answer begun over the end of the question), and nothing left means it only heard itself.
"""

from __future__ import annotations

from collections import deque
from difflib import SequenceMatcher
from typing import Deque, Iterable, List

from assistant.dialogue.commands import normalise

MIN_RUN = 2  # its own words, in its order, before an opening counts as its own voice (one word is chance)
MOSTLY = 0.75  # the share of an opening's words that must be its own (the rest misheard)
SIMILAR = 0.8  # a heard word this close in spelling to one of its own is that word misheard ("same" for "sam")
KEPT_LINES = 4  # the last lines spoken that an echo may still hold (an acknowledgement, then the question)


class OwnWords:
    """The words of the last few lines the companion spoke."""

    def __init__(self, keep: int = KEPT_LINES) -> None:
        self.lines: Deque[List[str]] = deque(maxlen=keep)

    def said(self, texts: Iterable[str]) -> None:
        """Remember lines just handed to the speaker."""
        for text in texts:
            words = normalise(text).split()
            if words:
                self.lines.append(words)

    @property
    def words(self) -> List[str]:
        """The remembered lines' words, oldest first."""
        return [word for line in self.lines for word in line]

    def without_own(self, heard: str) -> str:
        """`heard` without the companion's own words at its start: the longest opening that is mostly its own words in
        the order it said them (a misheard word or two allowed) and ends on one of them; the words after it are kept."""
        words = normalise(heard).split()
        own = self.words
        if not words or not own:
            return " ".join(words)
        canon = [_closest(word, own) for word in words]
        cut = 0
        for k in range(MIN_RUN, len(canon) + 1):
            blocks = SequenceMatcher(None, own, canon[:k], autojunk=False).get_matching_blocks()
            matched = sum(b.size for b in blocks)
            ends_on_own = any(b.size and b.b + b.size == k for b in blocks)
            if matched >= MIN_RUN and matched >= MOSTLY * k and ends_on_own:
                cut = k
        return " ".join(words[cut:])


def _closest(word: str, own: List[str]) -> str:
    """The companion's word `word` was most likely heard for ("same" for "sam"), else `word` itself."""
    if word in own:
        return word
    ratios = [SequenceMatcher(None, word, w).ratio() for w in own]
    at = max(range(len(own)), key=ratios.__getitem__)  # the first of the closest, as before
    return own[at] if ratios[at] >= SIMILAR else word
