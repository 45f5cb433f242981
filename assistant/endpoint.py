"""Endpointing: turn a chunk stream into utterances with webrtcvad (speech-start, audio, speech-end).

VAD choice: webrtcvad (GMM, C, ~10 us per 30 ms frame, no model download). Silero VAD was not adopted: its
PyPI package pulls in torch, which is far heavier than the whole recogniser, and webrtcvad with a minimum
speech length, a voiced-ratio start window and pre-roll already rejects clicks and faint noise in our tests.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Deque, List, Literal, Optional, Protocol, Tuple

from assistant.errors import AudioInputError
from assistant.messages import PCM16K, AudioChunk, Utterance
from assistant.settings import ListenSettings

EndpointKind = Literal["speech-start", "audio", "speech-end"]

FRAME_MS = 30
FRAME_BYTES = PCM16K.rate * FRAME_MS // 1000 * PCM16K.width
PRE_ROLL_MS = 300  # audio kept before the first voiced frame: recognisers need some silence to start from
PRE_ROLL_FRAMES = PRE_ROLL_MS // FRAME_MS
TAIL_FRAMES = 3  # audio kept after the last voiced frame


@dataclass(frozen=True)
class EndpointEvent:
    """One endpointing event; `start_s`/`end_s`: first/last voiced position in the audio fed so far (seconds)."""

    kind: EndpointKind
    audio: bytes = b""
    utterance: Optional[Utterance] = None
    time: float = 0.0
    start_s: float = 0.0
    end_s: float = 0.0


class Endpointing(Protocol):
    """What the turn and the always-on loop use of an endpointer: speech start/end events from audio chunks."""

    @property
    def in_speech(self) -> bool:
        """True while an utterance is open."""
        ...

    @property
    def silence_ms(self) -> int:
        """Silence since the last voiced frame of the open utterance (0 when none is open)."""
        ...

    def feed(self, chunk: AudioChunk) -> List[EndpointEvent]:
        """The events this chunk completes."""
        ...

    def flush(self) -> List[EndpointEvent]:
        """End of input: close what is open."""
        ...

    def end_now(self) -> Optional[EndpointEvent]:
        """End the open utterance at once (an early endpoint); None when none is open."""
        ...

    def set_trailing_silence(self, ms: int) -> None:
        """How much silence ends an utterance from now on."""
        ...

    def reset_utterance(self) -> None:
        """Drop the open utterance but keep counting stream time."""
        ...

    def reset(self) -> None:
        """Forget everything: back to waiting for speech."""
        ...


class Endpointer:
    """Finds where speech starts and ends in 16 kHz mono int16 chunks (webrtcvad); an `Endpointing`."""

    def __init__(self, settings: ListenSettings, mode_silence_ms: Optional[int] = None) -> None:
        import webrtcvad

        self.settings = settings
        self.trailing_silence_ms = mode_silence_ms if mode_silence_ms is not None else settings.trailing_silence_ms
        self.min_speech_frames = max(1, -(-settings.min_speech_ms // FRAME_MS))
        self.start_window = max(self.min_speech_frames + 2, 300 // FRAME_MS)
        self.max_frames = max(self.start_window + 1, int(settings.max_utterance_s * 1000) // FRAME_MS)
        self.silence_frames = max(1, -(-self.trailing_silence_ms // FRAME_MS))
        self._frames_fed = 0
        try:
            self._vad = webrtcvad.Vad(int(settings.vad_aggressiveness))
        except (ValueError, TypeError) as err:
            raise AudioInputError(f"vad_aggressiveness must be 0..3, got {settings.vad_aggressiveness}") from err
        self.reset()

    def set_trailing_silence(self, ms: int) -> None:
        """How much silence ends an utterance from now on (commands are short, answers need room to pause)."""
        self.trailing_silence_ms = ms
        self.silence_frames = max(1, -(-ms // FRAME_MS))

    def reset_utterance(self) -> None:
        """Drop the open utterance (after a failed turn) but keep counting stream time."""
        frames_fed = self._frames_fed
        self.reset()
        self._frames_fed = frames_fed

    def reset(self) -> None:
        """Forget everything: back to waiting for speech."""
        self._pending = b""
        self._frames_fed = 0
        self._window: Deque[Tuple[bytes, bool, float]] = deque(maxlen=self.start_window + PRE_ROLL_FRAMES)
        self._in_speech = False
        self._utt: List[bytes] = []
        self._utt_start = 0
        self._speech_start = 0
        self._last_voiced_index = 0  # index within _utt of the frame after the last voiced one
        self._last_voiced_time = 0.0
        self._silent_run = 0

    @property
    def in_speech(self) -> bool:
        """True while an utterance is open."""
        return self._in_speech

    @property
    def silence_ms(self) -> int:
        """Silence since the last voiced frame of the open utterance (0 when none is open)."""
        return self._silent_run * FRAME_MS if self._in_speech else 0

    def end_now(self) -> Optional[EndpointEvent]:
        """End the open utterance at once (an early endpoint); None when none is open."""
        return self._close() if self._in_speech else None

    def _pos(self, frame_index: int) -> float:
        """Stream position (seconds) of the start of frame `frame_index`."""
        return frame_index * FRAME_MS / 1000.0

    def feed(self, chunk: AudioChunk) -> List[EndpointEvent]:
        """Feed one chunk; returns the events it completed."""
        if chunk.format != PCM16K:
            raise AudioInputError(f"the endpointer needs 16 kHz mono 16-bit audio, got {chunk.format}")
        self._pending += chunk.audio
        events: List[EndpointEvent] = []
        while len(self._pending) >= FRAME_BYTES:
            frame, self._pending = self._pending[:FRAME_BYTES], self._pending[FRAME_BYTES:]
            events.extend(self._frame(frame, chunk.timestamp))
        return events

    def _frame(self, frame: bytes, stamp: float) -> List[EndpointEvent]:
        """Run one 30 ms frame through the state machine."""
        voiced = self._vad.is_speech(frame, PCM16K.rate)
        index = self._frames_fed
        self._frames_fed += 1
        if not self._in_speech:
            self._window.append((frame, voiced, stamp))
            recent = list(self._window)[-self.start_window:]
            if sum(1 for _, v, _ in recent if v) < self.min_speech_frames:
                return []
            flags = [v for _, v, _ in self._window]
            lead = flags.index(True, len(flags) - len(recent))
            kept = list(self._window)[max(0, lead - PRE_ROLL_FRAMES):]
            self._in_speech = True
            self._utt = [f for f, _, _ in kept]
            self._utt_start = index + 1 - len(kept)
            self._speech_start = index + 1 - (len(flags) - lead)
            last = max(i for i, (_, v, _) in enumerate(kept) if v)
            self._last_voiced_index = last + 1
            self._last_voiced_time = kept[last][2]
            self._silent_run = len(kept) - 1 - last
            self._window.clear()
            audio = b"".join(self._utt)
            return [EndpointEvent("speech-start", audio, None, stamp, self._pos(self._speech_start), self._pos(index + 1))]
        self._utt.append(frame)
        events = [EndpointEvent("audio", frame, None, stamp, self._pos(index), self._pos(index + 1))]
        if voiced:
            self._silent_run = 0
            self._last_voiced_index = len(self._utt)
            self._last_voiced_time = stamp
        else:
            self._silent_run += 1
        if self._silent_run >= self.silence_frames or len(self._utt) >= self.max_frames:
            events.append(self._close())
        return events

    def _close(self) -> EndpointEvent:
        """End the open utterance at its last voiced frame (plus a little tail for the recogniser)."""
        tail = min(len(self._utt), self._last_voiced_index + TAIL_FRAMES)
        audio = b"".join(self._utt[:tail])
        utterance = Utterance(audio, PCM16K, self._last_voiced_time)
        start = self._pos(self._speech_start)
        end = self._pos(self._utt_start + self._last_voiced_index)
        self._in_speech = False
        self._utt = []
        self._silent_run = 0
        return EndpointEvent("speech-end", b"", utterance, self._last_voiced_time, start, end)

    def flush(self) -> List[EndpointEvent]:
        """End of input: close any open utterance."""
        events: List[EndpointEvent] = []
        if self._in_speech:
            events.append(self._close())
        self._pending = b""
        self._window.clear()
        return events
