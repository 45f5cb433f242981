"""PocketSphinx with the bundled en-us model: a domain LM for commands, the generic LM for open answers."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional

from assistant.errors import RecognizerError
from assistant.messages import Expectation, ListenMode, Transcript
from assistant.recognizers import clean_text
from assistant.recognizers.language_model import (DomainModel, build_domain_model, default_sources, domain_sentences,
                                                  read_dictionary)

# Starting cepstral mean: the average PocketSphinx adapts to on real human recordings at a normal level
# (Debian's pocketsphinx-testdata); the model's own default assumes much quieter input. From there the mean
# adapts live and carries over between utterances: resetting it per utterance cost 8-11 points of intent
# accuracy in bench/spoken_accuracy.py.
# With the generic LM ("open" answers) fwdflat, a second search run when the utterance ends, is off: it made
# finish() take 110-190 ms of the reply's latency for the same word error rate (piper 0.291 either way, espeak
# 0.585 vs 0.593 over 100 held-out clips each). With the small domain LM it costs 45-70 ms and is kept: without
# it espeak intent accuracy fell 1.5 points (612 clips), piper's rose 0.3.
HUMAN_CMN_INIT = "53,3,-2,14,-13,5,-7,-4.7,0,-2.4,2.3,-1.9,0.5"
# Gaussians scored per codebook of the bundled (phonetically tied) model when decoding against a word network:
# PocketSphinx scores the best 4. 16 holds up better in noise: on the speech-to-intent benchmark's real voices
# in kitchen noise, all 310 clips, 9 dB 213 -> 233 and 6 dB 176 -> 193 (docs/benchmarks.md). The n-gram modes
# keep 4: there 16 also helped robotic voices (espeak-ng command intent 0.755 -> 0.853) but doubled the final
# recognition time (p50 77 -> 134 ms) and took the reply latency p50 over 400 ms on this machine.
GRAMMAR_GAUSSIANS = 16
# Language weight for decoding against a word network (PocketSphinx's default, 6.5, is set for n-gram LMs):
# a network's only "language" is the even split at each choice, and at 6.5 a slot with many values costs so
# much that in noise the decoder prefers a short, wrong path. 3.0 on the speech-to-intent benchmark, all 310
# clips: 9 dB 233 -> 236-240, 6 dB 193 -> 201 of 310, for about twice the search CPU (still ~0.1 x real time).
GRAMMAR_LANGUAGE_WEIGHT = 3.0


def _import_pocketsphinx() -> Any:
    """The pocketsphinx module, or a one-line install hint."""
    try:
        import pocketsphinx
    except ImportError as err:
        raise RecognizerError("PocketSphinx is not installed (pip install pocketsphinx)") from err
    return pocketsphinx


class PocketSphinxStream:
    """One utterance on a PocketSphinx decoder; audio is searched as it arrives, so finish() is quick.

    An open answer may also be heard by a second decoder with the domain LM (`stop_decoder`): the generic LM
    hears "stop" as "staff" or "that's down", the domain LM knows the stop phrasings. When the second decoder
    heard a plain stop ("okay stop", "never mind") and the first did not, the stop is the transcript; so is a stop
    misheard with a word or two of noise ("stop that you do", commands.heard_stop) by either decoder, and any command
    said instead of an answer (meta_command.answer_control: "pass for me", "sorry, pardon?").
    """

    def __init__(self, owner: "PocketSphinxRecognizer", decoder: Any, stop_decoder: Any = None) -> None:
        self._owner = owner
        self._decoders = [decoder] + ([stop_decoder] if stop_decoder is not None else [])
        self._open = True
        owner._begin(self)
        for each in self._decoders:
            each.start_utt()

    def accept(self, audio: bytes) -> None:
        """Decode more audio."""
        if self._open and audio:
            for each in self._decoders:
                each.process_raw(audio, False, False)

    def partial(self) -> str:
        """The best hypothesis so far, without ending the utterance (cheap: no final search)."""
        if not self._open:
            return ""
        hyp = self._decoders[0].hyp()
        return clean_text(hyp.hypstr) if hyp is not None else ""

    def abort(self) -> None:
        """End the utterance without a result (another stream took the decoder)."""
        if self._open:
            self._open = False
            for each in self._decoders:
                each.end_utt()

    def finish(self) -> Transcript:
        """End the utterance and return the best hypothesis (a stop either decoder heard, even misheard, wins)."""
        from assistant.dialogue.commands import heard_stop, is_stop_command
        from assistant.meta_command import answer_control

        if not self._open:
            return Transcript("", "pocketsphinx", None)
        self._open = False
        texts = []
        for each in self._decoders:
            each.end_utt()
            hyp = each.hyp()
            texts.append(clean_text(hyp.hypstr) if hyp is not None else "")
        text = texts[0]
        if not is_stop_command(text):
            text = next((stop for stop in map(heard_stop, texts[::-1]) if stop), text)
        if len(texts) > 1 and answer_control(text) is None and answer_control(texts[1]) is not None:
            text = texts[1]  # a pass, help or repeat the domain LM heard ("pass for me" the generic LM heard "as for me")
        return Transcript(text, "pocketsphinx", None)


class PocketSphinxRecognizer:
    """The zero-download recogniser; decoders are created on first use of each mode."""

    name = "pocketsphinx"

    def __init__(self, wake_phrase: str = "hey companion", phrases: Optional[List[str]] = None,
                 generic_top: int = 3000, domain_weight: float = 0.9, cache_dir: Optional[Path] = None,
                 decoder_options: Optional[Dict[str, Any]] = None, grammar: Optional[str] = None,
                 stop_check: bool = True) -> None:
        ps = _import_pocketsphinx()
        self.model_dir = Path(ps.get_model_path()) / "en-us"
        self.wake_phrase = wake_phrase
        self.phrases = phrases
        self.generic_top = generic_top
        self.domain_weight = domain_weight
        self.cache_dir = cache_dir
        self.decoder_options = dict(decoder_options or {})
        self.grammar = grammar  # JSGF or FSG text: command mode decodes against it instead of the domain LM
        self.stop_check = stop_check  # open answers are also heard with the domain LM, for a stop
        self.domain_model: Optional[DomainModel] = None
        self._decoders: Dict[str, Any] = {}
        self._active: Optional[PocketSphinxStream] = None

    def _build_domain(self) -> DomainModel:
        """Build (or load from cache) the domain LM."""
        if self.phrases is not None:
            sentences = [s for s in self.phrases if s.strip()]
        else:
            sentences = domain_sentences(self.wake_phrase, *default_sources())
        try:
            return build_domain_model(sentences, self.model_dir, self.generic_top, self.domain_weight, self.cache_dir)
        except OSError as err:
            raise RecognizerError(f"cannot build the PocketSphinx domain language model: {err}") from err

    def decoder(self, mode: ListenMode) -> Any:
        """The decoder for a mode, created on first use."""
        if mode not in ("command", "open"):
            raise RecognizerError(f"unknown listening mode '{mode}'")
        if mode not in self._decoders:
            ps = _import_pocketsphinx()
            options: Dict[str, Any] = {"loglevel": "FATAL", "cmninit": HUMAN_CMN_INIT}
            if mode == "open":
                options["fwdflat"] = False
            options.update(self.decoder_options)
            if mode == "command":
                self.domain_model = self._build_domain()
                options.update(dict=str(self.domain_model.dict_path))
                if self.grammar:
                    key = "fsg" if self.grammar.startswith("FSG_BEGIN") else "jsgf"
                    options.update({key: str(self._write_grammar()), "lm": None})
                    if key == "fsg":  # our word networks place their own silence (grammar.SILENCE_WORD)
                        options.setdefault("fsgusefiller", False)
                        options.setdefault("lw", GRAMMAR_LANGUAGE_WEIGHT)
                        options.setdefault("topn", GRAMMAR_GAUSSIANS)
                else:
                    options.update(lm=str(self.domain_model.lm_path))
            try:
                self._decoders[mode] = ps.Decoder(**options)
            except (RuntimeError, ValueError) as err:
                raise RecognizerError(f"PocketSphinx could not load its {mode} model: {err}") from err
        return self._decoders[mode]

    def _write_grammar(self) -> Path:
        """The grammar beside the domain dictionary (its words must all be in it)."""
        assert self.domain_model is not None and self.grammar
        from assistant.recognizers.grammar import grammar_words

        known = set(read_dictionary(self.domain_model.dict_path))
        missing = [w for w in grammar_words(self.grammar) if w not in known]
        if missing:
            raise RecognizerError(f"the command grammar has words without a pronunciation: {', '.join(missing[:5])}")
        path = self.domain_model.dict_path.with_name(f"grammar-{hashlib.sha256(self.grammar.encode()).hexdigest()[:12]}.txt")
        path.write_text(self.grammar, encoding="utf-8")
        return path

    def _begin(self, stream: PocketSphinxStream) -> None:
        """Abort any unfinished stream: one utterance at a time."""
        if self._active is not None and self._active is not stream:
            self._active.abort()
        self._active = stream

    def stream(self, mode: ListenMode = "command", expects: Expectation = None) -> PocketSphinxStream:
        """Start decoding one utterance (an open one also by the command decoder, listening for a stop)."""
        stop_decoder = self.decoder("command") if mode == "open" and self.stop_check else None
        return PocketSphinxStream(self, self.decoder(mode), stop_decoder)
