"""The companion's own phrasings as a word-pair model: how much a reading sounds like something said to it."""

from __future__ import annotations

import math
import threading
from collections import Counter
from typing import Callable, Optional, Sequence

# Interpolation of the word-pair and single-word estimates, and the floor for a word never seen in the phrasings.
PAIR_WEIGHT = 0.7
UNSEEN = 1e-5


class PhrasingModel:
    """Word-pair (bigram) counts of the domain sentences, interpolated with single words."""

    def __init__(self, sentences: Sequence[str]) -> None:
        """Count the words and word pairs of normalised `sentences`."""
        self.words: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        for sentence in sentences:
            words = ["<s>", *sentence.split(), "</s>"]
            self.words.update(words)
            self.pairs.update(zip(words, words[1:]))
        self.total = max(1, sum(self.words.values()))

    def score(self, text: str) -> float:
        """Mean log-probability per word of `text` (end included) under the phrasings; low for no words."""
        words = ["<s>", *text.split(), "</s>"]
        if len(words) == 2:
            return math.log(UNSEEN)
        total = 0.0
        for before, word in zip(words, words[1:]):
            pair = self.pairs[(before, word)] / self.words[before] if self.words[before] else 0.0
            total += math.log(PAIR_WEIGHT * pair + (1 - PAIR_WEIGHT) * self.words[word] / self.total + UNSEEN)
        return total / (len(words) - 1)


class Background:
    """A PhrasingModel built on a thread (reading the NLU files takes most of a second), waited for when needed."""

    def __init__(self, source: Callable[[], Sequence[str]]) -> None:
        """Start building from the sentences `source` returns."""
        self._model: Optional[PhrasingModel] = None
        self._thread = threading.Thread(target=self._build, args=(source,), name="phrasings", daemon=True)
        self._thread.start()

    def _build(self, source: Callable[[], Sequence[str]]) -> None:
        try:
            self._model = PhrasingModel(source())
        except (OSError, ValueError):  # unreadable NLU files: no rescoring, Whisper's own best reading stands
            self._model = None

    def model(self) -> Optional[PhrasingModel]:
        """The model once built (None if its sources could not be read)."""
        self._thread.join()
        return self._model
