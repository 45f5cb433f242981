"""Words a recogniser seems to have made up ("a hernt before i leave"): ones in neither the pronouncing dictionary
nor the companion's own training and dialogue text. A reading that holds one was half heard."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Set

from assistant import paths

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
# Endings a known word may carry and still be one ("alex's", "hugs", "cuddled").
_ENDINGS = ("'s", "s", "es", "ed", "d", "ing", "ly", "er", "est", "y", "n't")


def _cmudict() -> Path:
    """The pronouncing dictionary PocketSphinx ships (CMUdict), which every word it hears is in."""
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"


@lru_cache(maxsize=1)
def known_words() -> FrozenSet[str]:
    """Every word the dictionary and the companion's own text hold; empty when neither can be read (then no word is
    taken for a made-up one)."""
    words: Set[str] = set()
    try:
        with _cmudict().open(encoding="utf-8", errors="replace") as handle:
            words.update(line.split(" ", 1)[0].split("(", 1)[0] for line in handle if line.strip())
    except (ImportError, OSError):
        return frozenset()
    for folder in (paths.NLU_DIR, paths.DIALOGUES_DIR):
        for path in sorted(folder.glob("*.yml")):
            try:
                words.update(_WORD.findall(path.read_text(encoding="utf-8").lower()))
            except OSError:
                continue
    return frozenset(words)


def _known(word: str, known: FrozenSet[str]) -> bool:
    """Whether `word`, or it without a usual ending, is a known word."""
    if word in known or word.isdigit():
        return True
    return any(word.endswith(end) and len(word) > len(end) + 2 and word[: -len(end)] in known for end in _ENDINGS)


def made_up_words(text: str) -> List[str]:
    """The words of a reading that are in no dictionary ("hernt"): what the recogniser guessed at."""
    known = known_words()
    if not known:
        return []
    return [word for word in _WORD.findall(text.lower()) if not _known(word, known)]
