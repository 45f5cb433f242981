"""The data of one turn: one small frozen message per hop, plus lifecycle events."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Literal, Optional, Tuple

ListenMode = Literal["command", "open"]
Expectation = Optional[Literal["rating", "yes_no"]]  # what the last question asked for, as a decoding hint


@dataclass(frozen=True)
class AudioFormat:
    """Raw PCM layout: sample rate, bytes per sample, channel count."""

    rate: int = 16000
    width: int = 2
    channels: int = 1

    def seconds(self, nbytes: int) -> float:
        """Duration of `nbytes` of audio in this format."""
        return nbytes / float(self.rate * self.width * self.channels)


PCM16K = AudioFormat()


@dataclass(frozen=True)
class AudioChunk:
    """A slice of audio with its format; `timestamp` is monotonic time when it was delivered."""

    audio: bytes
    format: AudioFormat = PCM16K
    timestamp: float = 0.0


@dataclass(frozen=True)
class Utterance:
    """One endpointed stretch of speech; `end_time` is when its last speech sample arrived."""

    audio: bytes
    format: AudioFormat = PCM16K
    end_time: float = 0.0


@dataclass(frozen=True)
class Transcript:
    """What a recogniser heard, and which engine heard it."""

    text: str
    engine: str
    confidence: Optional[float] = None


@dataclass(frozen=True)
class Entity:
    """An extracted entity with its canonical value."""

    entity: str
    value: str


@dataclass(frozen=True)
class Parse:
    """The NLU reading of one utterance."""

    text: str
    intent: str
    confidence: float
    entities: Tuple[Entity, ...] = ()

    def to_json(self) -> Dict[str, Any]:
        """The `companion parse --json` shape."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [{"entity": e.entity, "value": e.value} for e in self.entities],
        }


WindowKind = Literal["none", "followup", "addressed", "answer", "floor", "paused"]


@dataclass(frozen=True)
class Window:
    """What the companion listens for after it speaks, without the wake phrase, and for how long.

    - none: nothing; only the wake phrase opens the next turn.
    - followup: a short window for the few replies its last turn invited ("next one", "save that", "no thanks").
    - addressed: the wake phrase was said alone; the next words are for the companion.
    - answer: a question to one partner (`addressee`): the words that follow are the answer.
    - floor: one partner (`addressee`) has the floor for `seconds`: only voice activity is measured, nothing is
      transcribed but the wake phrase; `cue` is said `cue_s` before the end; `extends` adds to the floor open now.
    - paused: the open floor is held; only the wake phrase.
    """

    kind: WindowKind = "none"
    seconds: float = 0.0
    mode: ListenMode = "command"
    addressee: Optional[str] = None
    invites: FrozenSet[str] = frozenset()  # opaque to the audio loop: only the dialogue package reads it
    on_silence: Optional[str] = None  # told to the dialogue when the window runs out unanswered (typed: an empty line)
    cue: Optional[str] = None
    cue_s: float = 0.0
    extends: bool = False
    expects: Expectation = None  # what the question asked for (a rating, a yes or no): a hint to the recogniser


CLOSED = Window()


@dataclass(frozen=True)
class Reply:
    """What the dialogue says back, and how to listen for the next turn."""

    user: str
    parse: Parse
    texts: Tuple[str, ...]
    active_loop: Optional[str] = None
    session_over: bool = False
    window: Window = CLOSED

    @property
    def listen_mode(self) -> ListenMode:
        """How the recogniser should listen for the next turn."""
        return self.window.mode

    def to_json(self) -> Dict[str, Any]:
        """The `companion chat --json` shape."""
        return {
            "user": self.user,
            "intent": self.parse.intent,
            "entities": [{"entity": e.entity, "value": e.value} for e in self.parse.entities],
            "replies": list(self.texts),
            "active_loop": self.active_loop,
        }


@dataclass(frozen=True)
class SpeechAudio:
    """Synthesised speech for one text."""

    text: str
    audio: bytes
    format: AudioFormat = PCM16K

    @property
    def seconds(self) -> float:
        """Duration of the speech."""
        return self.format.seconds(len(self.audio))


EventKind = Literal[
    "wake", "speech-start", "speech-end", "stt-start", "stt-end", "intent-end", "early-endpoint", "judged",
    "window-closed", "reply", "tts-start", "tts-first-audio", "tts-end", "error", "floor-cue", "floor-end", "bedtime-offer",
]


@dataclass(frozen=True)
class Event:
    """A lifecycle event with a monotonic timestamp: for logs, timing and tests."""

    kind: EventKind
    time: float = field(default_factory=time.monotonic)
    data: Tuple[Tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        """Look up one data field."""
        return dict(self.data).get(key, default)
