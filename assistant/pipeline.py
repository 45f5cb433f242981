"""One spoken turn as data: audio → endpoint → transcript → dialogue → speech, with timed events."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Tuple

from assistant.events import EventLog
from assistant.messages import AudioChunk, Event, Expectation, ListenMode, Reply, Transcript, Utterance
from assistant.settings import ListenSettings

if TYPE_CHECKING:
    from assistant.endpoint import Endpointing
    from assistant.dialogue.engine import DialogueEngine
    from assistant.playback import AudioSink
    from assistant.recognizers import Recognizer
    from assistant.speech import Synthesizer

EventHandler = Callable[[Event], None]

@dataclass(frozen=True)
class Heard:
    """An endpointed utterance and what the recogniser made of it."""

    transcript: Transcript
    utterance: Utterance
    endpoint_time: float
    stt_ms: float
    early: bool = False  # ended by the early endpoint (its words already made a whole turn)


@dataclass(frozen=True)
class SpokenTurn:
    """One whole turn: what was heard, the reply, where its audio went, and how long it took."""

    heard: Transcript
    reply: Reply
    reply_wavs: Tuple[str, ...]
    latency_ms: float
    timings: Dict[str, float] = field(default_factory=dict)
    early: bool = False  # the utterance was ended by the early endpoint

    def to_json(self) -> Dict[str, Any]:
        """The `companion listen --json` shape."""
        return {
            "heard": self.heard.text,
            "engine": self.heard.engine,
            "intent": self.reply.parse.intent,
            "replies": list(self.reply.texts),
            "reply_wavs": list(self.reply_wavs),
            "latency_ms": round(self.latency_ms, 1),
        }


def wake_pattern(phrase: str) -> "re.Pattern[str]":
    """A loose match for the wake phrase: its last word is enough ("companion")."""
    words = phrase.lower().split()
    if not words:
        return re.compile(r"(?!x)x")
    lead = "".join(rf"(?:{re.escape(w)}\s+)?" for w in words[:-1])
    return re.compile(rf"^(?:.*?\s)?{lead}{re.escape(words[-1])}\b\s*")


def strip_wake(text: str, pattern: "re.Pattern[str]") -> Tuple[bool, str]:
    """Whether the wake phrase was said, and the words after it."""
    match = pattern.match(text)
    if not match:
        return False, text
    return True, text[match.end():].strip()


class VoicePipeline:
    """Wires an endpointer, a recogniser, the dialogue and a synthesiser for one conversation."""

    def __init__(self, recognizer: "Recognizer", engine: "DialogueEngine", synthesizer: "Optional[Synthesizer]",
                 listen: ListenSettings,
                 on_event: Optional[EventHandler] = None, events: Optional[EventLog] = None) -> None:
        self.recognizer = recognizer
        self.engine = engine
        self.synthesizer = synthesizer
        self.listen = listen
        self.mode: ListenMode = "command"
        self.expects: Expectation = None
        self.events = events or EventLog()
        if on_event is not None:
            self.events.subscribe(on_event)
        self.wake = wake_pattern(listen.wake_phrase)

    def emit(self, kind: str, **data: Any) -> Event:
        """Record a lifecycle event (logger, optional JSON-lines file, listeners)."""
        return self.events.emit(kind, **data)

    def endpointer(self) -> Endpointing:
        """An endpointer tuned for the kind of answer expected next."""
        from assistant.endpoint import Endpointer

        silence = self.listen.open_trailing_silence_ms if self.mode == "open" else self.listen.trailing_silence_ms
        return Endpointer(self.listen, mode_silence_ms=silence)

    def hear(self, chunks: Iterable[AudioChunk], endpointer: Optional[Endpointing] = None) -> Optional[Heard]:
        """Stream audio until the end of one utterance; None if the audio ends without speech."""
        endpointer = endpointer or self.endpointer()
        stream = None
        checked_pause = False
        for chunk in chunks:
            for event in endpointer.feed(chunk):
                heard, stream = self._on_endpoint(event, stream)
                if heard:
                    return heard
            if stream is None:
                continue
            pause_ms = getattr(endpointer, "silence_ms", 0)
            if pause_ms < (self.listen.early_endpoint_ms or 1 << 30):
                checked_pause = False
            elif not checked_pause:
                verdict = self.ends_early(stream)
                checked_pause = verdict is not None
                if verdict:
                    heard, stream = self._on_endpoint(endpointer.end_now(), stream)
                    if heard:
                        return replace(heard, early=True)
        for event in endpointer.flush():
            heard, stream = self._on_endpoint(event, stream)
            if heard:
                return heard
        return None

    def open_stream(self, mode: ListenMode, expects: Expectation = None) -> Any:
        """Start recognising one utterance; a stream that reads a pause quickly first is told how to judge that
        reading (a whole turn, as the early endpoint judges it), so a quick reading that came too late for the early
        endpoint still spares the fuller decode at the end."""
        stream = self.recognizer.stream(mode, expects)
        if hasattr(stream, "judge"):
            stream.judge = lambda text: bool(self.engine.completes_turn(strip_wake(text, self.wake)[1], mode))
        return stream

    def ends_early(self, stream: Any) -> Optional[bool]:
        """Whether the words heard so far already make a whole turn (then the trailing silence need not run out);
        None while no words are ready (a decode of the pause still running): ask again on the next chunk."""
        partial = getattr(stream, "partial", None)
        if partial is None:
            return False
        heard = partial()
        if not heard:
            return None
        _, text = strip_wake(heard, self.wake)
        complete = bool(self.engine.completes_turn(text, self.mode))
        judged = getattr(stream, "judged", None)
        if judged is not None:
            judged(complete)  # Whisper: a whole turn is finished as heard, else its fuller reading starts
        if complete:
            self.emit("early-endpoint", text=text)
        return complete

    def _on_endpoint(self, event: Any, stream: Any) -> Tuple[Optional[Heard], Any]:
        if event.kind == "speech-start":
            self.emit("speech-start")
            stream = self.open_stream(self.mode, self.expects)
            stream.accept(event.audio)
        elif event.kind == "audio" and stream is not None:
            stream.accept(event.audio)
        elif event.kind == "speech-end" and stream is not None:
            endpoint_time = time.monotonic()
            self.emit("speech-end", end_time=event.utterance.end_time)
            self.emit("stt-start")
            transcript = stream.finish()
            stt_ms = (time.monotonic() - endpoint_time) * 1000
            self.emit("stt-end", text=transcript.text, engine=transcript.engine)
            return Heard(transcript, event.utterance, endpoint_time, stt_ms), None
        return None, stream

    def answer(self, heard: Heard, sink: "AudioSink", text: Optional[str] = None) -> SpokenTurn:
        """Run the dialogue on what was heard and speak the reply into `sink`."""
        start = time.monotonic()
        reply = self.engine.respond(heard.transcript.text if text is None else text)
        self.emit("intent-end", intent=reply.parse.intent)
        dialogue_ms = (time.monotonic() - start) * 1000
        first_audio, paths = self.speak(reply.texts, sink)
        self.mode = reply.listen_mode
        self.expects = reply.window.expects
        end_time = heard.utterance.end_time or heard.endpoint_time
        latency = ((first_audio or time.monotonic()) - end_time) * 1000
        timings = {
            "endpoint_ms": (heard.endpoint_time - end_time) * 1000,
            "stt_ms": heard.stt_ms,
            "dialogue_ms": dialogue_ms,
            "tts_first_ms": ((first_audio or time.monotonic()) - start) * 1000 - dialogue_ms,
        }
        return SpokenTurn(heard.transcript, reply, tuple(str(p) for p in paths), latency, timings, heard.early)

    def speak(self, texts: Iterable[str], sink: "AudioSink") -> Tuple[Optional[float], List[Path]]:
        """Synthesise sentence by sentence (Piper: window by window), handing each piece to the sink when ready."""
        from assistant.errors import SpeechError
        from assistant.speech import speak_pieces, speech_chunks

        if self.synthesizer is None:
            raise SpeechError("this pipeline has no voice")
        sink.begin_turn()
        first_audio: Optional[float] = None
        self.emit("tts-start")
        for sentence in speech_chunks(texts):
            for speech in speak_pieces(self.synthesizer, sentence):
                if first_audio is None:
                    first_audio = time.monotonic()
                    self.emit("tts-first-audio")
                sink.play(speech)
        self.emit("tts-end")
        return first_audio, list(sink.last_paths)
