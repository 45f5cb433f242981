"""The live hands-free loop: wake phrase, a conversation without it, barge-in, a lost microphone."""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterator, Optional

from assistant.errors import AudioInputError, CompanionError
from assistant.messages import AudioChunk
from assistant.pipeline import VoicePipeline, strip_wake

STOP_WORDS = frozenset({"stop", "quiet", "enough", "cancel"})
WAKE_ACK = "I'm listening."
MIC_LOST = "I can't hear the microphone. I'll keep trying."
MIC_BACK = "I can hear you again."


def notify_stderr(message: str) -> None:
    """Print a one-line notice."""
    print(f"companion: {message}", file=sys.stderr, flush=True)


class HandsFree:
    """Listens forever: idle until the wake phrase, then a conversation until it ends or goes quiet."""

    def __init__(self, pipeline: VoicePipeline, microphone: Any, sink: Any,
                 notify: Callable[[str], None] = notify_stderr, retry_s: float = 2.0) -> None:
        self.pipeline = pipeline
        self.microphone = microphone
        self.sink = sink
        self.notify = notify
        self.retry_s = retry_s
        self.active = False

    def run(self, max_turns: Optional[int] = None) -> int:
        """Serve turns until interrupted (or `max_turns` answered); returns turns answered."""
        turns = 0
        while max_turns is None or turns < max_turns:
            try:
                turns += self._serve_one()
            except AudioInputError as err:
                self.notify(str(err))
                self._say(MIC_LOST)
                self._wait_for_microphone()
        return turns

    def _chunks(self) -> Iterator[AudioChunk]:
        """Microphone chunks; while a session is open, stop after its silence timeout."""
        deadline = time.monotonic() + self.pipeline.listen.session_timeout_s
        for chunk in self.microphone.chunks():
            yield chunk
            if self.active and not self.sink.is_playing and time.monotonic() > deadline and not self._in_speech:
                return

    def _serve_one(self) -> int:
        endpointer = self.pipeline.endpointer()
        self._endpointer = endpointer
        heard = self.pipeline.hear(self._chunks(), endpointer)
        if heard is None:
            if self.active:
                self.active = False
                self.pipeline.mode = "command"
                self.notify("the conversation went quiet; say the wake phrase to start again")
            return 0
        text = heard.transcript.text
        if self.sink.is_playing:
            if STOP_WORDS & set(text.split()):
                self.sink.stop()
                self.pipeline.emit("wake", barge_in=True)
            else:
                return 0  # most likely our own voice from the speaker
        woke, rest = strip_wake(text, self.pipeline.wake)
        if not self.active and not woke:
            return 0
        if woke and not self.active:
            self.pipeline.emit("wake")
            self.active = True
            if not rest:
                self._say(WAKE_ACK)
                return 0
        turn = self.pipeline.answer(heard, self.sink, text=rest if woke else text)
        for line in turn.reply.texts:
            print(f"companion: {line}", flush=True)
        if turn.reply.session_over:
            self.active = False
            self.pipeline.mode = "command"
        return 1

    @property
    def _in_speech(self) -> bool:
        endpointer = getattr(self, "_endpointer", None)
        return bool(endpointer and endpointer.in_speech)

    def _say(self, text: str) -> None:
        try:
            self.pipeline.speak([text], self.sink)
        except CompanionError as err:
            self.notify(str(err))

    def _wait_for_microphone(self) -> None:
        """Retry the microphone until it is back."""
        while True:
            time.sleep(self.retry_s)
            try:
                self.microphone.reopen()
            except AudioInputError:
                continue
            self.notify(MIC_BACK)
            self._say(MIC_BACK)
            return
