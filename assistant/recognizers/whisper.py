"""Whisper on CTranslate2: the utterance's own features (no 30 s padding), a domain prompt, guarded output."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from assistant.errors import RecognizerError
from assistant.messages import Expectation, ListenMode, Transcript
from assistant.recognizers.mel import SAMPLE_RATE, Samples, log_mel, pcm16_to_float
from assistant.recognizers.phrasings import Background
from assistant.recognizers.whisper_text import (collapse_repeats, looped_variants, near_word, normalise,
                                                number_readings, rating_readings, scale_readings,
                                                phrase_stop_readings, stop_readings, takes, cut_short)

# Noise is not words: Whisper's words on white, pink, brown and real kitchen noise (two levels, both prompts) scored
# -2.6 to -4.3 on (mean token log-probability - 2 x no-speech probability); speech in Piper and four espeak-ng
# voices, commands and answers, -0.2 to -1.5. Below this the words are dropped.
NOISE_SCORE = -2.0
# What Whisper writes on silence, noise or breath when its evidence is thin (its training subtitles' credits).
HALLUCINATIONS = frozenset({"you", "thank you", "thanks", "thank you very much", "thanks for watching", "bye",
                            "thank you for watching", "so", "uh", "um", "hmm", "oh", "okay", "i", "the"})
HALLUCINATION_NO_SPEECH = 0.2  # ... kept only when Whisper itself is fairly sure it heard speech
# Silence after the words (as a microphone gives before an endpoint): without it a short clip's decode tends to
# loop ("five five") and robotic "three" turns "free".
TRAILING_PAD_S = 1.0
# A light penalty on tokens already said: the same words heard (88 of 130 short clips exactly, Piper and four
# espeak-ng voices, two lead-ins) in 20 % less time, as loops end sooner; 1.2 lost 3, no_repeat_ngram lost 10-16.
REPETITION_PENALTY = 1.1
PHRASE_WITHIN_WORDS = 4  # the wake check looks for the phrase's key word among the first words of its window
TOKENS_PER_SECOND = 6.0  # a generous speaking rate in Whisper tokens: the output budget grows with the audio
MIN_TOKENS = 12
QUIET_RMS = 0.006  # samples below this RMS (about -44 dBFS) are silence whatever Whisper would write
# Unvoiced time after which the utterance so far is decoded in the background (in a command turn, read quickly
# first). 90 ms for the quick reading cost espeak-ng voices 2 of 95 dev commands against 150 (a last word's unvoiced
# end cut off): bench/spoken_accuracy.py --early on ../blind18/spoken_commands.yml, 0.863 against 0.884.
SPECULATE_AFTER_MS = 150
VAD_FRAME_MS = 30
VAD_FRAME_BYTES = SAMPLE_RATE * VAD_FRAME_MS // 1000 * 2
VAD_AGGRESSIVENESS = 2  # as the endpointer's default (listen.vad_aggressiveness)


# What the last question asked for, said the way an answer to it sounds: numbers are written as words, "three"
# is not heard as "free"; a rating with its scale ("one out of five", which robotic voices gave as "well how did
# five") and one said after a few words. On the dev set's rated answers in espeak-ng voices 74 -> 77 of 80, no more
# false ratings on answers with none (1 of 20).
EXPECTATION_HINTS: Dict[Expectation, str] = {
    "rating": "How close did you feel today, from one to five? I'd say a three, maybe a four. Call it a two. "
              "One out of five. Two. Five. One.",
    "yes_no": "Would you both like that? Yes. No, thanks. Yes please.",
}


# The few answers a yes-or-no question mostly gets: after Whisper's own transcript, each is scored against the
# audio (one encoder pass, one forced decode each) and the best replaces the transcript when it fits better
# ("low thanks" in a robotic voice is "no thanks").
CLOSED_ANSWERS: Dict[Expectation, Tuple[str, ...]] = {
    "yes_no": ("yes", "yes please", "yeah", "sure", "okay", "no", "no thanks", "no thank you", "not tonight",
               "maybe later"),
}
# A usual answer wins when it fits within this much per token of Whisper's own words: en-gb "no thanks" after the
# bedtime offer was heard "low thanks" (-0.588), "no thanks" fitting -0.611; the other usual answers fit 3.4-7 below.
CLOSED_MARGIN = 0.1

# An answer to a rating question nearly always holds one, so when none is heard a number reading is taken if the
# audio fits it at least e^-2 (0.14) as well as Whisper's own words, summed over tokens. Tuned on a dev set of
# rated answers (Piper 0.927 -> 0.945, espeak-ng 0.845 -> 0.891) against answers with no number that are full of
# "fine", "for" and "to" (false ratings 2 -> 3 of 80); a looser 3 took 5 of 80.
RATING_PRIOR = 2.0


# A rating Whisper wrote as another word ("Pre-ish, we ...", "Or I think ...", "I'd go to lots of ..."): while it
# decodes an answer to a rating question, Whisper's own next-word odds are kept, and a word where a number was nearly
# as likely (within e^-5, at most three such words) is read as that number, as written and with the comma people pause
# with after a rating where Whisper wrote none, and an "I" or "the" before it as "a". Such readings are scored on Whisper's written
# words, punctuation and all: a comma tips "two, lots of" over "to lots of" in Whisper's own language model. On the
# dev sets' rated answers the number Whisper missed was 0.6 to 4.6 below its own word; elsewhere in the same answers,
# and in answers with no number, 6 or more.
NUMBER_GAP = 5.0
NUMBER_SPOTS = 3
RATING_WORDS = ("one", "two", "three", "four", "five")
SPOT_PRIOR = 4.0
# When even those readings hold no rating, a beam's readings are searched for one ("it's one or two for me today" for
# "it was a 2 for me today", "i'd say fine" under "i'm safe"): one within this of the best beam reading's
# length-normalised log-probability is taken. espeak-ng voices, dev sets' rated answers: blind12 66 -> 71 of 80,
# blind9 87 -> 88 of 90, answers with no number read as none 58 -> 58 of 60 (0.05 to 1.0 all gain; 0.3 and up most).
# After a rating question Whisper hears a number in noise (47 of 71 clips of white, pink, brown and kitchen noise,
# no-speech odds 0.07-0.70), and the noise guard drops it; but it also dropped robotic answers whose number alone
# was heard ("five out of five, no question" as "Five." at -2.3, "three-ish, an okay day" cut at the endpoint as
# "Three" at -1.7, no-speech 0.24). A rating is kept when its loudest stretch stands SPEECH_OVER_FLOOR_DB above the
# clip's floor (those noise clips 0.9-18.0 dB, the dev set's spoken answers 35.5 dB and up) and Whisper leans to
# speech.
RATED_NO_SPEECH = 0.3
# An "out of five" half heard ("well how then fine" for "1 out of 5") is read as one, with each rating before it
# (whisper_text.scale_readings), at the odds of a spot reading: on the dev set's espeak-ng answers the number said fit
# 2.7 and 10.5 below Whisper's own words and 6 to 22 above the other numbers.
SCALE_PRIOR = SPOT_PRIOR
RATED_BEAM = 5
RATED_BEAM_GAP = 0.3


# A short utterance (at most this long) may be a stop Whisper half heard (whisper_text.stop_readings). A stop reading
# is taken when the audio fits it at least e^-3 as well as Whisper's own words (summed token
# log-probabilities): stops Whisper half heard in kitchen noise (Piper) fit at -0.4 to -2.4, short commands and
# answers that are no stop ("start", "okay sure", "not tonight", "yes please") at -6.5 or less.
# bench/stop_recall.py, kitchen noise at 12 dB, five voices: recall 0.934 -> 0.947, false stops 0/120 -> 0/120, with
# every word tried; since then only words spelled like a stop word are ("in half" for "enough" is no longer read).
STOP_MAX_SECONDS = 2.5
STOP_PRIOR = 3.0
# A stop phrase read over a stretch of words (whisper_text.phrase_stop_readings: "don't ever mind" for "oh never mind",
# "have to sit up" for "that's enough") fits e^-3.5 to e^-5.9 below Whisper's own words in espeak-ng en-gb and
# en-us+m3; short lines that are no stop, their readings e^-6.4 ("that's it off" said) to e^-22 below.
PHRASE_STOP_PRIOR = 5.5


# The command vocabulary a robotic voice loses most ("favourite" as "family", "mutuality" as "neutrality"), in the
# prompt after the commands above: with a beam of five and the phrasings' rescoring, espeak-ng intent on the dev sets'
# commands (measured in bench/spoken_accuracy.py, below). A word primed alone pulls its near-rhymes to it: "Keep this
# one" turned robotic "skip" into "keep" (a skip taken as a save), so "save" and "skip" are both said; on
# ../blind21/spoken_commands.yml espeak-ng intent 0.846 -> 0.875, WER 0.160 -> 0.158, Piper 0.923 as before.
COMMAND_WORDS = ("Save this one to our favourites. Skip this one. Read out a starter we saved earlier. Retire it for good. "
                 "Softer and gentler, please. Each of us takes a turn. Our mutuality talk together. Sleep well, good "
                 "night.")
# Command turns are decoded with a beam, and of its readings the one that sounds most like the companion's own
# phrasings wins: Whisper's length-normalised log-probability plus this weight times the reading's mean word-pair
# log-probability under the phrasings (assistant/recognizers/phrasings.py). Tuned on the dev sets' commands in
# espeak-ng voices: 0.1 to 0.7 all gain, 0.4 most.
COMMAND_BEAM = 5
PHRASING_WEIGHT = 0.4
# A beam whose best reading Whisper scores above this (length-normalised log-probability) was heard clearly: the
# phrasings may still choose among its readings of as many words as the best ("head us" -> "hit us"), not merge or
# split words to make a commoner command ("give us a naughty one" read as "another one", a skip). Replayed on the
# logged beams of ../blind21/spoken_commands.yml: Piper intent 0.933 at no threshold, 0.942 at -0.35 and -0.4, 0.952
# at -0.45 and -0.5; espeak-ng 0.875 throughout, 0.856 at -0.6. Keeping the readings of as many words (rather than
# only the best) on clear beams: espeak-ng WER 0.176 -> 0.163 in the replay, intent the same.
SURE_READING = -0.45


def domain_prompt(wake_phrase: str, names: Sequence[str]) -> Tuple[str, str]:
    """The previous text that primes (command, open) turns: the wake phrase, both names, the commands."""
    wake = wake_phrase.strip().capitalize() or "Hey companion"
    couple = f" {names[0]} and {names[1]}." if len(names) == 2 else ""
    command = (f"{wake}, let's do our bedtime check-in.{couple} {wake}, give us a conversation starter about desire. "
               "Next one. Something bolder. Pause. Go on. Stop. Pass. Say that again. " + COMMAND_WORDS)
    return command, f"{couple.strip()} Stop.".strip()


# The noise guard empties words Whisper is unsure of, and in kitchen noise that was a real short stop ("be quiet",
# "forget it", no-speech odds 0.2-0.5). Such a clip keeps a stop when its loudest 30 ms frame stands this far above
# its quietest tenth: kitchen noise alone (1,600 windows of 1-2.5 s from ../shared/speech-to-intent/noise) reached
# 19.4 dB at most (99th percentile 17-18), stop clips in that noise at 12 dB SNR 16-30 dB.
SPEECH_OVER_FLOOR_DB = 20.0
DIGITAL_SILENCE_DB = -80.0


def above_floor_db(samples: Samples) -> float:
    """How far (dB) the loudest 30 ms frame rises above the quietest tenth of the frames that hold any sound
    (padding of digital silence, which no microphone gives, is no floor)."""
    frames = samples[: samples.size - samples.size % 480].reshape(-1, 480).astype(np.float64)
    power = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
    power = power[power > DIGITAL_SILENCE_DB]
    return float(power.max() - np.percentile(power, 10)) if power.size >= 2 else 0.0


def is_quiet(samples: Samples) -> bool:
    """True when no 30 ms frame rises above the silence level."""
    frames = samples[: samples.size - samples.size % 480].reshape(-1, 480) if samples.size >= 480 else samples[None]
    return float(np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)).max(initial=0.0)) < QUIET_RMS


@dataclass(frozen=True)
class Decoded:
    """One decode of a stretch of audio: its text and how sure Whisper was."""

    text: str
    no_speech: float
    logprob: float
    samples: int


@dataclass(frozen=True)
class Encoded:
    """Whisper's encoder output for one stretch of audio, with its feature frames and sample count."""

    output: Any
    frames: int
    samples: int


@dataclass(frozen=True)
class Candidate:
    """A reading to score against the audio, tokenised. Without a prior it must fit better than Whisper's own
    words token for token (mean log-probability); with one (log odds that the turn holds it), the summed
    log-probability plus the prior must beat Whisper's own."""

    text: str
    tokens: Tuple[int, ...]
    prior: Optional[float] = None
    written: bool = False  # tokenised as Whisper wrote it (punctuation kept): compared with Whisper's written words
    margin: float = 0.0  # without a prior: how much worse per token it may fit and still win (a usual answer)

    def gain(self, fit: float, own_fit: float, own_tokens: int) -> float:
        """How much better than Whisper's own words this reading fits, given both mean log-probabilities."""
        if self.prior is None:
            return fit - own_fit + self.margin
        return fit * len(self.tokens) - own_fit * own_tokens + self.prior


@dataclass(frozen=True)
class Context:
    """What one kind of turn decodes with: the prompt, what the last question expects, its likely answers."""

    prompt: List[int]
    expects: Expectation = None
    closed: Tuple[Candidate, ...] = ()
    nbest: bool = False  # a command turn: Whisper's beam readings are rescored by the phrasings


class WhisperStream:
    """One utterance: audio is kept as it arrives; a pause starts a background decode that finish() can reuse.

    A command turn's pause is read twice when the early endpoint asks: first a quick greedy reading the early check
    judges (about 70 ms against the beam's 130-175 on two cores), and only when that is not a whole command does
    the beam and rescoring follow; a whole command is acted on as the quick reading heard it."""

    def __init__(self, owner: "WhisperRecognizer", context: Context, stop_stream: Any = None) -> None:
        self._owner = owner
        self._context = context
        self._stop_stream = stop_stream  # PocketSphinx's command decoder on the same audio, listening for a stop
        self._quick_first = context.nbest and owner.quick_first
        self.judge: Optional[Callable[[str], bool]] = None  # whether a quick reading makes a whole turn (the pipeline's)
        self._audio = bytearray()
        self._pending = b""  # the start of a 30 ms frame not yet judged voiced or not
        self._unvoiced_ms = 0
        self._voiced_since_decode = False
        self._latest: Optional[Decoded] = None  # the last reading made, quick or full
        self._latest_quick = False
        self._settled = False  # the early check took the quick reading as a whole turn
        self._encoded: Optional[Encoded] = None  # the quick reading's encoder output, for the full one
        self._worker: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._open = True

    def accept(self, audio: bytes) -> None:
        """Keep more audio; after a short unvoiced stretch, decode what was said so far in the background.

        Voiced is webrtcvad's verdict, as the endpointer's: the utterance only ends after a longer unvoiced
        stretch, so a decode started here already holds every voiced frame unless more follow (then finish()
        decodes again)."""
        if not self._open or not audio:
            return
        self._audio.extend(audio)
        if self._stop_stream is not None:
            self._stop_stream.accept(audio)
        frames = self._pending + audio
        usable = len(frames) - len(frames) % VAD_FRAME_BYTES
        self._pending = frames[usable:]
        for offset in range(0, usable, VAD_FRAME_BYTES):
            if self._owner.vad.is_speech(frames[offset:offset + VAD_FRAME_BYTES], SAMPLE_RATE):
                self._unvoiced_ms = 0
                self._voiced_since_decode = True
                self._settled = False
            else:
                self._unvoiced_ms += VAD_FRAME_MS
        if self._voiced_since_decode and self._unvoiced_ms >= SPECULATE_AFTER_MS:
            self._start_decode(full=not self._quick_first)

    def _idle(self) -> bool:
        return self._worker is None or not self._worker.is_alive()

    def _decode_now(self, full: bool = True, samples: Optional[int] = None) -> Decoded:
        """Read the audio so far (or its first `samples`), quick or with the beam and rescoring, and remember it; a
        quick reading of no words goes on to the full one, whose noise guard looks closer."""
        with self._lock:
            audio = bytes(self._audio if samples is None else self._audio[:samples * 2])
            samples = len(audio) // 2
            latest = self._latest
            if latest is not None and latest.samples == samples and not (full and self._latest_quick):
                return latest  # this audio was read already (a quick reading serves where one was asked for)
            encoded = self._encoded if self._encoded is not None and self._encoded.samples == samples else None
            if not full:
                encoded = encoded or self._owner.encode(audio)
                self._encoded = encoded
                quick = self._owner.quick_decode(audio, self._context, encoded)
                if quick.text:
                    self._latest, self._latest_quick = quick, True
                    return quick
            self._latest = self._owner.decode(audio, self._context, encoded=encoded)
            self._latest_quick = False
            return self._latest

    def _result(self) -> Decoded:
        """The full reading of the audio up to the last pause when only quiet came after it, else of all of it."""
        if self._worker is not None:
            self._worker.join()
        latest = self._latest
        if latest is not None and not self._voiced_since_decode:
            return latest if not self._latest_quick else self._decode_now(samples=latest.samples)
        return self._decode_now()

    def partial(self) -> str:
        """What the last finished decode heard, when nothing voiced came after it; else "" while the audio so far
        is decoded in the background. Never waits: the audio loop asks this, and a blocked loop ends turns late
        (a decode on the loop's thread took the reply latency p50 to 2.9 s on a loaded machine)."""
        if not self._open:
            return ""
        if self._idle() and self._latest is not None and not self._voiced_since_decode:
            return self._latest.text
        self._start_decode(full=not self._quick_first)
        return ""

    def judged(self, complete: bool) -> None:
        """What the early check made of partial(): a whole turn is finished as heard; anything else gets the full
        reading in the background while the trailing silence runs."""
        if complete:
            self._settled = True
        elif self._latest_quick and not self._voiced_since_decode:
            self._start_decode(full=True)

    def _settled_reading(self) -> Optional[Decoded]:
        """The quick reading of all that was said, when it makes a whole turn: judged so by the early check, or now
        (it came too late for the early endpoint); None when the full reading is needed."""
        if self._quick_first and self._worker is not None and not self._settled and self.judge is not None:
            self._worker.join()  # a quick reading under way is needed either way
        latest = self._latest
        if latest is None or not self._latest_quick or self._voiced_since_decode or not self._idle():
            return None
        if not self._settled and not (self.judge is not None and self.judge(latest.text)):
            return None
        return latest

    def _start_decode(self, full: bool = True) -> None:
        """Decode the audio so far in the background, unless a decode is running."""
        if self._idle():
            self._voiced_since_decode = False
            self._worker = threading.Thread(target=self._decode_now, args=(full,), name="whisper-speculative",
                                            daemon=True)
            self._worker.start()

    def abort(self) -> None:
        """End the utterance without a result."""
        self._open = False
        if self._stop_stream is not None:
            self._stop_stream.abort()

    def finish(self) -> Transcript:
        """End the utterance and return what was heard (a stop PocketSphinx heard wins over Whisper's words, unless
        they ask not to stop: its command decoder heard robotic "don't stop" as "stop")."""
        from assistant.dialogue.commands import heard_stop, is_stop_command, refuses_stop

        if not self._open:
            return Transcript("", "whisper", None)
        decoded = self._settled_reading() or self._result()
        self._open = False
        text = decoded.text
        if self._stop_stream is not None:
            stop = heard_stop(self._stop_stream.finish().text)
            if stop and not is_stop_command(text) and not refuses_stop(text):
                return Transcript(stop, "whisper+pocketsphinx", None)
        return Transcript(text, "whisper", round(float(np.exp(decoded.logprob)), 4) if text else None)


# CTranslate2's OpenMP threads wait for work by spinning (GNU libgomp's default). Beside the audio loop, PocketSphinx
# and Piper in the same process, and anything else the machine runs, spinning threads starve the ones with work: on
# the 2-core machine with other jobs running, a command's decode took 1.8-3.3 s spinning against 0.15-0.24 s waiting
# passively (/tmp probe, alternating runs, 2026-12-07). Read by libgomp when ctranslate2 loads; an explicit setting
# in the environment wins.
OMP_WAIT_POLICY = "PASSIVE"


def _import_ctranslate2() -> Any:
    """The ctranslate2 module, or a one-line install hint."""
    os.environ.setdefault("OMP_WAIT_POLICY", OMP_WAIT_POLICY)
    try:
        import ctranslate2
    except ImportError as err:
        raise RecognizerError("CTranslate2 is not installed (pip install ctranslate2)") from err
    return ctranslate2


class WhisperRecognizer:
    """A CTranslate2 Whisper model (int8 on the CPU) with the companion's vocabulary as its prompt."""

    name = "whisper"

    def __init__(self, model_dir: Path, prompt: str = "", threads: int = 2, beam_size: int = 1,
                 open_prompt: str = "", pad_s: float = TRAILING_PAD_S, stop_check: Any = None,
                 context: bool = True, phrasings: Optional[Callable[[], Sequence[str]]] = None,
                 quick_first: bool = True) -> None:
        """`prompt`, `open_prompt`: the previous text for command and open turns; `context` False: no hint of
        what the last question expects and no likely answers scored (the measurement without context);
        `phrasings`: the domain sentences, read in the background, whose word pairs choose among a command turn's
        beam readings; `quick_first`: a command turn's pause is first read greedily for the early endpoint (only
        worth it when the endpoint asks: listen.early_endpoint_ms > 0)."""
        ct2 = _import_ctranslate2()
        try:
            from tokenizers import Tokenizer
        except ImportError as err:
            raise RecognizerError("the tokenizers package is not installed (pip install tokenizers)") from err
        try:
            self.model = ct2.models.Whisper(str(model_dir), device="cpu", compute_type="int8",
                                            intra_threads=threads, inter_threads=1)
            self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except (RuntimeError, ValueError, OSError) as err:
            raise RecognizerError(f"Whisper could not load its model from {model_dir}: {err}") from err
        self.model_dir = model_dir
        import webrtcvad

        self.vad = webrtcvad.Vad(VAD_AGGRESSIVENESS)
        self.beam_size = beam_size
        self.pad_s = pad_s
        # Whisper alone hears a pitched-up "stop" as "star" or "start" (spoken stop recall 0.63, bench/stop_recall.py);
        # PocketSphinx's command decoder, which knows the stop phrasings, listens to the same audio for one. Still
        # needed beside the stop readings: without it, kitchen noise at 12 dB, recall 0.947 falls to 0.591.
        self.stop_check = stop_check
        special = self._special
        self._eot = special("<|endoftext|>")
        start = [special("<|startoftranscript|>")]
        if self.model.is_multilingual:  # the model's own vocabulary says so (51865 tokens; English-only 51864)
            start += [special("<|en|>"), special("<|transcribe|>")]
        self._start = start + [special("<|notimestamps|>")]
        self._contexts: Dict[Tuple[ListenMode, Expectation], Context] = {}
        self.prompt_text = {"command": prompt, "open": open_prompt}
        self.hints: Dict[Expectation, str] = dict(EXPECTATION_HINTS) if context else {}
        self.closed: Dict[Expectation, Tuple[str, ...]] = dict(CLOSED_ANSWERS) if context else {}
        self.rescoring = context
        self.phrasings = Background(phrasings) if phrasings is not None and context else None
        self.command_beam = COMMAND_BEAM
        self.quick_first = quick_first
        # The single tokens Whisper writes a rating number with at a word's start (" four", " Four", " 4").
        self._number_ids: Dict[int, str] = {
            ident: word for i, word in enumerate(RATING_WORDS) for form in (word, word.capitalize(), str(i + 1))
            if (ident := self.tokenizer.token_to_id("\u0120" + form)) is not None}

    def _special(self, token: str) -> int:
        ident = self.tokenizer.token_to_id(token)
        if ident is None:
            raise RecognizerError(f"the Whisper tokenizer in {self.model_dir} lacks {token}")
        return int(ident)

    def context(self, mode: ListenMode, expects: Expectation = None) -> Context:
        """A kind of turn's decoding context, built once: the decoder's prefix (the domain vocabulary and what the
        last question expects as previous text) and the likely answers, tokenised."""
        key = (mode, expects)
        if key not in self._contexts:
            # an answer to a question (a rating, a yes or no) is primed by the names and the question's hint, not by
            # the command vocabulary robotic voices lose: with it, a bedtime "no thanks" came out "low thanks"
            primer = self.prompt_text[mode].replace(COMMAND_WORDS, "").strip() if expects else self.prompt_text[mode]
            text = " ".join(part for part in (primer, self.hints.get(expects, "")) if part)
            previous = self.tokenizer.encode(" " + text, add_special_tokens=False).ids[-128:] if text else []
            prefix = [self._special("<|startofprev|>")] + previous if previous else []
            closed = tuple(replace(self.candidate(answer), margin=CLOSED_MARGIN) for answer in self.closed.get(expects, ()))
            # a command turn's readings lean towards the companion's phrasings; an answer to a yes-or-no question
            # has its own likely answers (`closed`) and may be anything else ("maybe after a cuddle")
            nbest = mode == "command" and expects is None and self.phrasings is not None
            self._contexts[key] = Context(prefix + self._start, expects, closed, nbest)
        return self._contexts[key]

    def prompt_tokens(self, mode: ListenMode, expects: Expectation = None) -> List[int]:
        """The decoder's prefix for a kind of turn."""
        return self.context(mode, expects).prompt

    def candidate(self, text: str, prior: Optional[float] = None) -> Candidate:
        """A reading tokenised as Whisper writes a sentence (capitalised, full stop)."""
        ids = self.tokenizer.encode(" " + text.capitalize() + ".", add_special_tokens=False).ids
        return Candidate(text, tuple(ids), prior)

    def stream(self, mode: ListenMode = "command", expects: Expectation = None) -> WhisperStream:
        """Start one utterance."""
        if mode not in ("command", "open"):
            raise RecognizerError(f"unknown listening mode '{mode}'")
        stop_stream = self.stop_check.stream("command") if self.stop_check is not None else None
        return WhisperStream(self, self.context(mode, expects), stop_stream)

    def hears_phrase(self, phrase: str, audio: bytes) -> bool:
        """Whether the wake phrase is in `audio` (a candidate's window): its longest word, or one a letter from
        it, is among the first words Whisper hears there. A yes or no, kept in memory only."""
        key = max(phrase.lower().split(), key=len, default="")
        lead_in = b"\0\0" * (SAMPLE_RATE // 4)  # the window starts at the phrase: Whisper wants a breath before it
        # No prompt (it would lean towards the phrase) and no noise guard: only the key word counts, and a window
        # cut at the phrase's edges looks to Whisper like thin speech.
        words = self.decode(lead_in + audio, Context(self._start), guard=False).text.split()[:PHRASE_WITHIN_WORDS]
        return bool(key) and any(near_word(word, key) for word in words)

    def encode(self, audio: bytes) -> Optional[Encoded]:
        """The encoder's output for 16 kHz mono int16 audio (with the trailing pad), or None for too short or quiet."""
        samples = pcm16_to_float(audio[: len(audio) - len(audio) % 2])
        if samples.size < SAMPLE_RATE // 10 or is_quiet(samples):
            return None
        ct2 = _import_ctranslate2()
        padded = np.concatenate([samples, np.zeros(int(self.pad_s * SAMPLE_RATE), dtype=np.float32)])
        features = log_mel(padded)
        try:
            output = self.model.encode(ct2.StorageView.from_array(features[None]))
        except (RuntimeError, ValueError) as err:
            raise RecognizerError(f"Whisper could not encode: {err}") from err
        return Encoded(output, features.shape[1], samples.size)

    def decode(self, audio: bytes, context: Context, guard: bool = True, encoded: Optional[Encoded] = None) -> Decoded:
        """Decode a whole buffer of 16 kHz mono int16 audio in a turn's context (`guard`: drop what looks like
        words on noise; `encoded`: that audio's encoder output, when already computed)."""
        encoded = encoded if encoded is not None and encoded.samples * 2 == len(audio) else self.encode(audio)
        if encoded is None:
            return Decoded("", 1.0, 0.0, len(audio) // 2)
        budget = MIN_TOKENS + int(TOKENS_PER_SECOND * encoded.samples / SAMPLE_RATE)
        odds = context.expects == "rating" and self.rescoring  # next-word odds, for numbers nearly written
        beam = self.command_beam if context.nbest else self.beam_size
        try:
            result = self.model.generate(encoded.output, [context.prompt], beam_size=beam,
                                         num_hypotheses=beam if context.nbest else 1,
                                         max_length=len(context.prompt) + budget, return_scores=True,
                                         return_no_speech_prob=True, suppress_blank=True,
                                         repetition_penalty=REPETITION_PENALTY, return_logits_vocab=odds)[0]
        except (RuntimeError, ValueError) as err:
            raise RecognizerError(f"Whisper could not decode: {err}") from err
        readings = [[i for i in ids if i < self._eot] for ids in result.sequences_ids]
        scores = [float(score) for score in result.scores] or [0.0] * len(readings)
        chosen = self.likeliest_command(readings, scores) if context.nbest else 0
        ids = readings[chosen]
        written = self.tokenizer.decode(ids).strip()
        text = collapse_repeats(normalise(written))
        text = self.one_take(text) if context.nbest else text
        logprob = scores[0]
        no_speech = float(result.no_speech_prob)
        if guard and (logprob - 2 * no_speech < NOISE_SCORE or
                      (text in HALLUCINATIONS and no_speech > HALLUCINATION_NO_SPEECH)):
            if not self.rating_in_speech(context, text, no_speech, audio):
                text = self.stop_in_noise(encoded, context, text, audio)
        elif text:
            takes = looped_variants(text) if self.rescoring else []
            text = self.best_fit(encoded, context.prompt, takes) if len(takes) > 1 else text
            numbers = self.number_spots(ids, result.logits[0]) if odds else []
            text = self.rescore(encoded, context, text, written, numbers)
            if odds and not self._rated(context, text):
                text = self.rated_reading(encoded, context, budget) or text
        return Decoded(text, no_speech, logprob, encoded.samples)

    def quick_decode(self, audio: bytes, context: Context, encoded: Optional[Encoded] = None) -> Decoded:
        """A command turn's quick first reading, for the early endpoint: greedy, no rescoring; no words where the
        noise guard would look closer (the full decode does)."""
        encoded = encoded if encoded is not None and encoded.samples * 2 == len(audio) else self.encode(audio)
        if encoded is None:
            return Decoded("", 1.0, 0.0, len(audio) // 2)
        budget = MIN_TOKENS + int(TOKENS_PER_SECOND * encoded.samples / SAMPLE_RATE)
        try:
            result = self.model.generate(encoded.output, [context.prompt], beam_size=1,
                                         max_length=len(context.prompt) + budget, return_scores=True,
                                         return_no_speech_prob=True, suppress_blank=True,
                                         repetition_penalty=REPETITION_PENALTY)[0]
        except (RuntimeError, ValueError) as err:
            raise RecognizerError(f"Whisper could not decode: {err}") from err
        ids = [i for i in result.sequences_ids[0] if i < self._eot]
        text = self.one_take(collapse_repeats(normalise(self.tokenizer.decode(ids).strip())))
        logprob = float(result.scores[0]) if result.scores else 0.0
        no_speech = float(result.no_speech_prob)
        if logprob - 2 * no_speech < NOISE_SCORE or text in HALLUCINATIONS or len(looped_variants(text)) > 1:
            text = ""
        return Decoded(text, no_speech, logprob, encoded.samples)

    def rated_reading(self, encoded: Encoded, context: Context, budget: int) -> str:
        """An answer to a rating question where none was heard: the likeliest of Whisper's beam readings that holds
        a rating and scores within RATED_BEAM_GAP of its best, or "" when none does."""
        try:
            result = self.model.generate(encoded.output, [context.prompt], beam_size=RATED_BEAM,
                                         num_hypotheses=RATED_BEAM, max_length=len(context.prompt) + budget,
                                         return_scores=True, repetition_penalty=REPETITION_PENALTY)[0]
        except (RuntimeError, ValueError):
            return ""
        top = float(result.scores[0]) if result.scores else 0.0
        for ids, score in zip(result.sequences_ids, result.scores):
            text = collapse_repeats(normalise(self.tokenizer.decode([i for i in ids if i < self._eot])))
            if float(score) >= top - RATED_BEAM_GAP and self._rated(context, text):
                return text
        return ""

    def rating_in_speech(self, context: Context, text: str, no_speech: float, audio: bytes) -> bool:
        """Whether words the noise guard would drop are a rating to keep: an answer to a rating question that holds
        one, which Whisper leans to hear as speech (RATED_NO_SPEECH) and whose loudest stretch stands clearly above
        the clip's own floor, as stop_in_noise asks of a stop."""
        if not (self.rescoring and no_speech <= RATED_NO_SPEECH and self._rated(context, text)):
            return False
        return above_floor_db(pcm16_to_float(audio[: len(audio) - len(audio) % 2])) >= SPEECH_OVER_FLOOR_DB

    def likeliest_command(self, readings: Sequence[Sequence[int]], scores: Sequence[float]) -> int:
        """Which of a command turn's beam readings (token ids, with Whisper's scores) to take: Whisper's score plus
        PHRASING_WEIGHT times how much it sounds like the companion's phrasings, of those not cut short; when
        Whisper was sure of its best (SURE_READING), of those with as many words as that."""
        model = self.phrasings.model() if self.phrasings is not None else None
        if model is None or len(readings) < 2:
            return 0
        texts = [self.one_take(collapse_repeats(normalise(self.tokenizer.decode(list(ids))))) for ids in readings]
        short = cut_short(texts, scores)
        sure = scores[0] > SURE_READING
        return max((i for i in range(len(texts))
                    if not short[i] and not (sure and len(texts[i].split()) != len(texts[0].split()))),
                   key=lambda i: scores[i] + PHRASING_WEIGHT * model.score(texts[i]))

    def one_take(self, text: str) -> str:
        """A command Whisper wrote twice over, a little differently each time, as the one take that sounds most like
        the companion's phrasings (the first when there are none); other text as it is."""
        options = takes(text)
        if not options or len(looped_variants(text)) > 1:  # short takes a word apart: the audio chooses (decode)
            return text
        model = self.phrasings.model() if self.phrasings is not None else None
        return max(options, key=model.score) if model is not None else options[0]

    def stop_in_noise(self, encoded: Encoded, context: Context, text: str, audio: bytes) -> str:
        """What the noise guard keeps of a short clip it would empty: a stop, when the loudest stretch stands
        clearly above the clip's own noise floor (speech, not clatter) and Whisper's words are one or a stop
        reading of them fits the audio (rescore); else nothing."""
        from assistant.dialogue.commands import is_stop_command

        if not text or encoded.samples > STOP_MAX_SECONDS * SAMPLE_RATE or not self.rescoring:
            return ""
        if above_floor_db(pcm16_to_float(audio[: len(audio) - len(audio) % 2])) < SPEECH_OVER_FLOOR_DB:
            return ""
        heard = text if is_stop_command(text) else self.rescore(encoded, context, text)
        return heard if is_stop_command(heard) else ""

    @staticmethod
    def _rated(context: Context, text: str) -> bool:
        """Whether `text` answers a rating question with a rating: then it is no half-heard stop ("two-ish")."""
        from assistant.dialogue.entity_values import rating_in_answer

        return context.expects == "rating" and rating_in_answer(text) is not None

    def number_spots(self, ids: Sequence[int], logits: Sequence[Any]) -> List[Tuple[int, str]]:
        """The words of Whisper's output (by index in its written words) where a rating number was nearly as likely
        as the word written (log-odds within NUMBER_GAP), with that number, likeliest first, at most NUMBER_SPOTS."""
        spots, word = [], -1
        for token, step in zip(ids, logits):
            piece = self.tokenizer.id_to_token(token) or ""
            if not piece.startswith("\u0120"):  # a word goes on ("-ish", ",")
                continue
            word += 1
            row = np.asarray(step, dtype=np.float32).ravel()
            best, value = max((float(row[i]), value) for i, value in self._number_ids.items())
            gap = float(row[token]) - best
            if gap <= NUMBER_GAP and token not in self._number_ids:
                spots.append((gap, word, value))
        return [(word, value) for _, word, value in sorted(spots)[:NUMBER_SPOTS]]

    def readings(self, context: Context, text: str, written: str = "",
                 spots: Sequence[Tuple[int, str]] = ()) -> List[Candidate]:
        """Likelier readings of Whisper's words in this turn: the usual answers to a yes-or-no question, or the
        number a rating answer with none heard may hold (at the `spots` of its `written` words, when given)."""
        if not self.rescoring:
            return []
        if context.expects == "rating":
            if self._rated(context, text):
                return []
            # a reading is only worth its prior when it gives the rating ("get one end" or "how did five" gives none)
            candidates = ([self.candidate(reading, RATING_PRIOR) for reading in rating_readings(text)] +
                          [self.candidate(reading, SCALE_PRIOR) for reading in scale_readings(text)] +
                          [self.written(reading, SPOT_PRIOR) for reading in number_readings(written, spots)])
            return [c for c in candidates if self._rated(context, c.text)]
        return [] if any(c.text == text for c in context.closed) else list(context.closed)

    def written(self, words: str, prior: Optional[float] = None) -> Candidate:
        """A reading as Whisper writes it (its own punctuation and case), compared with Whisper's written words."""
        ids = self.tokenizer.encode(" " + words, add_special_tokens=False).ids
        return Candidate(collapse_repeats(normalise(words)), tuple(ids), prior, written=True)

    def rescore(self, encoded: Encoded, context: Context, text: str, written: str = "",
                spots: Sequence[Tuple[int, str]] = ()) -> str:
        """Whisper's words, or a likely reading that fits the audio better (Candidate.gain). A stop reading of a
        short utterance comes first, then the readings this turn expects; one alignment scores them all."""
        short = encoded.samples <= STOP_MAX_SECONDS * SAMPLE_RATE and self.rescoring and not self._rated(context, text)
        stops = ([self.candidate(reading, STOP_PRIOR) for reading in stop_readings(text)] +
                 [self.candidate(reading, PHRASE_STOP_PRIOR) for reading in phrase_stop_readings(text)]) if short else []
        candidates = stops + self.readings(context, text, written, spots)
        if not candidates:
            return text
        owns = [self.candidate(text).tokens] + ([self.written(written).tokens] if any(c.written for c in candidates)
                                                 else [])
        try:
            scores = self._fit_tokens(encoded, context.prompt, [*owns, *(c.tokens for c in candidates)])
        except RecognizerError:
            return text
        gains = [c.gain(score, scores[c.written], len(owns[c.written]))
                 for score, c in zip(scores[len(owns):], candidates)]
        for group in (range(len(stops)), range(len(stops), len(candidates))):
            best = max(group, key=gains.__getitem__, default=None)
            if best is not None and gains[best] > 0:
                return candidates[best].text
        return text

    def fits(self, encoded: Encoded, prompt: List[int], texts: Sequence[str]) -> List[float]:
        """How well each of `texts` fits the audio: its mean token log-probability under Whisper (one forced
        alignment per text, on the encoder output already computed)."""
        return self._fit_tokens(encoded, prompt, [self.candidate(text).tokens for text in texts])

    def _fit_tokens(self, encoded: Encoded, prompt: List[int], tokens: Sequence[Sequence[int]]) -> List[float]:
        """Mean token log-probability of each token sequence, aligned in one batch."""
        return [float(np.mean(logprobs)) for logprobs in self.token_logprobs(encoded, prompt, tokens)]

    def token_logprobs(self, encoded: Encoded, prompt: List[int], tokens: Sequence[Sequence[int]]) -> List[Any]:
        """Each token sequence's per-token log-probabilities by forced alignment, all in one batch on the one
        encoder output."""
        ct2 = _import_ctranslate2()
        batch = ct2.StorageView.from_array(np.repeat(np.asarray(encoded.output), len(tokens), axis=0))
        try:
            aligned = self.model.align(batch, prompt, [list(t) for t in tokens], encoded.frames)
        except (RuntimeError, ValueError) as err:
            raise RecognizerError(f"Whisper could not score the candidates: {err}") from err
        return [np.log(np.maximum(fit.text_token_probs, 1e-12)) for fit in aligned]

    def best_fit(self, encoded: Encoded, prompt: List[int], texts: Sequence[str]) -> str:
        """Which of `texts` (the first is Whisper's own) the audio fits best; the first if scoring fails."""
        try:
            scores = self.fits(encoded, prompt, texts)
        except RecognizerError:
            return texts[0]
        return texts[int(np.argmax(scores))]
