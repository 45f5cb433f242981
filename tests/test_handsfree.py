"""The hands-free loop with real speech, recogniser, dialogue and voice; only the sound card is simulated."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import List

import pytest

from assistant.audio import MicrophoneSource, read_wav
from assistant.errors import AudioInputError
from assistant.handsfree import HandsFree
from assistant.pipeline import VoicePipeline, strip_wake, wake_pattern
from assistant.playback import WavDirSink
from assistant.settings import ListenSettings, VoiceSettings
from tests.speechgen import SpeechMaker, have_tools

needs_tools = pytest.mark.skipif(have_tools() is not None, reason="espeak-ng/sox missing")


def test_wake_phrase_is_found_and_stripped():
    pattern = wake_pattern("hey companion")
    assert strip_wake("hey companion give us a starter", pattern) == (True, "give us a starter")
    assert strip_wake("okay companion", pattern) == (True, "")
    assert strip_wake("give us a starter", pattern) == (False, "give us a starter")
    assert strip_wake("companionship matters", pattern)[0] is False


class FakeInputStream:
    """Plays a script of audio into sounddevice's callback from a thread, like a sound card."""

    def __init__(self, audio: bytes, blocksize: int, callback, lose_after_s: float = -1) -> None:
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
            time.sleep(0.005)

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.active = False


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    maker = SpeechMaker(tmp_path_factory.mktemp("handsfree"))

    def say(*texts: str) -> bytes:
        audio = b""
        for text in texts:
            pcm, _ = read_wav(maker.vary(maker.piper(text), pad_s=(0.3, 1.0)))
            audio += pcm
        return audio

    return say


@needs_tools
def test_wake_then_conversation_and_a_lost_microphone(conversation, speech, tmp_path: Path):
    from assistant.recognizers import load_recognizer
    from assistant.speech import load_synthesizer

    listen = ListenSettings(session_timeout_s=30)
    script = [speech("hey companion give us a conversation starter"), speech("say that again")]
    opened: List[int] = []

    def factory(device, blocksize, callback):
        opened.append(1)
        if len(opened) == 2:
            raise AudioInputError("no microphone found")  # still unplugged at the first retry
        audio = script[0] if len(opened) == 1 else script[1]
        return FakeInputStream(audio, blocksize, callback, lose_after_s=6.0 if len(opened) == 1 else -1)

    notices: List[str] = []
    microphone = MicrophoneSource(stream_factory=factory, stall_timeout_s=0.5)
    sink = WavDirSink(tmp_path / "out")
    pipeline = VoicePipeline(load_recognizer(listen), conversation(), load_synthesizer(VoiceSettings()), listen)
    loop = HandsFree(pipeline, microphone, sink, notify=notices.append, retry_s=0.1)
    assert loop.run(max_turns=2) == 2
    microphone.close()
    assert any("lost the microphone" in n for n in notices), notices
    assert any("hear you again" in n for n in notices)
    assert len(opened) >= 3
    replies = [p.name for p in sink.paths]
    assert replies, "no speech was written"


@needs_tools
def test_idle_speech_without_wake_phrase_is_ignored(conversation, speech, tmp_path: Path):
    from assistant.recognizers import load_recognizer
    from assistant.speech import load_synthesizer

    listen = ListenSettings(session_timeout_s=2)
    audio = speech("give us a conversation starter")

    def factory(device, blocksize, callback):
        return FakeInputStream(audio, blocksize, callback)

    microphone = MicrophoneSource(stream_factory=factory, stall_timeout_s=0.5)
    sink = WavDirSink(tmp_path / "out")
    pipeline = VoicePipeline(load_recognizer(listen), conversation(), load_synthesizer(VoiceSettings()), listen)
    loop = HandsFree(pipeline, microphone, sink, notify=lambda m: None)
    done = threading.Event()
    result: List[int] = []

    def serve() -> None:
        result.append(loop._serve_one())
        done.set()

    threading.Thread(target=serve, daemon=True).start()
    assert done.wait(20)
    microphone.close()
    assert result == [0] and not sink.paths and not loop.active
