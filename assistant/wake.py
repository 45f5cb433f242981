"""Wake phrase by keyword spotting: a permissive PocketSphinx keyphrase search on the live stream proposes
candidates, and a forced alignment of the phrase over each candidate's audio confirms it; no transcription."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Deque, Dict, List, Optional, Protocol

from assistant.errors import RecognizerError
from assistant.wake_verify import POST_S, PRE_S, PhraseVerifier, RivalCheck, dynamic_range_db, phrase_heard

SAMPLE_RATE = 16000
SAMPLE_BYTES = 2
FRAMES_PER_S = 100  # PocketSphinx features: one frame per 10 ms
STEP_BYTES = 3200  # 100 ms: how much audio is searched before looking for a hit
# Measured with bench/wake.py (false accepts per hour of talk vs. false rejects over varied voices + noise): the
# first stage is permissive (it proposes about one candidate a minute in talk), the alignment check rejects those.
DEFAULT_THRESHOLD = 1e-40
DEFAULT_PHONE_LOOP = 1e-8  # kws_plp: the garbage phone loop's probability; lower hears the phrase more readily
RESTART_S = 30.0  # the search restarts this often, so memory and per-frame cost stay flat for hours
OVERLAP_S = 3.0  # ... re-searching this much recent audio, so a phrase that straddles a restart is kept
MAX_VARIANTS = 6  # pronunciations of the whole phrase searched at once
SAME_HIT_S = 0.3
# The search's cepstral mean follows speech only. Left to adapt over everything it hears, it drifts to the room's
# noise floor within 20-30 s of quiet, and then misses the phrase said after it: espeak-ng en-us+f3 and en-gb+m3
# were spotted after 10 s of faint room noise but not after 25, 45 or 70 s. So after each 100 ms step with
# (almost) no voiced 10 ms frame (webrtcvad), the mean goes back to what it was at the last speech.
VAD_AGGRESSIVENESS = 2
VOICED_FRAMES = 3  # of the ten 10 ms frames in a step: fewer is not speech
# A first detection often ends early ("hey compan-"): searching this much more audio lets the full alignment in.
SETTLE_S = 0.3  # a hit ending within this of the last one is the same utterance of the phrase


class WakeError(RecognizerError):
    """The wake spotter cannot be built (unknown words, missing engine)."""


@dataclass(frozen=True)
class WakeHit:
    """One utterance of the wake phrase, in stream time (seconds of audio fed since creation/reset)."""

    phrase: str
    start_s: float
    end_s: float
    score: Optional[float] = None  # the alignment's score per frame (the keyphrase search's when unchecked)


class WakeSpotter(Protocol):
    """Listens for one phrase on a 16 kHz mono int16 stream."""

    phrase: str

    def feed(self, audio: bytes) -> Optional[WakeHit]:
        """Search more audio (any length); a hit at most once per utterance of the phrase."""
        ...

    def reset(self) -> None:
        """Forget everything; stream time restarts at 0."""
        ...


def normalize_phrase(phrase: str) -> str:
    """Lower-case words of a phrase, without punctuation."""
    words = re.findall(r"[a-z']+", phrase.lower())
    if not words:
        raise WakeError(f"wake phrase '{phrase}' has no words")
    return " ".join(words)


# espeak-ng's phoneme names (`espeak-ng -x`, en-us) -> the en-us model's CMU phones, for words not in the dictionary.
_ESPEAK_TO_CMU = {
    "a": "AE", "aa": "AA", "A:": "AA", "A@": "AA R", "aI": "AY", "aI@": "AY ER", "aU": "AW", "@": "AH", "@L": "AH L",
    "3": "ER", "3:": "ER", "@r": "ER", "b": "B", "d": "D", "dZ": "JH", "D": "DH", "e": "EH", "E": "EH",
    "e@": "EH R", "eI": "EY", "f": "F", "g": "G", "h": "HH", "i": "IY", "i:": "IY", "i@": "IY AH", "I@": "IH AH",
    "I": "IH", "I2": "IH", "I#": "IH", "i@3": "IH R", "j": "Y", "k": "K", "l": "L", "m": "M", "n": "N", "N": "NG",
    "0": "AA", "O": "AO", "O:": "AO", "O@": "AO R", "oU": "OW", "OI": "OY", "o@": "AO R", "p": "P", "r": "R",
    "s": "S", "S": "SH", "t": "T", "tS": "CH", "T": "TH", "u": "UW", "u:": "UW", "U": "UH", "U@": "UH R",
    "V": "AH", "v": "V", "w": "W", "z": "Z", "Z": "ZH", "x": "K", "a#": "AH", "@2": "AH", "@5": "AH",
    "t#": "T", "d#": "D", "n-": "N", "l-": "L", "m-": "M", "r-": "R", "aa@": "AA R", "ju:": "Y UW",
}

_ESPEAK_MARKS = str.maketrans("", "", "',_%=;")  # stress, pause and syllable marks


def espeak_pronunciation(word: str) -> Optional[str]:
    """CMU phones for a word from espeak-ng's letter-to-sound rules, or None if espeak-ng is missing or unsure."""
    if shutil.which("espeak-ng") is None:
        return None
    done = subprocess.run(["espeak-ng", "-q", "-x", "-v", "en-us", word], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    code = done.stdout.strip().translate(_ESPEAK_MARKS)
    symbols = sorted(_ESPEAK_TO_CMU, key=len, reverse=True)
    phones: List[str] = []
    i = 0
    while i < len(code):
        if code[i].isspace():
            i += 1
            continue
        for sym in symbols:
            if code.startswith(sym, i):
                phones.append(_ESPEAK_TO_CMU[sym])
                i += len(sym)
                break
        else:
            return None
    return " ".join(phones) if phones else None


def pronunciations(words: List[str], dict_path: Path) -> Dict[str, List[str]]:
    """Ways to say each word: the model's dictionary (all variants), else a respelling or compound; plus
    espeak-ng's reading and, for a word starting with /h/, the dropped-h form (both common in quick speech)."""
    from assistant.recognizers.language_model import guess_pronunciations, read_dictionary

    known = {w: list(p) for w, p in read_dictionary(dict_path, words).items() if p}
    missing = [w for w in words if w not in known]
    known.update({w: list(p) for w, p in guess_pronunciations(missing, dict_path).items() if p})
    for word in dict.fromkeys(words):
        variants = known.setdefault(word, [])
        guess = espeak_pronunciation(word)
        if guess is not None and guess not in variants:
            variants.append(guess)
        if not variants:
            raise WakeError(f"no pronunciation for '{word}' in the wake phrase; choose dictionary words")
        dropped_h = [v[3:] for v in variants if v.startswith("HH ") and len(v.split()) > 1]
        variants += [v for v in dropped_h if v not in variants]
    return known


def phrase_variants(words: List[str], prons: Dict[str, List[str]], limit: int = MAX_VARIANTS) -> List[List[str]]:
    """Up to `limit` pronunciations of the whole phrase (one phone string per word), the dictionary's first."""
    variants: List[List[str]] = [[]]
    for word in words:
        variants = [v + [p] for v in variants for p in prons[word]]
    return variants[:limit]


def add_keyphrases(decoder: Any, words: List[str], variants: List[List[str]], tag: str = "") -> Dict[str, int]:
    """Add every variant (words renamed per variant) to the dictionary; the kws lines and variant numbers."""
    lines: Dict[str, int] = {}
    for n, phones in enumerate(variants):
        names = []
        for word, pron in zip(words, phones):
            name = f"{word}{tag}_{n}"
            decoder.add_word(name, pron, False)
            names.append(name)
        lines[" ".join(names)] = n
    decoder.add_word(f"{words[0]}{tag}_end", variants[0][0], True)  # one dictionary update for all
    return lines


def activate_kws(decoder: Any, thresholds: Dict[str, float], name: str = "wake") -> None:
    """Search for each keyphrase (its words already in the dictionary) with its own threshold."""
    with tempfile.NamedTemporaryFile("w", suffix=".kws", delete=False, encoding="utf-8") as handle:
        handle.write("".join(f"{line} /{threshold:g}/\n" for line, threshold in thresholds.items()))
    try:
        decoder.add_kws(name, handle.name)
        decoder.activate_search(name)
    finally:
        os.unlink(handle.name)


class PocketSphinxWakeSpotter:
    """PocketSphinx keyphrase search over an endless stream, restarted every `restart_s` with overlap; each
    detection is confirmed by aligning the phrase over its audio (`verify=False`: the search alone decides)."""

    def __init__(self, phrase: str = "hey companion", threshold: Optional[float] = None,
                 phone_loop: Optional[float] = None, restart_s: float = RESTART_S, overlap_s: float = OVERLAP_S,
                 settle_s: float = SETTLE_S, decoder_options: Optional[Dict[str, Any]] = None,
                 verify: bool = True, confirm: Optional[Callable[[bytes], bool]] = None) -> None:
        try:
            import pocketsphinx as ps
        except ImportError as err:
            raise WakeError("PocketSphinx is not installed (pip install pocketsphinx)") from err
        from assistant.recognizers.pocketsphinx import HUMAN_CMN_INIT

        self.phrase = normalize_phrase(phrase)
        self.threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        self.phone_loop = DEFAULT_PHONE_LOOP if phone_loop is None else float(phone_loop)
        for name, value in (("threshold", self.threshold), ("phone loop probability", self.phone_loop)):
            if not 0.0 < value <= 1.0:
                raise WakeError(f"wake {name} must be above 0 and at most 1 (e.g. 1e-20), got {value:g}")
        self.restart_bytes = int(restart_s * SAMPLE_RATE) * SAMPLE_BYTES
        self.overlap_bytes = int(overlap_s * SAMPLE_RATE) * SAMPLE_BYTES
        self.settle_bytes = int(settle_s * SAMPLE_RATE) * SAMPLE_BYTES
        model_dir = Path(ps.get_model_path()) / "en-us"
        words = self.phrase.split()
        prons = pronunciations(words, model_dir / "cmudict-en-us.dict")
        options: Dict[str, Any] = {"loglevel": "FATAL", "cmninit": HUMAN_CMN_INIT, "lm": None,
                                   "dict": None, "keyphrase": None,
                                   "kws_plp": self.phone_loop}
        options.update(decoder_options or {})
        try:
            self._decoder = ps.Decoder(**options)
            variants = phrase_variants(words, prons)
            lines = add_keyphrases(self._decoder, words, variants)
            activate_kws(self._decoder, {line: self.threshold for line in lines})
            self.verifier = PhraseVerifier(words, variants, options) if verify else None
            self.rivals = RivalCheck(words, variants, options, model_dir) if verify and confirm is None else None
            self.confirm = confirm if verify else None  # the third stage: Whisper hears the phrase (yes or no)
        except (RuntimeError, ValueError, KeyError, OSError) as err:
            raise WakeError(f"PocketSphinx could not build the wake spotter for '{self.phrase}': {err}") from err
        import webrtcvad

        self._vad = webrtcvad.Vad(VAD_AGGRESSIVENESS)
        self._cmn_init = str(options["cmninit"])
        self._speech_cmn = self._cmn_init  # the cepstral mean at the last speech heard
        self._recent = bytearray()  # the last overlap_s of audio fed (bounded)
        self._pending: Deque[WakeHit] = deque()
        self._fed = 0  # bytes fed since creation/reset: the stream clock
        self._utt_start = 0  # stream byte where the running search began
        self._last_end = -1.0
        self._first_seen: Optional[int] = None  # stream byte where the running search first reported a hit
        self._candidate: Optional[WakeHit] = None  # a detection waiting for POST_S more audio to be checked
        self.candidates = 0  # detections the search proposed (accepted or not), for measuring
        self._open = False
        self.reset()

    def reset(self) -> None:
        """Forget everything; stream time restarts at 0."""
        if self._open:
            self._decoder.end_utt()
        self._recent.clear()
        self._pending.clear()
        self._fed = self._utt_start = 0
        self._last_end = -1.0
        self._first_seen = None
        self._candidate = None
        self._speech_cmn = self._cmn_init
        self._decoder.start_utt()
        self._decoder.set_cmn(self._speech_cmn)
        self._open = True

    def feed(self, audio: bytes) -> Optional[WakeHit]:
        """Search more audio; the first new hit (later ones in the same chunk come on the next calls)."""
        for offset in range(0, len(audio) - len(audio) % SAMPLE_BYTES, STEP_BYTES):
            piece = audio[offset:offset + STEP_BYTES]
            self._search(piece)
            self._remember(piece)
            self._fed += len(piece)
            hit = self._hit()
            if hit is not None:
                self._candidate = hit
                self._restart(self._byte_at(hit.end_s))
            if self._candidate is not None and self._fed >= self._byte_at(self._candidate.end_s + POST_S):
                confirmed = self._confirmed(self._candidate)
                if confirmed is not None:
                    self._pending.append(confirmed)
                self._candidate = None
            elif self._first_seen is None and self._fed - self._utt_start >= self.restart_bytes:
                self._restart(self._fed - self.overlap_bytes)
        return self._pending.popleft() if self._pending else None

    def _search(self, audio: bytes) -> None:
        """Run the keyphrase search step by step; after a step without speech the cepstral mean is put back."""
        for offset in range(0, len(audio), STEP_BYTES):
            piece = audio[offset:offset + STEP_BYTES]
            self._decoder.process_raw(piece, False, False)
            if self._voiced_frames(piece) >= VOICED_FRAMES:
                self._speech_cmn = self._decoder.get_cmn(False)
            else:
                self._decoder.set_cmn(self._speech_cmn)

    def _voiced_frames(self, piece: bytes) -> int:
        """How many whole 10 ms frames of the piece webrtcvad takes for speech."""
        frame = SAMPLE_RATE // 100 * SAMPLE_BYTES
        return sum(self._vad.is_speech(piece[i:i + frame], SAMPLE_RATE)
                   for i in range(0, len(piece) - frame + 1, frame))

    def _confirmed(self, hit: WakeHit) -> Optional[WakeHit]:
        """The hit (scored by its alignment) if the phrase, aligned over its audio plus a margin, fits well enough
        and no other words fit the audio better."""
        self.candidates += 1
        if self.verifier is None:
            return hit
        base = self._fed - len(self._recent)  # stream byte where the kept audio begins
        first = max(self._byte_at(hit.start_s - PRE_S), base)
        last = self._byte_at(hit.end_s + POST_S)
        window = bytes(self._recent[first - base:last - base])
        cmn = self._decoder.get_cmn(False)
        fit = self.verifier.fit(window, cmn)
        rivals, confirm = self.rivals, self.confirm
        wins: Optional[Callable[[], bool]] = None
        if confirm is not None:
            wins = functools.partial(confirm, window)
        elif rivals is not None:
            wins = functools.partial(rivals.phrase_wins, window, cmn)
        if fit is None or not phrase_heard(fit, dynamic_range_db(window), wins):
            return None
        return WakeHit(hit.phrase, hit.start_s, hit.end_s, round(fit.frame_score, 2))

    def _remember(self, piece: bytes) -> None:
        """Keep only the last overlap_s of audio."""
        self._recent += piece
        excess = len(self._recent) - self.overlap_bytes
        if excess > 0:
            del self._recent[:excess]

    def _seconds(self, utt_frame: int) -> float:
        """Stream time of a frame of the running search."""
        return self._utt_start / (SAMPLE_RATE * SAMPLE_BYTES) + utt_frame / FRAMES_PER_S

    def _byte_at(self, seconds: float) -> int:
        """Stream byte offset of a time."""
        return int(round(seconds * SAMPLE_RATE)) * SAMPLE_BYTES

    def _hit(self) -> Optional[WakeHit]:
        """A new detection, once it has matured for settle_s (its best-scoring alignment), else None."""
        if self._first_seen is None:
            if self._decoder.hyp() is None:
                return None
            self._first_seen = self._fed
        if self._fed - self._first_seen < self.settle_bytes:
            return None
        self._first_seen = None
        segments = [s for s in self._decoder.seg() or [] if s.word]
        if not segments:
            return None
        seg = max(segments, key=lambda s: (s.prob, s.end_frame))
        start, end = self._seconds(seg.start_frame), self._seconds(seg.end_frame + 1)
        if end <= self._last_end + SAME_HIT_S or start < self._last_end:
            self._restart(self._fed)
            return None
        self._last_end = end
        return WakeHit(self.phrase, round(start, 3), round(end, 3), float(seg.prob))

    def _restart(self, from_byte: int) -> None:
        """End the running search and start a new one over the remembered audio from `from_byte` on."""
        keep_from = max(from_byte, self._fed - len(self._recent), self._byte_at(self._last_end))
        keep_from -= keep_from % SAMPLE_BYTES
        self._decoder.end_utt()
        self._decoder.start_utt()
        self._decoder.set_cmn(self._speech_cmn)  # not the mean of the whole search just ended, noise and all
        self._first_seen = None
        self._utt_start = keep_from
        tail = bytes(self._recent[len(self._recent) - (self._fed - keep_from):]) if self._fed > keep_from else b""
        if tail:
            self._search(tail)


def load_spotter(phrase: str, threshold: Optional[float] = None, phone_loop: Optional[float] = None,
                 verify: bool = True, confirm: Optional[Callable[[bytes], bool]] = None) -> WakeSpotter:
    """The wake spotter for a phrase (PocketSphinx keyphrase search with the bundled en-us model, then the
    alignment check unless `verify` is off, then `confirm` on the candidate's audio, or the rival decoding)."""
    return PocketSphinxWakeSpotter(phrase, threshold, phone_loop, verify=verify, confirm=confirm)
