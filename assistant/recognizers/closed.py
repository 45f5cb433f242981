"""Closed-set recognition: what was said, as one sentence of a phrase network (a command grammar or a list of
phrasings), chosen by Whisper's decoder.

Starting points are the network's sentences nearest (word edit distance, close spellings cheap: "rose" is near
"roast", "moga" near "mocha") to what was heard: a first pass's transcript (PocketSphinx decoding against the
same network), Whisper's own transcript, and Whisper's best transcripts in the network's words only. Each is
crossed with the choices the others make for the same slot or choice; all are scored against the audio by forced
alignment on one encoder output (end of text included), the best choices at each position are combined and
scored too, and the best-scoring sentence is the transcript.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from assistant.messages import Expectation, ListenMode, Transcript
from assistant.recognizers.grammar import (CommandGrammar, Symbol, minimal_dag, sentence_sequences,
                                           symbol_sequences)

INSERT_COST = 1.0  # a heard word the sentence does not have
DELETE_COST = 1.0  # a word of the sentence not heard
HYPOTHESES = 3  # transcripts in the network's words only (beam search) that are starting points
TRUE_CASE = {"i": "I", "i'd": "I'd", "i'm": "I'm", "i'll": "I'll"}  # how Whisper spells these mid-sentence

Step = Tuple[int, int, int]  # (state, index of the symbol among the state's arcs, index of the option)
Path = Tuple[Step, ...]


@dataclass(frozen=True)
class PhraseNetwork:
    """A minimal acyclic network of phrase choices: from each state, symbols (sets of phrases) lead on."""

    arcs: Tuple[Tuple[Tuple[Symbol, int], ...], ...]  # per state: (symbol, next state)
    final: Tuple[bool, ...]

    @staticmethod
    def from_grammar(grammar: CommandGrammar) -> "PhraseNetwork":
        """Every expression of every intent, choices and slots kept as choices."""
        return PhraseNetwork.build(symbol_sequences(grammar))

    @staticmethod
    def from_sentences(sentences: Iterable[str]) -> "PhraseNetwork":
        """Exactly these sentences (normalised), e.g. a set of command phrasings."""
        return PhraseNetwork.build(sentence_sequences(sentences))

    @staticmethod
    def build(sequences: Iterable[Tuple[Symbol, ...]]) -> "PhraseNetwork":
        """The minimal network over symbol sequences."""
        edges, finals = minimal_dag(sequences)
        return PhraseNetwork(tuple(tuple(sorted(out.items())) for out in edges), tuple(finals))

    def order(self) -> List[int]:
        """States so that every arc goes forward."""
        incoming = [0] * len(self.arcs)
        for out in self.arcs:
            for _, target in out:
                incoming[target] += 1
        ready, order = [s for s, n in enumerate(incoming) if n == 0], []
        while ready:
            state = ready.pop()
            order.append(state)
            for _, target in self.arcs[state]:
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
        return order

    def text(self, path: Sequence[Step]) -> str:
        """The sentence a path spells."""
        return " ".join(p for p in (self.arcs[s][a][0][o] for s, a, o in path) if p)

    def words(self) -> List[str]:
        """Every word the network uses."""
        return sorted({w for out in self.arcs for symbol, _ in out for phrase in symbol for w in phrase.split()})


@lru_cache(maxsize=65536)
def word_cost(said: str, heard: str) -> float:
    """Substituting `heard` for `said`: 0 when equal, small for close spellings ("rose"/"roast"), up to 1."""
    if said == heard:
        return 0.0
    return 1.0 - difflib.SequenceMatcher(None, said, heard).ratio()


def _phrase_costs(phrase: str, heard: Sequence[str], start: Any, origin: Any) -> Tuple[Any, Any]:
    """Cheapest cost of reaching each transcript position after `phrase` from costs `start` (and where it began)."""
    cost, source = start, origin
    for word in phrase.split():
        subs = np.array([word_cost(word, h) for h in heard])
        new = cost + DELETE_COST
        new_source = source.copy()
        moved = cost[:-1] + subs
        better = moved < new[1:]
        new[1:][better] = moved[better]
        new_source[1:][better] = source[:-1][better]
        cost, source = new, new_source
    return cost, source


def nearest(network: PhraseNetwork, heard: Sequence[str]) -> Tuple[Path, float]:
    """The network's path nearest to the heard words (word edit distance), and its cost."""
    n = len(heard)
    states = len(network.arcs)
    best = np.full((states, n + 1), np.inf)
    back: List[Dict[int, Tuple[int, int, int, int]]] = [{} for _ in range(states)]  # i -> (state, arc, option, j)
    best[0, 0] = 0.0
    positions = np.arange(n + 1)
    for state in network.order():
        row = best[state]
        for i in range(1, n + 1):  # words heard here that the sentence does not have
            if row[i - 1] + INSERT_COST < row[i]:
                row[i] = row[i - 1] + INSERT_COST
                back[state][i] = (state, -1, -1, i - 1)
        if not np.isfinite(row).any():
            continue
        for arc, (symbol, target) in enumerate(network.arcs[state]):
            for option, phrase in enumerate(symbol):
                cost, source = _phrase_costs(phrase, heard, row, positions)
                better = np.nonzero(cost < best[target])[0]
                for i in better:
                    best[target, i] = cost[i]
                    back[target][int(i)] = (state, arc, option, int(source[i]))
    finals = [s for s, f in enumerate(network.final) if f and np.isfinite(best[s, n])]
    if not finals:
        return (), float("inf")
    state = min(finals, key=lambda s: best[s, n])
    total, i, path = float(best[state, n]), n, []
    while (state, i) != (0, 0):
        prev, arc, option, j = back[state][i]
        if arc >= 0:
            path.append((prev, arc, option))
        state, i = prev, j
    return tuple(reversed(path)), total


@dataclass(frozen=True)
class Chosen:
    """The sentence chosen, its summed token log-probability, and how many sentences were scored."""

    text: str
    score: float
    scored: int


class ClosedChooser:
    """Scores a network's sentences against one encoder output of a Whisper recogniser (its forced alignment, as
    `fits` uses, with the end-of-text token added and the log-probabilities summed)."""

    def __init__(self, whisper: Any, network: PhraseNetwork) -> None:
        self.whisper = whisper
        self.network = network

    def scores(self, encoded: Any, prompt: List[int], texts: Sequence[str]) -> List[float]:
        """Summed token log-probability of each text, its end included (a sentence that stops before the speech
        does is unlikely to end there), by forced alignment on the one encoder output."""
        end = self.whisper.tokenizer.token_to_id("<|endoftext|>")
        tokens = [self.whisper.candidate(t).tokens + (end,) for t in texts]
        return [float(np.sum(logprobs)) for logprobs in self.whisper.token_logprobs(encoded, prompt, tokens)]

    def choose(self, encoded: Any, prompt: List[int], heard: Sequence[str]) -> Optional[Chosen]:
        """The best-fitting sentence near the `heard` transcripts (None when none maps on the network): the nearest
        sentence to each, each with the choices another has for the same slot or choice, and the best of these
        choices combined."""
        paths = list(dict.fromkeys(p for p in (nearest(self.network, h.split())[0] for h in heard) if p))
        if not paths:
            return None
        if len(paths) == 1:
            return Chosen(self.network.text(paths[0]), 0.0, 0)
        variants = {path: crossed(self.network, path, paths) for path in paths}
        candidates = list(dict.fromkeys(p for path in paths for p in [path, *(v for _, v in variants[path])]))
        scored = dict(zip(candidates, self.scores(encoded, prompt, [self.network.text(p) for p in candidates])))
        combined = [combine(path, variants[path], scored) for path in paths]
        extra = [p for p in dict.fromkeys(combined) if p not in scored]
        if extra:
            scored.update(zip(extra, self.scores(encoded, prompt, [self.network.text(p) for p in extra])))
        top = max(scored, key=scored.__getitem__)
        return Chosen(self.network.text(top), scored[top], len(scored))


def crossed(network: PhraseNetwork, path: Path, others: Sequence[Path]) -> List[Tuple[int, Path]]:
    """(position, path) for each choice another path makes for a slot or choice this path also fills."""
    out = []
    for position, (state, arc, option) in enumerate(path):
        symbol = network.arcs[state][arc][0]
        for other in others:
            for o_state, o_arc, o_option in other:
                if o_option != option and network.arcs[o_state][o_arc][0] == symbol:
                    out.append((position, path[:position] + ((state, arc, o_option),) + path[position + 1:]))
    return list(dict.fromkeys(out))


def combine(path: Path, variants: Sequence[Tuple[int, Path]], scored: Dict[Path, float]) -> Path:
    """`path` with, at each position, the choice whose variant scored best (its own when none beat it)."""
    best: Dict[int, Tuple[float, Step]] = {}
    for position, variant in variants:
        if scored[variant] > best.get(position, (scored[path], path[position]))[0]:
            best[position] = (scored[variant], variant[position])
    return tuple(best[i][1] if i in best else step for i, step in enumerate(path))


class ClosedStream:
    """One utterance: audio is kept (and heard by the first pass as it arrives); finish() chooses the sentence."""

    def __init__(self, owner: "ClosedRecognizer", first: Any = None) -> None:
        self._owner = owner
        self._first = first
        self._audio = bytearray()
        self._open = True

    def accept(self, audio: bytes) -> None:
        """Keep more audio."""
        if self._open and audio:
            self._audio.extend(audio)
            if self._first is not None:
                self._first.accept(audio)

    def partial(self) -> str:
        """What the first pass heard so far ("" without one): nothing is chosen before the endpoint."""
        return self._first.partial() if self._open and self._first is not None else ""

    def abort(self) -> None:
        """End the utterance without a result."""
        self._open = False
        if self._first is not None and hasattr(self._first, "abort"):
            self._first.abort()

    def finish(self) -> Transcript:
        """End the utterance: the network's sentence that fits the audio best, or "" for noise."""
        if not self._open:
            return Transcript("", self._owner.name, None)
        self._open = False
        first = self._first.finish().text if self._first is not None else ""
        self._owner.first_heard = first
        return self._owner.recognize(bytes(self._audio), first)


class ClosedRecognizer:
    """Whisper restricted to a phrase network in one listening mode; the other mode is Whisper's own."""

    name = "whisper+closed"

    def __init__(self, whisper: Any, network: PhraseNetwork, first_pass: Any = None,
                 mode: ListenMode = "command") -> None:
        self.whisper = whisper
        self.chooser = ClosedChooser(whisper, network)
        self.first_pass = first_pass  # a recogniser whose transcript of the same audio is one more starting point
        self.mode = mode
        self.last: Optional[Chosen] = None
        self.first_heard = ""  # the first pass's transcript of the last utterance
        self.seconds = 0.0  # how long the last choice took (after the first pass)
        self._suppress: Optional[List[int]] = None
        self._start = whisper.tokenizer.token_to_id("<|startoftranscript|>")

    def stream(self, mode: ListenMode = "command", expects: Expectation = None) -> Any:
        """Start one utterance (closed in this recogniser's mode)."""
        if mode != self.mode:
            return self.whisper.stream(mode, expects)
        first = self.first_pass.stream(mode) if self.first_pass is not None else None
        return ClosedStream(self, first)

    def _generate(self, encoded: Any, prompt: List[int], hypotheses: int = 1,
                  suppress: Optional[List[int]] = None) -> List[Tuple[str, float, float]]:
        """Whisper's transcripts of the encoded audio (the `hypotheses` best, only unsuppressed tokens), each
        with its score and the no-speech probability."""
        from assistant.recognizers import whisper as w
        from assistant.recognizers.whisper_text import collapse_repeats, normalise
        from assistant.recognizers.mel import SAMPLE_RATE

        budget = w.MIN_TOKENS + int(w.TOKENS_PER_SECOND * encoded.samples / SAMPLE_RATE)
        extra = {"suppress_tokens": suppress} if suppress is not None else {}
        result = self.whisper.model.generate(encoded.output, [prompt], beam_size=max(1, hypotheses),
                                             num_hypotheses=hypotheses, max_length=len(prompt) + budget,
                                             return_scores=True, return_no_speech_prob=True, suppress_blank=True,
                                             repetition_penalty=w.REPETITION_PENALTY, **extra)[0]
        eot = self.whisper.tokenizer.token_to_id("<|endoftext|>")
        out = []
        scores = list(result.scores) or [0.0] * len(result.sequences_ids)
        for ids, score in zip(result.sequences_ids, scores):
            text = collapse_repeats(normalise(self.whisper.tokenizer.decode([i for i in ids if i < eot])))
            out.append((text, float(score), float(result.no_speech_prob)))
        return out

    def _outside(self) -> List[int]:
        """Every token no word of the network is spelled with (suppressed in the closed-vocabulary decode)."""
        if self._suppress is None:
            tokenizer = self.whisper.tokenizer
            allowed = {tokenizer.token_to_id("<|endoftext|>")}
            for word in self.chooser.network.words():
                for form in (word, word.capitalize(), TRUE_CASE.get(word, word)):
                    for spelled in (" " + form, form):
                        allowed.update(tokenizer.encode(spelled, add_special_tokens=False).ids)
            allowed.update(tokenizer.encode(". , ?", add_special_tokens=False).ids)
            self._suppress = [i for i in range(tokenizer.get_vocab_size()) if i not in allowed]
        return self._suppress

    def hear(self, encoded: Any, prompt: List[int]) -> Tuple[List[str], bool]:
        """What Whisper heard: its own transcript, then its best ones in the network's words only; and whether
        its own looks like words on noise."""
        from assistant.recognizers import whisper as w

        (free, logprob, no_speech), = self._generate(encoded, prompt)
        noise = not free or logprob - 2 * no_speech < w.NOISE_SCORE or (
            free in w.HALLUCINATIONS and no_speech > w.HALLUCINATION_NO_SPEECH)
        closed = [text for text, _, _ in self._generate(encoded, prompt, HYPOTHESES, self._outside())]
        return [free, *closed], noise

    def recognize(self, audio: bytes, first: str = "") -> Transcript:
        """The sentence of the network said in 16 kHz mono int16 `audio` ("" for silence or noise)."""
        started = time.perf_counter()
        try:
            return self._recognize(audio, first)
        finally:
            self.seconds = time.perf_counter() - started

    def _recognize(self, audio: bytes, first: str) -> Transcript:
        """recognize() without the timing."""
        from assistant.errors import RecognizerError

        self.last = None
        encoded = self.whisper.encode(audio)
        if encoded is None:
            return Transcript("", self.name, None)
        prompt = self.whisper.prompt_tokens(self.mode)
        try:
            heard, noise = self.hear(encoded, prompt)
        except (RuntimeError, ValueError) as err:
            raise RecognizerError(f"Whisper could not decode: {err}") from err
        if noise and not first:
            return Transcript("", self.name, None)
        start = prompt[prompt.index(self._start):] if self._start in prompt else prompt
        self.last = self.chooser.choose(encoded, start, [t for t in (first, *heard) if t])
        if self.last is None:
            return Transcript("", self.name, None)
        return Transcript(self.last.text, self.name, None)
