"""The always-on loop with real speech, spotter, recogniser, dialogue and voice; only the sound card is simulated.

Room recordings are built from espeak-ng and varied Piper voices (never only the companion's own), with
gaps where the companion's replies would play, and replayed in recording time through the live loop.
"""

from __future__ import annotations

import json
from datetime import datetime
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import pytest

from assistant.audio import MicrophoneSource, read_wav
from assistant.errors import AudioInputError, DialogueError
from assistant.handsfree import APOLOGY, HandsFree, VirtualSink
from assistant.messages import PCM16K, AudioChunk
from assistant.pipeline import VoicePipeline, strip_wake, wake_pattern
from assistant.playback import WavDirSink
from assistant.settings import ListenSettings, VoiceSettings
from tests.speechgen import SpeechMaker, have_tools

needs_tools = pytest.mark.skipif(have_tools() is not None, reason="espeak-ng/sox missing")
# Requests in Piper voices moved away from the companion's own (pitch), talk in espeak-ng voices.
VOICES = (("piper", 300), ("espeak", "en-gb"), ("piper", -150), ("espeak", "en+f3"), ("piper", 500))
Segment = Tuple[str, float]  # words (or "" for silence), seconds of silence after them


def test_wake_phrase_is_found_and_stripped() -> None:
    pattern = wake_pattern("hey companion")
    assert strip_wake("hey companion give us a starter", pattern) == (True, "give us a starter")
    assert strip_wake("okay companion", pattern) == (True, "")
    assert strip_wake("give us a starter", pattern) == (False, "give us a starter")
    assert strip_wake("companionship matters", pattern)[0] is False


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    """Build a room recording: each segment's words in one of several voices, then its silence."""
    maker = SpeechMaker(tmp_path_factory.mktemp("room"))

    def build(segments: Sequence[Segment], voice_of: Optional[Sequence[int]] = None) -> bytes:
        audio = b"\0\0" * 8000
        for n, (text, gap) in enumerate(segments):
            if text:
                kind, option = VOICES[(voice_of[n] if voice_of else n) % len(VOICES)]
                wav = maker.espeak(text, voice=str(option)) if kind == "espeak" else maker.vary(
                    maker.piper(text), pitch_cents=int(option))
                pcm, fmt = read_wav(wav)
                assert fmt == PCM16K
                audio += pcm
            audio += b"\0\0" * int(16000 * gap)
        return audio

    return build


class PcmSource:
    """A recording already in memory, in 30 ms chunks (as fast as the loop takes them)."""

    def __init__(self, audio: bytes) -> None:
        self.audio = audio

    def chunks(self):  # type: ignore[no-untyped-def]
        step = 960
        for offset in range(0, len(self.audio), step):
            yield AudioChunk(self.audio[offset:offset + step], PCM16K, 0.0)

    def close(self) -> None:
        pass


def daytime() -> datetime:
    """The voice's clock in these replays: the day voice, whatever the hour the suite runs at (the dialogue's
    clock is daytime too; the bedtime voice reads slower, and replies then overrun the gaps recorded for them)."""
    return datetime(2026, 6, 1, 14, 0)


# The voice of these replays: the recordings' gaps were laid out for espeak-ng's reply lengths (Piper, the
# default, says some lines longer, and a take-turns floor then starts later than the recording expects).
REPLAY_VOICE = VoiceSettings(engine="pyttsx3")


def replay(conversation: Any, audio: bytes, listen: Optional[ListenSettings] = None,
           wrap: Optional[Callable[[VoicePipeline], None]] = None,
           notices: Optional[List[str]] = None, options: Optional[Callable[[Any], Dict[str, Any]]] = None
           ) -> List[Dict[str, Any]]:
    """Run the live loop over `audio` in recording time with real engines; the rows it reports."""
    from assistant.recognizers import load_recognizer
    from assistant.speech import load_synthesizer
    from assistant.stack import load_spotter

    listen = listen or ListenSettings()
    pipeline = VoicePipeline(load_recognizer(listen), conversation(), load_synthesizer(REPLAY_VOICE, clock=daytime), listen)
    if wrap:
        wrap(pipeline)
    rows: List[Dict[str, Any]] = []
    holder: Dict[str, HandsFree] = {}
    sink = VirtualSink(lambda: holder["loop"].now)
    extra = options(lambda: holder["loop"].now) if options else {}  # e.g. a clock that follows recording time
    loop = HandsFree(pipeline, PcmSource(audio), sink, load_spotter(listen), on_row=rows.append,
                     notify=(notices.append if notices is not None else lambda m: None), speak_lines=False, **extra)
    holder["loop"] = loop
    loop.run()
    return rows


@needs_tools
def test_couple_talk_after_a_starter_gets_no_reply_and_changes_nothing(conversation, room, companion_home):
    audio = room([
        ("hey companion give us a conversation starter about appreciation", 16.0),
        ("that's sweet", 1.0),
        ("i don't know honestly i feel like we never talk about this", 1.2),
        ("stop it you're making me laugh", 1.0),
        ("remember that trip to the lake", 1.5),
        ("hey companion next one", 3.0),
    ], voice_of=[0, 1, 3, 1, 3, 4])
    rows = replay(conversation, audio)
    assert len(rows) >= 6, rows
    first, last = rows[0], rows[-1]
    assert first["woke"] and first["acted"] and first["intent"] == "request_prompt", first
    assert last["woke"] and last["acted"] and last["intent"] == "skip", last
    talk = rows[1:-1]
    assert talk and not any(r["acted"] for r in talk), talk
    assert all(r["heard"] is None for r in talk[1:]), "after talk the window closes: nothing more is transcribed"
    assert all(set(r) == {"start_s", "end_s", "woke", "heard", "acted", "intent", "replies"} for r in rows)
    state = json.loads((companion_home / "state.json").read_text())
    assert not state.get("rotation", {}).get("retired"), state


@needs_tools
def test_nothing_is_transcribed_outside_a_window(conversation, room):
    rows = replay(conversation, room([("give us a conversation starter", 1.0), ("let's do our bedtime check in", 2.0)]))
    assert rows and all(r["heard"] is None and not r["acted"] and not r["woke"] for r in rows), rows


@needs_tools
def test_wake_phrase_alone_then_the_request(conversation, room):
    rows = replay(conversation, room([("hey companion", 3.0), ("give us a conversation starter", 3.0)], voice_of=[0, 2]))
    acted = [r for r in rows if r["acted"]]
    assert acted[0]["woke"] and acted[0]["heard"] == "" and acted[0]["replies"] == [], rows
    assert acted[1]["intent"] == "request_prompt" and not acted[1]["woke"], rows


@needs_tools
def test_checkin_answers_are_taken_without_the_wake_phrase(conversation, room):
    answers = ["i felt close to you today", "pretty connected maybe a four", "the way you made dinner",
               "your hug this morning", "more sleep", "a quiet morning together"]
    segments: List[Segment] = [("hey companion let's do our bedtime check in", 14.0)]
    segments += [(text, 9.0) for text in answers]
    rows = replay(conversation, room(segments, voice_of=[0, 2, 4, 2, 4, 2, 4]))
    taken = [r for r in rows if r["acted"]]
    assert taken[0]["intent"] == "start_checkin", rows
    assert len(taken) == 7, rows
    closing = taken[-1]["replies"]
    assert closing and not any("?" in line for line in closing), closing


class Flaky:
    """Wraps one stage so that its next call raises, once."""

    def __init__(self, target: Any, method: str, error: Exception) -> None:
        self.target, self.method, self.error = target, method, error
        self.real = getattr(target, method)
        self.raised = False
        setattr(target, method, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.raised:
            self.raised = True
            raise self.error
        return self.real(*args, **kwargs)


def _fail_stream(pipeline: VoicePipeline) -> None:
    """The recogniser's first stream fails when it finishes."""
    real = pipeline.recognizer.stream

    class Broken:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def accept(self, audio: bytes) -> None:
            self.inner.accept(audio)

        def partial(self) -> str:
            return ""

        def finish(self) -> Any:
            self.inner.finish()
            raise RuntimeError("decoder fell over")

    state = {"n": 0}

    def stream(mode: str, expects: Any = None) -> Any:
        state["n"] += 1
        return Broken(real(mode, expects)) if state["n"] == 1 else real(mode, expects)

    pipeline.recognizer.stream = stream  # type: ignore[method-assign]


STAGES: Dict[str, Callable[[VoicePipeline], Any]] = {
    "recogniser": _fail_stream,
    "dialogue": lambda p: Flaky(p.engine, "respond", DialogueError("the dialogue failed on that turn")),
    "speech": lambda p: Flaky(p.synthesizer, "synthesize", RuntimeError("espeak went away")),
    "playback": lambda p: None,  # wrapped on the sink below
}


@needs_tools
@pytest.mark.parametrize("stage", ["recogniser", "dialogue", "speech", "playback"])
def test_the_loop_survives_a_failure_in_any_stage(conversation, room, stage):
    audio = room([("hey companion give us a conversation starter", 14.0),
                  ("hey companion give us a conversation starter about desire", 14.0)], voice_of=[0, 2])
    notices: List[str] = []
    played: List[str] = []

    def wrap(pipeline: VoicePipeline) -> None:
        STAGES[stage](pipeline)
        if stage == "playback":
            real_speak = pipeline.speak
            calls = {"n": 0}

            def speak(texts: Any, sink: Any) -> Any:
                calls["n"] += 1
                if calls["n"] == 1:
                    raise OSError("the sound card went away")
                played.extend(texts)
                return real_speak(texts, sink)

            pipeline.speak = speak  # type: ignore[method-assign]

    rows = replay(conversation, audio, wrap=wrap, notices=notices)
    assert any("still listening" in n for n in notices), notices
    assert len([n for n in notices if "still listening" in n]) == 1, notices
    served = [r for r in rows if r["acted"] and r["intent"] == "request_prompt"]
    assert served, rows  # the next request after the failure is answered
    if stage == "playback":
        assert APOLOGY in played or any("Sorry" in t for t in played), played


class FakeInputStream:
    """Plays a script of audio into sounddevice's callback from a thread, like a sound card."""

    def __init__(self, audio: bytes, blocksize: int, callback: Any, lose_after_s: float = -1) -> None:
        self.audio, self.blocksize, self.callback = audio, blocksize, callback
        self.active = True
        self.lose_after_s = lose_after_s
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        step = self.blocksize * 2
        start = time.monotonic()
        offset = 0
        while self.active:
            if 0 <= self.lose_after_s < time.monotonic() - start:
                self.active = False  # unplugged: the stream just stops
                return
            block = self.audio[offset:offset + step] or b"\0" * step  # then silence, like a quiet room
            offset += step
            self.callback(block, self.blocksize, None, None)
            time.sleep(0.002)

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.active = False


@needs_tools
def test_a_lost_microphone_is_said_and_the_loop_goes_on(conversation, room, tmp_path: Path):
    from assistant.recognizers import load_recognizer
    from assistant.speech import load_synthesizer
    from assistant.stack import load_spotter

    listen = ListenSettings()
    script = [room([("hey companion give us a conversation starter", 2.0)]),
              room([("hey companion say that again", 2.0)])]
    opened: List[int] = []

    def factory(device: Any, blocksize: int, callback: Any) -> FakeInputStream:
        opened.append(1)
        if len(opened) == 2:
            raise AudioInputError("no microphone found")  # still unplugged at the first retry
        audio = script[0] if len(opened) == 1 else script[1]
        return FakeInputStream(audio, blocksize, callback, lose_after_s=4.0 if len(opened) == 1 else -1)

    notices: List[str] = []
    rows: List[Dict[str, Any]] = []
    microphone = MicrophoneSource(stream_factory=factory, stall_timeout_s=0.5)
    sink = WavDirSink(tmp_path / "out")
    pipeline = VoicePipeline(load_recognizer(listen), conversation(), load_synthesizer(REPLAY_VOICE, clock=daytime), listen)
    loop = HandsFree(pipeline, microphone, sink, load_spotter(listen), notify=notices.append, retry_s=0.1,
                     on_row=rows.append, speak_lines=False)
    done = threading.Thread(target=lambda: loop.run(max_rows=2), daemon=True)
    done.start()
    done.join(60)
    microphone.close()
    assert any("lost the microphone" in n for n in notices), notices
    assert any("hear you again" in n for n in notices), notices
    assert len(opened) >= 3
    acted = [r for r in rows if r["acted"]]
    assert acted and acted[0]["intent"] == "request_prompt", rows
    assert len(acted) == 2 and acted[1]["woke"], rows  # heard again, and answered, once the microphone is back


class FullDiskJournal:
    """A journal whose disk is full: every write fails the way the real one reports it."""

    def __init__(self) -> None:
        self.calls = 0

    def record(self, *args: Any, **kwargs: Any) -> None:
        from assistant.errors import StorageError

        self.calls += 1
        raise StorageError("cannot write the journal: no space left on device")


@needs_tools
def test_a_failing_journal_does_not_stop_the_checkin_or_the_loop(conversation, room, capsys):
    journal = FullDiskJournal()
    answers = ["i felt close to you today", "a four for me"]
    segments: List[Segment] = [("hey companion let's do our bedtime check in", 14.0)]
    segments += [(text, 15.0) for text in answers]
    rows = replay(lambda: conversation(journal=journal), room(segments, voice_of=[0, 2, 4]))
    taken = [r for r in rows if r["acted"]]
    assert len(taken) == 3, rows  # the request and both answers
    assert journal.calls == 1  # said once, then the check-in goes on without the journal
    assert any("journal" in " ".join(r["replies"]).lower() or "save" in " ".join(r["replies"]).lower()
               for r in taken[1:]), taken
