"""Speech recognition: one streaming protocol; Whisper, Vosk (with an English model installed) or PocketSphinx."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, List, Optional, Protocol, Sequence

from assistant.errors import ConfigError, RecognizerError
from assistant.messages import Expectation, ListenMode, Transcript
from assistant.settings import CHOICES, ListenSettings

ENGINES = CHOICES["listen.recognizer"]
AUTO_FIRST = ("auto", "whisper")  # the settings that try Whisper first
FEED_BYTES = 3200  # 100 ms of 16 kHz int16: how transcribe() streams a whole buffer
EDGE_SILENCE = b"\0\0" * 4000  # 250 ms: a tightly trimmed clip gets the lead-in a microphone would give


class RecognitionStream(Protocol):
    """One utterance being decoded: accept() audio while the person speaks, finish() at the endpoint."""

    def accept(self, audio: bytes) -> None:
        """Decode more 16 kHz mono int16 audio."""
        ...

    def finish(self) -> Transcript:
        """End the utterance and return what was heard."""
        ...

    def partial(self) -> str:
        """The words heard so far, without ending the utterance (for an early endpoint)."""
        ...


class Recognizer(Protocol):
    """A loaded speech recogniser."""

    name: str

    def stream(self, mode: ListenMode, expects: Expectation = None) -> RecognitionStream:
        """Start decoding one utterance; "command" is domain-adapted, "open" is open vocabulary.

        `expects` says what the last question asked for (a rating, a yes or no), for engines that can use it.
        """
        ...


def print_to_stderr(message: str) -> None:
    """Default notifier: one line on stderr."""
    print(f"companion: {message}", file=sys.stderr)


def clean_text(text: str) -> str:
    """Lower case, no punctuation, no filler or unknown-word markers."""
    words = []
    for word in text.lower().split():
        if word.startswith(("[", "<")) or word in ("++garbage++",):
            continue
        word = word.split("(", 1)[0].strip(".,!?;:\"")
        if word:
            words.append(word)
    return " ".join(words)


def transcribe(recognizer: Recognizer, audio: bytes, mode: ListenMode = "command") -> Transcript:
    """Decode a whole 16 kHz mono int16 buffer (with a little silence around it), streamed in 100 ms pieces."""
    stream = recognizer.stream(mode)
    audio = EDGE_SILENCE + audio + EDGE_SILENCE
    for offset in range(0, len(audio), FEED_BYTES):
        stream.accept(audio[offset:offset + FEED_BYTES])
    return stream.finish()


def _vosk_model_dir(settings: ListenSettings) -> Optional[Path]:
    """The configured Vosk model, else the first installed one, else None."""
    if settings.vosk_model:
        return Path(settings.vosk_model).expanduser()
    from assistant.recognizers.models import installed_models

    models = installed_models()
    return models[0].path if models else None


def _load_whisper(settings: ListenSettings, names: Sequence[str]) -> Recognizer:
    """Whisper from the configured folder or the packaged weights (checked against their pinned SHA-256)."""
    from assistant.recognizers import whisper
    from assistant.recognizers.whisper_weights import packaged_weights

    if settings.whisper_dir:
        folder = Path(settings.whisper_dir).expanduser()
        if not (folder / "model.bin").is_file() or not (folder / "tokenizer.json").is_file():
            raise RecognizerError(f"no Whisper model in {folder} (it needs model.bin and tokenizer.json)")
    else:
        from assistant import paths

        folder = packaged_weights(settings.whisper_size, paths.home() / "cache")
    command, open_prompt = whisper.domain_prompt(settings.wake_phrase, names)
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    # The stop check's decoder skips fwdflat, the second search pass when an utterance ends: 25-60 ms after every
    # command's endpoint for the same spoken stop recall (bench/stop_recall.py --engine whisper:tiny.en, 960 clips:
    # 0.910 with it, 0.909 without; false stops 1 of 120 either way).
    stop_check = PocketSphinxRecognizer(wake_phrase=settings.wake_phrase, stop_check=False,
                                        decoder_options={"fwdflat": False})
    from assistant.recognizers.language_model import default_sources, domain_sentences

    return whisper.WhisperRecognizer(folder, prompt=command, open_prompt=open_prompt, stop_check=stop_check,
                                     phrasings=lambda: domain_sentences(settings.wake_phrase, *default_sources()),
                                     quick_first=settings.early_endpoint_ms > 0)


def load_recognizer(settings: ListenSettings, notify: Callable[[str], None] = print_to_stderr,
                    phrases: Optional[List[str]] = None, names: Sequence[str] = ()) -> Recognizer:
    """The recogniser the settings ask for; one that cannot load falls back to the next with one notice.

    "auto" is Whisper when its weights are there, else an installed Vosk model, else PocketSphinx (no weights).
    """
    choice = (settings.recognizer or "auto").strip().lower()
    if choice not in ENGINES:
        raise ConfigError(f"setting 'listen.recognizer' must be one of {', '.join(ENGINES)}, got '{settings.recognizer}'")
    if choice in AUTO_FIRST:
        try:
            return _load_whisper(settings, names)
        except RecognizerError as err:
            notify(f"{err}; using {'PocketSphinx' if choice == 'whisper' else 'another recogniser'} instead")
    if choice in ("auto", "vosk"):
        model_dir = _vosk_model_dir(settings)
        if model_dir is not None:
            try:
                from assistant.recognizers.vosk import VoskRecognizer

                return VoskRecognizer(model_dir, phrases=phrases, wake_phrase=settings.wake_phrase)
            except RecognizerError as err:
                notify(f"{err}; using PocketSphinx instead")
        elif choice == "vosk":
            notify("no Vosk model installed (run `companion models download`); using PocketSphinx instead")
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

    return PocketSphinxRecognizer(wake_phrase=settings.wake_phrase, phrases=phrases)
