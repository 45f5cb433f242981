"""Text-to-speech: one `Synthesizer` protocol, vendors in their own modules, loaded by name."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, Iterable, Iterator, List, Optional, Protocol, Tuple

from assistant.errors import ConfigError, SpeechError
from assistant.messages import SpeechAudio
from assistant.settings import CHOICES, VoiceSettings, check_section

Clock = Callable[[], datetime]

ENGINES = CHOICES["voice.engine"]


class Synthesizer(Protocol):
    """Turns one text into 16-bit mono PCM speech."""

    name: str

    def synthesize(self, text: str) -> SpeechAudio:
        """Speak `text` into audio (empty audio for blank text)."""
        ...


@dataclass(frozen=True)
class SpeakingStyle:
    """How to speak right now: words per minute, volume 0..1, and whether it is the bedtime voice."""

    rate: int
    volume: float
    bedtime: bool


def is_bedtime(voice: VoiceSettings, now: datetime) -> bool:
    """Bedtime runs from `voice.bedtime_hour` until 5 in the morning."""
    return now.hour >= voice.bedtime_hour or now.hour < 5


def speaking_style(voice: VoiceSettings, now: datetime) -> SpeakingStyle:
    """The day voice, or the quieter, slower bedtime voice late at night."""
    if is_bedtime(voice, now):
        return SpeakingStyle(voice.bedtime_rate, voice.bedtime_volume, True)
    return SpeakingStyle(voice.rate, voice.volume, False)


def check_voice(voice: VoiceSettings) -> None:
    """Reject rates, volumes and hours no engine can use, with one clear line (the settings module's ranges)."""
    check_section("voice", voice)


def load_synthesizer(voice: VoiceSettings, clock: Clock = datetime.now) -> Synthesizer:
    """The configured engine, loaded once and kept warm; Piper that will not load falls back to pyttsx3."""
    engine = (voice.engine or "piper").strip().lower()
    if engine not in ENGINES:
        raise ConfigError(f"unknown voice engine '{voice.engine}' (choose one of: {', '.join(ENGINES)})")
    check_voice(voice)
    if engine == "pyttsx3":
        from assistant.speech.pyttsx3_tts import Pyttsx3Synthesizer

        return Pyttsx3Synthesizer(voice, clock)
    from assistant.speech.piper import PiperSynthesizer

    try:
        return PiperSynthesizer(voice, clock)
    except (SpeechError, ConfigError) as err:
        return espeak_instead(voice, clock, str(err))


def espeak_instead(voice: VoiceSettings, clock: Clock, reason: str) -> Synthesizer:
    """pyttsx3 (espeak-ng) in place of a Piper voice that is missing or broken, saying why in one line."""
    from assistant.speech.pyttsx3_tts import Pyttsx3Synthesizer

    fallback = Pyttsx3Synthesizer(replace(voice, engine="pyttsx3", voice=None), clock)
    print(f"companion: the Piper voice is unavailable ({reason}); speaking with espeak-ng instead",
          file=sys.stderr, flush=True)
    return fallback


# Abbreviations whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset("dr mr mrs ms mx st jr sr prof vs etc e.g i.e approx min".split())
_SENTENCE_END = re.compile(r"""([.!?…]+["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])""")


def split_sentences(text: str) -> List[str]:
    """Split a reply into sentences so the first can be spoken while the rest is synthesised."""
    sentences: List[str] = []
    for line in re.split(r"\s*\n\s*", text.strip()):
        sentences.extend(_split_line(" ".join(line.split())))
    return [s for s in sentences if s]


def _split_line(line: str) -> List[str]:
    """Sentences of one line, keeping their punctuation."""
    parts: List[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        end = match.end(1)
        words = line[start:end].split()
        last_word = words[-1].rstrip(".").lower() if words else ""
        if match.group(1).startswith(".") and last_word in _ABBREVIATIONS:
            continue
        parts.append(line[start:end].strip())
        start = match.end()
    parts.append(line[start:].strip())
    return parts


def speech_chunks(texts: Iterable[str]) -> Iterator[str]:
    """The sentences of a reply, in order."""
    for text in texts:
        yield from split_sentences(text)


def speak_pieces(synth: Synthesizer, sentence: str) -> Iterator[SpeechAudio]:
    """A sentence's audio as soon as each piece is ready: window by window from an engine that streams (Piper; the
    pieces after the first have text ""), else whole."""
    stream: Optional[Callable[[str], Iterator[SpeechAudio]]] = getattr(synth, "stream", None)
    if stream is None:
        yield synth.synthesize(sentence)
    else:
        yield from stream(sentence)


def clean_text(text: str) -> str:
    """Text with collapsed whitespace, ready for an engine."""
    return " ".join(text.split())


__all__: Tuple[str, ...] = (
    "Synthesizer", "SpeakingStyle", "load_synthesizer", "split_sentences", "speaking_style", "is_bedtime",
    "check_voice", "clean_text", "speech_chunks", "speak_pieces",
)
