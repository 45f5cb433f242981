"""The wake spotter's second stage: force-align the phrase over a candidate's audio and score how well it fits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

# Measured with bench/wake.py on its tuning half (see docs/benchmarks.md). Scores are PocketSphinx's alignment
# scores per 10 ms frame, relative to the best-scoring senone of each frame (0 would be a perfect fit).
MIN_FRAME_SCORE = -25.5  # the whole phrase, per frame
MIN_TRIMMED_SCORE = -21.0  # the mean per-frame score of its phones, leaving out the two that fit worst
# Each word, per frame. -32 was the loosest floor that kept every phrase of the tuning half. Once the search's
# cepstral mean followed speech only, three real coffee orders of the tuning talk fitted (word -31.6 and -31.9,
# and one at -22.5 that no floor removes), while the weakest tuning phrase kept scores -29.9: -31 between them.
MIN_WORD_SCORE = -31.0
PRE_S = 0.25  # audio kept before the candidate's start ...
POST_S = 0.15  # ... and after its end, for the alignment
_REDUCED_ENDINGS = ("AH N", "AH L", "AH M")  # an unstressed last syllable, often said as /ɪn/ or a syllabic /n/


@dataclass(frozen=True)
class Fit:
    """How well the phrase's best pronunciation fits a stretch of audio."""

    frame_score: float
    trimmed_score: float
    word_score: float = 0.0  # the per-frame score of the word that fits worst

    def accepted(self, min_frame: float = MIN_FRAME_SCORE, min_trimmed: float = MIN_TRIMMED_SCORE,
                 min_word: float = MIN_WORD_SCORE) -> bool:
        """Whether the fit is good enough to be the phrase."""
        return self.frame_score >= min_frame and self.trimmed_score >= min_trimmed and self.word_score >= min_word


def reduced_forms(pron: str) -> List[str]:
    """Quick-speech forms of a pronunciation ending in a reduced syllable (schwa as /ɪ/, or dropped)."""
    for ending in _REDUCED_ENDINGS:
        if pron.endswith(" " + ending):
            stem, final = pron[: -len(ending)].rstrip(), ending.split()[1]
            return [f"{stem} IH {final}", f"{stem} {final}"]
    return []


def fit_of(phones: Sequence[Sequence[int]]) -> Optional[Fit]:
    """The fit from aligned phones as (frames, score) pairs; None when the alignment is degenerate."""
    if len(phones) < 3:
        return None
    frames = sum(p[0] for p in phones)
    per_phone = sorted(p[1] / p[0] for p in phones if p[0] > 0)
    if not frames or len(per_phone) < 3:
        return None
    kept = per_phone[2:]
    return Fit(sum(p[1] for p in phones) / frames, sum(kept) / len(kept))


class PhraseVerifier:
    """Forced alignment of every pronunciation of the phrase over a short window; the best fit decides."""

    def __init__(self, words: List[str], variants: List[List[str]], decoder_options: Dict[str, Any]) -> None:
        import pocketsphinx as ps

        self.words = words
        options = dict(decoder_options)
        options.update({"lm": None, "kws": None, "keyphrase": None})
        options.pop("kws_plp", None)
        self._decoder = ps.Decoder(**options)
        self._texts: List[str] = []
        extended = [list(v) for v in variants]
        for v in variants:
            extended += [v[:-1] + [r] for r in reduced_forms(v[-1]) if v[:-1] + [r] not in extended]
        for n, phones in enumerate(extended):
            names = []
            for word, pron in zip(words, phones):
                name = f"{word}_a{n}"
                self._decoder.add_word(name, pron, n == len(extended) - 1)
                names.append(name)
            self._texts.append(" ".join(names))

    def fit(self, audio: bytes, cmn: Optional[str] = None) -> Optional[Fit]:
        """The best fit of the phrase over 16 kHz int16 audio (None: no pronunciation aligns)."""
        best: Optional[Fit] = None
        for text in self._texts:
            found = self._align(text, audio, cmn)
            if found is not None and (best is None or found.frame_score > best.frame_score):
                best = found
        return best

    def _align(self, text: str, audio: bytes, cmn: Optional[str]) -> Optional[Fit]:
        """One pronunciation's forced alignment: word pass, then phone pass."""
        decoder = self._decoder
        try:
            decoder.set_align_text(text)
            self._decode(audio, cmn)
            if decoder.hyp() is None:
                return None
            decoder.set_alignment()
            self._decode(audio, cmn)
            alignment = decoder.get_alignment()
        except RuntimeError:  # the audio is too short for the phrase, or nothing aligned
            return None
        if alignment is None:
            return None
        phones: List[Tuple[int, int]] = []
        word_scores: List[float] = []
        for word in alignment:  # read each word's phones while it is current (the iterator reuses its memory)
            if "_a" in word.name and word.name.split("_a")[0] in self.words:
                word_scores.append(word.score / max(1, word.duration))
                phones += [(p.duration, p.score) for p in word]
        if len(word_scores) != len(self.words):
            return None  # part of the phrase did not fit at all
        fit = fit_of(phones)
        return None if fit is None else Fit(fit.frame_score, fit.trimmed_score, min(word_scores))

    def _decode(self, audio: bytes, cmn: Optional[str]) -> None:
        if cmn:
            self._decoder.set_cmn(cmn)
        self._decoder.start_utt()
        self._decoder.process_raw(audio, False, True)
        self._decoder.end_utt()
