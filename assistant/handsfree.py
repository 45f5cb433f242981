"""The always-on loop: a keyword spotter outside windows, short follow-up windows after each reply, silence
while the couple talks to each other, barge-in, a lost microphone, and no turn that can end the loop.

Time is stream time (seconds of audio heard), so a recording replays through exactly this code as fast as it
can run, with the companion's replies taking their real spoken length (`VirtualSink`).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from assistant.endpoint import EndpointEvent, Endpointer, Endpointing
from assistant.errors import AudioInputError, CompanionError
from assistant.messages import CLOSED, AudioChunk, SpeechAudio, Transcript, Window
from assistant.own_voice import OwnWords
from assistant.pipeline import VoicePipeline, strip_wake
from assistant.wake import WakeHit, WakeSpotter

if TYPE_CHECKING:
    from assistant.audio import AudioSource
    from assistant.bedtime import BedtimeOffer
    from assistant.playback import AudioSink

WAKE_ACK = "I'm listening."
MIC_LOST = "I can't hear the microphone. I'll keep trying."
MIC_BACK = "I can hear you again."
APOLOGY = "Sorry, something went wrong on my side. I'm still here."
BYTES_PER_S = 32000  # 16 kHz mono int16
BARGE_IN = Window("followup", 0.0, "command", None, frozenset({"stop"}))
# An answer begun while the question was still playing is taken when this much of it comes after the playing ended
# (an echo of the companion's own voice dies away well within it) and words other than its own are left.
OVERLAP_TAIL_S = 0.6
ACK_DELAY_S = 0.7  # after the wake phrase alone: say "I'm listening" only if no request follows at once

RowHandler = Callable[[Dict[str, Any]], None]


def notify_stderr(message: str) -> None:
    """Print a one-line notice."""
    print(f"companion: {message}", file=sys.stderr, flush=True)


@dataclass
class OpenUtterance:
    """The utterance the endpointer has open: its audio so far, and what is decoding it."""

    audio_start_s: float
    audio: bytearray
    stream: Any = None
    woke: Optional[WakeHit] = None
    window: Window = CLOSED
    during_playback: bool = False
    checked_early: bool = False
    pending: Optional[Window] = None  # begun over a reply that asked a question: the answer window it opened

    def audio_after(self, at_s: float) -> bytes:
        """This utterance's audio from stream time `at_s` on."""
        offset = max(0, int((at_s - self.audio_start_s) * BYTES_PER_S)) & ~1
        return bytes(self.audio[offset:])


@dataclass
class Floor:
    """One partner's timed floor in a take-turns conversation: its clock and the talk measured (voice activity)."""

    addressee: Optional[str]
    pending_s: float  # time left, counted from when the reply that opened it has finished playing
    cue: Optional[str] = None
    cue_s: float = 0.0
    deadline: Optional[float] = None
    paused: bool = False
    cued: bool = False
    talk_s: float = 0.0
    speaking_since: Optional[float] = None

    def extend(self, seconds: float, now: float) -> None:
        """More time (or none, after "go on"): the floor carries on where it was."""
        if self.paused:
            self.paused = False
            self.pending_s += seconds
        elif self.deadline is not None:
            self.deadline += seconds
        else:
            self.pending_s += seconds

    def pause(self, now: float) -> None:
        """Hold the clock and stop measuring."""
        if not self.paused and self.deadline is not None:
            self.pending_s = max(0.0, self.deadline - now)
            self.deadline = None
        self.paused = True
        self.speaking_since = None

    def talk_until(self, at_s: float) -> float:
        """Talk so far, counting an utterance still open up to `at_s`."""
        open_part = max(0.0, at_s - self.speaking_since) if self.speaking_since is not None else 0.0
        return self.talk_s + open_part


@dataclass
class Row:
    """One utterance the endpointer found, as `companion listen --replay --json` reports it."""

    start_s: float
    end_s: float
    woke: bool = False
    heard: Optional[str] = None
    acted: bool = False
    intent: Optional[str] = None
    replies: List[str] = field(default_factory=list)

    def to_json(self) -> Dict[str, Any]:
        """The replay contract."""
        return {"start_s": round(self.start_s, 2), "end_s": round(self.end_s, 2), "woke": self.woke,
                "heard": self.heard, "acted": self.acted, "intent": self.intent, "replies": self.replies}


class VirtualSink:
    """A speaker in stream time: each reply "plays" for its real length; audio is kept only if `inner` is set."""

    def __init__(self, clock: Callable[[], float], inner: "Optional[AudioSink]" = None) -> None:
        self.clock = clock
        self.inner = inner
        self.playing_until = 0.0

    def begin_turn(self) -> None:
        """Number the next reply's files (when writing them)."""
        if self.inner is not None:
            self.inner.begin_turn()

    def play(self, speech: SpeechAudio) -> None:
        """Queue `speech`: it ends its length after whatever is playing."""
        self.playing_until = max(self.clock(), self.playing_until) + speech.seconds
        if self.inner is not None:
            self.inner.play(speech)

    def stop(self) -> None:
        """Cut the speech off now."""
        self.playing_until = self.clock()

    @property
    def is_playing(self) -> bool:
        """Whether a reply is still sounding at this stream time."""
        return self.clock() < self.playing_until

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Nothing to wait for in stream time."""
        return True

    def close(self) -> None:
        """Nothing held."""

    @property
    def last_paths(self) -> List[Path]:
        """Files the inner sink wrote for the last reply."""
        return list(self.inner.last_paths) if self.inner is not None else []


def engine_says_stop(engine: Any, text: str) -> bool:
    """Whether words heard over a reply are a "stop" for it (the barge-in window's judgement)."""
    return bool(engine.judge(text, BARGE_IN).for_me)


class HandsFree:
    """Listens forever: the spotter until the wake phrase, then only what the last reply invited, briefly."""

    def __init__(self, pipeline: VoicePipeline, microphone: "AudioSource", sink: "AudioSink", spotter: WakeSpotter,
                 notify: Callable[[str], None] = notify_stderr, on_row: Optional[RowHandler] = None,
                 retry_s: float = 2.0, speak_lines: bool = True, bedtime: "Optional[BedtimeOffer]" = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.pipeline = pipeline
        self.microphone = microphone
        self.sink = sink
        self.spotter = spotter
        self.notify = notify
        self.on_row = on_row
        self.retry_s = retry_s
        self.speak_lines = speak_lines
        self.listen = pipeline.listen
        self.now = 0.0  # stream time: seconds of audio heard
        self.window: Window = CLOSED
        self.window_deadline: Optional[float] = None  # set when the reply that opened it has finished playing
        self.endpointer: Endpointing = Endpointer(self.listen)
        self.utterance: Optional[OpenUtterance] = None
        self.ack_at: Optional[float] = None
        self.floor: Optional[Floor] = None  # a take-turns floor: voice activity only
        self.bedtime = bedtime  # the opt-in bedtime offer (None: off)
        self.clock = clock
        self.quiet_since = 0.0  # stream time of the last speech heard or said
        self.activity: Optional[str] = None  # the dialogue's activity still open after the last reply (a form)
        self.rows = 0
        self.own = OwnWords()  # the words it spoke last: its own voice, when the microphone hears it
        self.was_playing = False
        self.playback_ended_s: Optional[float] = None  # stream time the last reply finished playing

    # -- the loop -----------------------------------------------------------------------------------------

    def run(self, max_rows: Optional[int] = None) -> int:
        """Serve the room until the audio ends or is interrupted (or `max_rows` utterances); returns rows."""
        while True:
            try:
                for chunk in self.microphone.chunks():
                    self.feed(chunk)
                    if max_rows is not None and self.rows >= max_rows:
                        return self.rows
                self.finish()
                return self.rows
            except AudioInputError as err:
                self.notify(str(err))
                self._say(MIC_LOST)
                self.utterance = None
                self.endpointer.reset()
                if not self._wait_for_microphone():
                    return self.rows

    def feed(self, chunk: AudioChunk) -> None:
        """One chunk of room audio: spotter, endpointer, the open utterance, the window clock."""
        self.now += chunk.format.seconds(len(chunk.audio))
        self._track_playback()
        try:
            hit = self.spotter.feed(chunk.audio)
            if hit is not None:
                self._on_wake(hit)
            for event in self.endpointer.feed(chunk):
                self._on_endpoint(event)
            self._maybe_end_early()
            self._tick_floor()
            self._tick()
            self._maybe_offer_bedtime()
        except AudioInputError:
            raise
        except Exception as err:  # one bad turn never ends the loop
            self._recover(err)

    def _track_playback(self) -> None:
        """Note the stream time a reply finishes playing."""
        playing = self.sink.is_playing
        if self.was_playing and not playing:
            self.playback_ended_s = self.now
        self.was_playing = playing

    def finish(self) -> None:
        """The audio ended: close any open utterance."""
        try:
            for event in self.endpointer.flush():
                self._on_endpoint(event)
        except Exception as err:
            self._recover(err)

    # -- windows ------------------------------------------------------------------------------------------

    def open_window(self, window: Window) -> None:
        """Listen for what the last turn invited, for its window, once its reply has finished playing."""
        self.window = window
        self.window_deadline = None
        silence = self.listen.open_trailing_silence_ms if window.mode == "open" else self.listen.trailing_silence_ms
        self.endpointer.set_trailing_silence(silence)
        self.pipeline.mode = window.mode

    def follow(self, window: Window) -> None:
        """Listen as a reply asks: a floor (measured, not transcribed), a held floor, or an ordinary window."""
        if window.kind == "floor":
            if window.extends and self.floor is not None:
                self.floor.extend(window.seconds, self.now)
            else:
                self.floor = Floor(window.addressee, window.seconds, window.cue, window.cue_s)
            self.open_window(CLOSED)
            return
        if window.kind == "paused":
            if self.floor is not None:
                self.floor.pause(self.now)
            self.open_window(CLOSED)
            return
        self.floor = None
        self.open_window(window)

    def _tick_floor(self) -> None:
        """A floor's clock: start it when the reply ends, the soft cue near the end, the handover at the end."""
        floor = self.floor
        if floor is None or floor.paused or self.sink.is_playing:
            return
        if floor.deadline is None:
            floor.deadline = self.now + floor.pending_s
            return
        if floor.cue and not floor.cued and self.now >= floor.deadline - floor.cue_s:
            floor.cued = True
            self.pipeline.emit("floor-cue", addressee=floor.addressee)
            self._say(floor.cue)
            return
        if self.now >= floor.deadline and (self.utterance is None or self.utterance.woke is None):
            self._floor_over(floor)

    def _floor_over(self, floor: Floor) -> None:
        """Time is up: the dialogue hears how long the partner spoke and hands over."""
        from assistant.taketurns import report

        talk = floor.talk_until(self.now)
        self.floor = None
        self.pipeline.emit("floor-end", addressee=floor.addressee, talk_s=round(talk, 2))
        self._answer_silence(report(talk))

    def _maybe_offer_bedtime(self) -> None:
        """At the set hour, when nothing is going on and the room has been quiet long enough: offer, once a night."""
        offer = self.bedtime
        if offer is None:
            return
        busy = (self.utterance is not None or self.sink.is_playing or self.window.kind != "none" or self.floor
                or self.activity)
        if busy:
            self.quiet_since = self.now
            return
        if self.now - self.quiet_since < offer.quiet_s:
            return
        now = self.clock()
        if offer.due(now, self.now - self.quiet_since) and offer.claim(now):
            from assistant.bedtime import OFFER_MESSAGE

            self.pipeline.emit("bedtime-offer", hour=now.hour)
            self._answer_silence(OFFER_MESSAGE)

    def close_window(self) -> None:
        """Back to the spotter alone."""
        if self.window.kind != "none":
            self.pipeline.emit("window-closed", window=self.window.kind)
        self.open_window(CLOSED)

    def _tick(self) -> None:
        """Start a window's clock when its reply ends; close it when it runs out with nobody speaking."""
        if self.ack_at is not None and self.now >= self.ack_at:
            self.ack_at = None
            if self.utterance is None:
                self._say(WAKE_ACK)
        if self.window.kind == "none" or self.sink.is_playing or self.ack_at is not None:
            return
        if self.window_deadline is None:
            self.window_deadline = self.now + self.window.seconds
        elif self.now > self.window_deadline and self.utterance is None:
            unanswered = self.window.on_silence
            self.close_window()
            if unanswered:
                self._answer_silence(unanswered)

    def _window_open(self) -> bool:
        return self.window.kind != "none" and (self.window_deadline is None or self.now <= self.window_deadline)

    # -- utterances ---------------------------------------------------------------------------------------

    def _on_wake(self, hit: WakeHit) -> None:
        """The wake phrase: whatever follows in the same breath goes to the command recogniser."""
        self.pipeline.emit("wake", start_s=hit.start_s, end_s=hit.end_s)
        utt = self.utterance
        if utt is None:  # the endpointer had already closed the phrase's utterance: the phrase was said alone
            row = Row(hit.start_s, hit.end_s, woke=True, heard="", acted=True)
            self._listen_after_wake()
            self._emit_row(row)
            return
        utt.woke = hit
        utt.window = CLOSED
        if self.floor is not None and self.floor.speaking_since is not None:
            self.floor.talk_s = self.floor.talk_until(hit.start_s)
            self.floor.speaking_since = None
        if utt.stream is not None and hasattr(utt.stream, "abort"):
            utt.stream.abort()
        utt.stream = self.pipeline.open_stream("command")
        utt.stream.accept(utt.audio_after(hit.end_s))
        utt.checked_early = False

    def _on_endpoint(self, event: EndpointEvent) -> None:
        if event.kind == "speech-start":
            start = event.end_s - len(event.audio) / BYTES_PER_S
            utt = OpenUtterance(start, bytearray(event.audio), during_playback=self.sink.is_playing)
            self.utterance = utt
            self.pipeline.emit("speech-start", at_s=event.start_s)
            floor = self.floor
            if floor is not None and floor.deadline is not None and not floor.paused:
                floor.speaking_since = event.start_s
            if utt.during_playback and self.window.kind != "addressed":
                utt.window = BARGE_IN  # most likely its own voice: only "stop" counts, unless it goes on past it
                utt.pending = self.window if self.window.kind == "answer" else None
            elif self._window_open() or self.window.kind == "addressed":  # the request may start during the ack
                utt.window = self.window
            if utt.window.kind != "none":
                heard_as = utt.pending or utt.window  # an answer's words are read as an answer, a "stop" still counts
                utt.stream = self.pipeline.open_stream(heard_as.mode, heard_as.expects)
                utt.stream.accept(event.audio)
        elif event.kind == "audio" and self.utterance is not None:
            self.utterance.audio.extend(event.audio)
            if self.utterance.stream is not None:
                self.utterance.stream.accept(event.audio)
        elif event.kind == "speech-end" and self.utterance is not None:
            utt, self.utterance = self.utterance, None
            self.pipeline.emit("speech-end", at_s=event.end_s)
            floor = self.floor
            if floor is not None and floor.speaking_since is not None:
                floor.talk_s = floor.talk_until(event.end_s)
                floor.speaking_since = None
            row = Row(event.start_s, event.end_s, woke=utt.woke is not None)
            try:
                self._serve(utt, row)
            finally:
                self._emit_row(row)

    def _maybe_end_early(self) -> None:
        """End a command as soon as its words already make a whole turn (checked once per pause, once its words
        are ready)."""
        utt = self.utterance
        early = self.listen.early_endpoint_ms
        if utt is None or utt.stream is None or not early:
            return
        if utt.woke is None and (utt.pending or utt.window).mode == "open":
            return
        if self.endpointer.silence_ms < early:
            utt.checked_early = False
            return
        if utt.checked_early:
            return
        verdict = self.pipeline.ends_early(utt.stream)
        utt.checked_early = verdict is not None  # no words yet: the pause's decode is still running, ask again
        if verdict:
            event = self.endpointer.end_now()
            if event is not None:
                self._on_endpoint(event)

    def _serve(self, utt: OpenUtterance, row: Row) -> None:
        """Decide and act on one finished utterance."""
        if utt.stream is None:
            return  # outside any window and no wake phrase: nothing was transcribed
        transcript: Transcript = utt.stream.finish()
        self.pipeline.emit("stt-end", text=transcript.text, engine=transcript.engine)
        text = transcript.text
        if utt.woke is not None:
            _, text = strip_wake(text, self.pipeline.wake)  # what the spotter's end left of the phrase
        row.heard = text
        engine = self.pipeline.engine
        if utt.woke is not None:
            if not text:
                row.acted = True
                self._listen_after_wake()
                return
            if self.sink.is_playing:
                self.sink.stop()

        else:
            if utt.during_playback and utt.window is BARGE_IN:
                text = self._overlap(utt, row, text)
            if not text.split():
                return  # a clatter heard as no words: not a turn, and the window stays open for the real one
            verdict = engine.judge(text, utt.window)
            self.pipeline.emit("judged", for_me=verdict.for_me, reason=verdict.reason)
            row.intent = verdict.parse.intent if verdict.parse else None
            if not verdict.for_me:
                if not utt.during_playback:
                    self.close_window()  # talk between the two of them: step back at once
                return
            if utt.during_playback:
                self.sink.stop()
        if self.floor is not None:  # during a turn only a control counts (pause, go on, more time, stop)
            from assistant.taketurns import during_turn

            text = during_turn(text)
        reply = engine.respond(text)
        row.intent = reply.parse.intent
        self.activity = reply.active_loop
        self._reply_texts(list(reply.texts), row)
        self.follow(reply.window)

    def _overlap(self, utt: OpenUtterance, row: Row, text: str) -> str:
        """Words begun while a reply played: its own words are cut off; what is left is a "stop", or the answer to
        the question it was asking when it clearly goes on past the end of the playing; else nothing (its own
        voice, or talk over it)."""
        rest = self.own.without_own(text)
        if not rest or engine_says_stop(self.pipeline.engine, rest):
            return rest
        ended = self.playback_ended_s
        tail = row.end_s - ended if ended is not None and ended > utt.audio_start_s and not self.sink.is_playing else 0.0
        if utt.pending is None or tail < OVERLAP_TAIL_S:
            return ""
        self.pipeline.emit("overlap-answer", tail_s=round(tail, 2), heard=text, kept=rest)
        utt.window = utt.pending
        utt.during_playback = False  # the playing is over: served as an answer in its window
        return rest

    def _answer_silence(self, text: str) -> None:
        """A question went unanswered, or a floor's time ran out: the dialogue is told, and replies."""
        row = Row(self.now, self.now)
        try:
            reply = self.pipeline.engine.respond(text)
            row.intent = reply.parse.intent
            self.activity = reply.active_loop
            self._reply_texts(list(reply.texts), row)
            self.follow(reply.window)
        finally:
            self._emit_row(row)

    def _listen_after_wake(self) -> None:
        """The wake phrase on its own: listen for the request (and say so, if it doesn't come at once)."""
        from assistant.dialogue.addressee import addressed_window

        if self.sink.is_playing:
            self.sink.stop()
        self.open_window(addressed_window(self.listen))
        self.ack_at = self.now + ACK_DELAY_S

    def _reply_texts(self, texts: List[str], row: Row) -> None:
        """Speak and print a reply; the row records that the companion acted."""
        row.acted = True
        row.replies = list(texts)
        if self.speak_lines:
            for line in texts:
                print(f"companion: {line}", flush=True)
        self.own.said(texts)
        self.pipeline.speak(texts, self.sink)

    def _emit_row(self, row: Row) -> None:
        self.rows += 1
        if self.on_row is not None:
            self.on_row(row.to_json())

    # -- faults -------------------------------------------------------------------------------------------

    def _recover(self, err: Exception) -> None:
        """One failed stage: one line, a short spoken apology, and back to listening."""
        name = getattr(err, "code", type(err).__name__)
        self.notify(f"{err} ({name}); still listening" if isinstance(err, CompanionError)
                    else f"that turn failed ({type(err).__name__}: {err}); still listening")
        self.pipeline.emit("error", code=name, message=str(err))
        self.utterance = None
        self.endpointer.reset_utterance()
        self.close_window()
        spoken = getattr(err, "spoken", None)
        self._say(spoken if isinstance(spoken, str) and spoken else APOLOGY)

    def _say(self, text: str) -> None:
        self.own.said([text])
        try:
            self.pipeline.speak([text], self.sink)
        except Exception as err:  # speech itself is what failed: the printed line must do
            self.notify(f"could not speak ({type(err).__name__}: {err})")

    def _wait_for_microphone(self) -> bool:
        """Retry the microphone until it is back (False when it cannot be reopened at all)."""
        reopen = getattr(self.microphone, "reopen", None)
        if reopen is None:
            return False
        while True:
            time.sleep(self.retry_s)
            try:
                reopen()
            except AudioInputError:
                continue
            self.notify(MIC_BACK)
            self._say(MIC_BACK)
            return True

