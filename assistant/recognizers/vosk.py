"""Vosk (Kaldi) streaming recogniser: a runtime phrase grammar in command mode, free decoding in open mode."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

from assistant.errors import RecognizerError
from assistant.messages import Expectation, ListenMode, Transcript
from assistant.recognizers import clean_text

UNK = "[unk]"
_MODELS: Dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def _import_vosk() -> Any:
    """The vosk module with Kaldi logging silenced, or a one-line install hint."""
    try:
        import vosk
    except (ImportError, OSError) as err:
        raise RecognizerError("Vosk is not installed (pip install vosk)") from err
    vosk.SetLogLevel(-3)  # -1 still prints Kaldi warnings and errors; -3 silences them (exceptions still raise)
    return vosk


def check_model_dir(path: Path) -> None:
    """A one-line RecognizerError unless `path` looks like a Vosk model directory."""
    if not path.is_dir():
        raise RecognizerError(f"Vosk model {path} does not exist")
    has_am = (path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()
    has_graph = any((path / sub / name).is_file() for sub in ("graph", ".") for name in ("HCLG.fst", "HCLr.fst"))
    if not (has_am and has_graph):
        raise RecognizerError(f"Vosk model {path} is incomplete (no acoustic model or decoding graph)")


def has_dynamic_graph(path: Path) -> bool:
    """True for small models (HCLr.fst + Gr.fst) that accept runtime grammars."""
    return any((path / sub / "HCLr.fst").is_file() and (path / sub / "Gr.fst").is_file() for sub in ("graph", "."))


def load_model(path: Path) -> Any:
    """A loaded vosk.Model, shared per directory (loading takes seconds)."""
    path = Path(path).expanduser().resolve()
    check_model_dir(path)
    vosk = _import_vosk()
    with _MODELS_LOCK:
        if str(path) not in _MODELS:
            try:
                _MODELS[str(path)] = vosk.Model(str(path))
            except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
                raise RecognizerError(f"Vosk model {path} is corrupt or unreadable") from err
        return _MODELS[str(path)]


def read_words_file(path: Path) -> Optional[Set[str]]:
    """The model's vocabulary from words.txt / graph/words.txt, if the model ships one."""
    for candidate in (path / "graph" / "words.txt", path / "words.txt"):
        if candidate.is_file():
            with open(candidate, encoding="utf-8", errors="replace") as handle:
                return {line.split()[0] for line in handle if line.strip()}
    return None


class VoskStream:
    """One utterance on a (reused) KaldiRecognizer; audio is decoded as it arrives."""

    def __init__(self, recognizer: Any) -> None:
        self._rec = recognizer
        self._finals: List[Dict[str, Any]] = []
        self._open = True

    def accept(self, audio: bytes) -> None:
        """Decode more audio; Vosk's own endpoint results are kept and joined at the end."""
        if self._open and audio and self._rec.AcceptWaveform(audio):
            self._finals.append(json.loads(self._rec.Result()))

    def partial(self) -> str:
        """What has been heard so far, without ending the utterance."""
        if not self._open:
            return ""
        pieces = [result.get("text", "") for result in self._finals]
        pieces.append(json.loads(self._rec.PartialResult()).get("partial", ""))
        return clean_text(" ".join(pieces))

    def abort(self) -> None:
        """Drop the utterance (another stream took the recogniser)."""
        if self._open:
            self._open = False
            self._rec.Reset()

    def finish(self) -> Transcript:
        """Flush the decoder and return every segment heard, joined."""
        if not self._open:
            return Transcript("", "vosk", None)
        self._open = False
        self._finals.append(json.loads(self._rec.FinalResult()))
        words: List[str] = []
        confs: List[float] = []
        for result in self._finals:
            words.append(result.get("text", ""))
            confs.extend(w.get("conf", 1.0) for w in result.get("result", []) if w.get("word") != UNK)
        text = clean_text(" ".join(words))
        confidence = round(sum(confs) / len(confs), 4) if confs and text else None
        return Transcript(text, "vosk", confidence)


class VoskRecognizer:
    """Vosk on a model directory; command mode uses a grammar of in-vocabulary domain phrases when possible."""

    name = "vosk"

    def __init__(self, model_dir: Path, phrases: Optional[List[str]] = None, wake_phrase: str = "hey companion") -> None:
        self.model_dir = Path(model_dir).expanduser()
        self.model = load_model(self.model_dir)
        self._vosk = _import_vosk()
        self.dynamic = has_dynamic_graph(self.model_dir)
        self._vocab = read_words_file(self.model_dir)
        if phrases is None:  # what people say: NLU examples and the wake phrase (not the prompts the companion says)
            from assistant.recognizers.language_model import default_sources, domain_sentences

            phrases = domain_sentences(wake_phrase, default_sources()[0], [])
        self.grammar = self.build_grammar(phrases) if self.dynamic else None
        self._recognizers: Dict[str, Any] = {}
        self._active: Optional[VoskStream] = None

    def in_vocabulary(self, word: str) -> bool:
        """True if the model can output `word`."""
        if self._vocab is not None:
            return word in self._vocab
        return bool(self.model.vosk_model_find_word(word) >= 0)

    def build_grammar(self, phrases: List[str]) -> Optional[List[str]]:
        """Unique phrases whose every word is in the vocabulary, plus [unk] if the model has it; None if empty."""
        seen: Dict[str, None] = {}
        for phrase in phrases:
            words = phrase.split()
            if words and all(self.in_vocabulary(w) for w in words):
                seen.setdefault(" ".join(words), None)
        if not seen:
            return None
        grammar = list(seen)
        if self.in_vocabulary(UNK):
            grammar.append(UNK)
        return grammar

    def _recognizer(self, mode: ListenMode) -> Any:
        """The KaldiRecognizer for a mode, created once (compiling a grammar is not free) and reused."""
        if mode not in ("command", "open"):
            raise RecognizerError(f"unknown listening mode '{mode}'")
        if mode not in self._recognizers:
            try:
                if mode == "command" and self.grammar:
                    grammar = json.dumps(self.grammar, ensure_ascii=False)  # Vosk does not decode \u escapes
                    rec = self._vosk.KaldiRecognizer(self.model, 16000.0, grammar)
                else:
                    rec = self._vosk.KaldiRecognizer(self.model, 16000.0)
            except Exception as err:  # noqa: BLE001  (vosk raises bare Exceptions)
                raise RecognizerError(f"Vosk could not start decoding: {err}") from err
            rec.SetWords(True)
            self._recognizers[mode] = rec
        return self._recognizers[mode]

    def stream(self, mode: ListenMode = "command", expects: Expectation = None) -> VoskStream:
        """Start decoding one utterance (an unfinished earlier stream is dropped)."""
        rec = self._recognizer(mode)
        if self._active is not None:
            self._active.abort()
        self._active = VoskStream(rec)
        return self._active
