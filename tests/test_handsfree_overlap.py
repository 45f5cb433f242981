"""Answers begun while the companion is still speaking, and its own voice heard by its microphone, with real speech.

The room reacts to the companion (closed loop): each partner starts answering a set time before or after the
question being read out ends, as people do. With `echo`, the microphone also hears every reply the companion plays
(its real synthesised voice, mixed in at the time it plays, as on a speaker with no echo cancellation).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import pytest

from assistant.audio import read_wav, resample
from assistant.handsfree import HandsFree, VirtualSink
from assistant.messages import PCM16K, AudioChunk, SpeechAudio
from assistant.own_voice import OwnWords
from assistant.pipeline import VoicePipeline
from assistant.settings import ListenSettings
from tests.speechgen import SpeechMaker, have_tools
from tests.test_handsfree import REPLAY_VOICE, daytime

needs_tools = pytest.mark.skipif(have_tools() is not None, reason="espeak-ng/sox missing")
CHUNK = 960  # 30 ms of 16 kHz int16
Line = Tuple[str, str, float]  # words, voice ("piper:CENTS" or "espeak:VOICE"), when: s after the reply ends (< 0: before)


class EchoSink(VirtualSink):
    """A speaker in stream time that keeps what it played and when, for the microphone to hear."""

    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        self.played: List[Tuple[float, np.ndarray]] = []
        self.replies = 0

    def begin_turn(self) -> None:
        """A new reply: the room's next line waits for it."""
        self.replies += 1

    def play(self, speech: SpeechAudio) -> None:
        """Queue `speech` and keep its samples at the time they sound."""
        start = max(self.clock(), self.playing_until)
        super().play(speech)
        pcm = resample(speech.audio, speech.format, PCM16K)
        self.played.append((start, np.frombuffer(pcm, "<i2").astype(np.float32)))

    def stop(self) -> None:
        """Cut the speech off now: what was still to come is not heard."""
        now = self.clock()
        self.played = [(s, a[: max(0, int((now - s) * 16000))]) for s, a in self.played]
        super().stop()


class ReactiveRoom:
    """Microphone audio that reacts to the companion: each line starts `when` seconds after the reply before it ends
    (negative: over its end), and, with `echo`, the companion's own voice is heard as it plays."""

    def __init__(self, lines: Sequence[Tuple[bytes, float]], sink: EchoSink, clock: Any, echo: float = 0.0) -> None:
        self.lines, self.sink, self.clock, self.echo = list(lines), sink, clock, echo

    def chunks(self) -> Iterator[AudioChunk]:
        """30 ms chunks of the room, each computed when the loop asks for it."""
        pending: List[Tuple[float, np.ndarray]] = []  # partner speech placed on the timeline
        index, seen, t = 0, 0, 0.0
        while True:
            if index < len(self.lines) and self.sink.replies > seen and not self._speaking(pending, t):
                pcm, when = self.lines[index]
                begin = max(t, self.sink.playing_until + when)
                pending.append((begin, np.frombuffer(pcm, "<i2").astype(np.float32)))
                index, seen = index + 1, self.sink.replies
            if t > self._last_sound(pending) + 12.0 and (index >= len(self.lines) or self.sink.replies <= seen):
                return  # all said and the room quiet; or the companion never answered the last line (no hang)
            chunk = np.zeros(CHUNK // 2, np.float32)
            for start, samples in pending + [(s, a * self.echo) for s, a in self.sink.played if self.echo]:
                lo = int(round((t - start) * 16000))
                if lo + len(chunk) <= 0 or lo >= len(samples):
                    continue
                src = samples[max(0, lo):lo + len(chunk)]
                at = max(0, -lo)
                chunk[at:at + len(src)] += src[: len(chunk) - at]
            yield AudioChunk(np.clip(chunk, -32768, 32767).astype("<i2").tobytes(), PCM16K, 0.0)
            t += len(chunk) / 16000

    @staticmethod
    def _speaking(pending: List[Tuple[float, np.ndarray]], t: float) -> bool:
        return any(start + len(a) / 16000 > t for start, a in pending)

    def _last_sound(self, pending: List[Tuple[float, np.ndarray]]) -> float:
        ends = [s + len(a) / 16000 for s, a in pending] + [self.sink.playing_until]
        return max(ends) if ends else 0.0

    def close(self) -> None:
        """Nothing held."""


class Journal:
    """Keeps each answer as the check-in records it: who it was credited to, for which question, the words."""

    def __init__(self) -> None:
        self.answers: List[Tuple[str, str, str]] = []

    def record(self, kind: str, partner: str, question_id: str, text: str, *args: Any, **kwargs: Any) -> None:
        self.answers.append((partner, question_id, text))


@pytest.fixture(scope="module")
def voice(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Speech for a line in a partner's voice, as 16 kHz int16 PCM."""
    maker = SpeechMaker(tmp_path_factory.mktemp("overlap"))

    def say(text: str, who: str) -> bytes:
        kind, option = who.split(":", 1)
        wav = maker.espeak(text, voice=option) if kind == "espeak" else maker.vary(maker.piper(text),
                                                                                   pitch_cents=int(option))
        pcm, fmt = read_wav(wav)
        assert fmt == PCM16K
        return pcm

    return say


def run_room(conversation: Any, lines: Sequence[Line], voice: Any, echo: float = 0.0,
             journal: Optional[Journal] = None) -> List[Dict[str, Any]]:
    """The live loop with real engines in a room that answers the companion as `lines` say."""
    from assistant.recognizers import load_recognizer
    from assistant.speech import load_synthesizer
    from assistant.stack import load_spotter

    listen = ListenSettings()
    engine = conversation(journal=journal) if journal is not None else conversation()
    pipeline = VoicePipeline(load_recognizer(listen), engine, load_synthesizer(REPLAY_VOICE, clock=daytime), listen)
    rows: List[Dict[str, Any]] = []
    holder: Dict[str, HandsFree] = {}
    clock = lambda: holder["loop"].now  # noqa: E731
    sink = EchoSink(clock)
    sink.replies = 1  # the first line (the request) needs no reply before it
    room = ReactiveRoom([(voice(text, who), when) for text, who, when in lines], sink, clock, echo)
    loop = HandsFree(pipeline, room, sink, load_spotter(listen), on_row=rows.append, notify=lambda m: None,
                     speak_lines=False)
    holder["loop"] = loop
    loop.run()
    return rows


SAM, ALEX = "piper:300", "espeak:en-gb"
REQUEST: Line = ("hey companion let's do our bedtime check in", SAM, 0.0)


@needs_tools
@pytest.mark.parametrize("echo", [0.0, pytest.param(0.5, marks=pytest.mark.xfail(
    reason="open fault: on an idle machine Alex's answer begun 1 s over the question, with the question loud in the "
           "microphone, is cut after the question's own words and its rest is never heard (failed 6 of 7 idle runs, passed "
           "the one run under load: timing); the room used to wait for it forever", strict=False))], ids=["no-echo", "echo"])
def test_an_answer_begun_over_the_end_of_the_question_is_taken_and_credited_to_the_partner_asked(
        conversation, voice, echo: float) -> None:
    """Two answers start while the question is still being read out and go on past it: both are taken, for the
    partner asked, and the turns stay in order (no answer is credited to the other partner)."""
    journal = Journal()
    answers = [("i felt really close to you today maybe a four", SAM, 0.6),
               ("i felt close too i would say four out of five", ALEX, -1.2),  # over the question's end
               ("you made me laugh at dinner with that story", SAM, 0.8),
               ("the way you listened to me after work today", ALEX, -1.0),  # over the question's end
               ("just a quiet evening together would be lovely", SAM, 0.7),
               ("a long walk with you in the morning", ALEX, 0.9)]
    rows = run_room(conversation, [REQUEST, *answers], voice, echo=echo, journal=journal)
    taken = [r for r in rows if r["acted"]]
    assert taken and taken[0]["intent"] == "start_checkin", rows
    kept = [(partner, question) for partner, question, _ in journal.answers]
    first, second = kept[0][0], kept[1][0] if len(kept) > 1 else None
    assert first != second and len(kept) == 6, journal.answers
    assert kept == [(first, "connected"), (second, "connected"), (first, "appreciated"), (second, "appreciated"),
                    (first, "tomorrow"), (second, "tomorrow")], journal.answers
    overlapped = [journal.answers[1][2], journal.answers[3][2]]
    assert "four" in overlapped[0] or "4" in overlapped[0], journal.answers
    assert "listen" in overlapped[1], journal.answers
    closing = taken[-1]["replies"]
    assert closing and not any("?" in line for line in closing), closing


@needs_tools
def test_its_own_voice_heard_by_the_microphone_is_never_answered(conversation, voice) -> None:
    """With its replies loud in the microphone and the couple answering only after each question, every answer is
    taken once and the companion never takes its own words for an answer or a request."""
    journal = Journal()
    answers = [("pretty close today i'd say a four", SAM, 0.8), ("a three for me", ALEX, 0.8),
               ("the coffee you brought me", SAM, 0.8), ("that you called me at lunch", ALEX, 0.8),
               ("an early night", SAM, 0.8), ("help with the shopping", ALEX, 0.8)]
    rows = run_room(conversation, [REQUEST, *answers], voice, echo=0.8, journal=journal)
    assert len(journal.answers) == 6, (journal.answers, rows)
    assert [a[0] for a in journal.answers[::2]] == [journal.answers[0][0]] * 3, journal.answers
    acted = [r for r in rows if r["acted"]]
    assert len(acted) == 7, rows  # the request and six answers: nothing it said itself
    assert not any(r["intent"] == "stop" for r in rows), rows


def test_own_words_are_cut_from_the_start_of_what_was_heard() -> None:
    own = OwnWords()
    own.said(["Thank you.", "Alex, what is one thing you appreciated about Sam today?"])
    assert own.without_own("appreciated about sam today you made me laugh at dinner") == "you made me laugh at dinner"
    assert own.without_own("about same today the way you listened") == "the way you listened"  # a misheard word between
    assert own.without_own("what is one thing you appreciated about sam today") == ""  # only its own voice
    assert own.without_own("you made me laugh at dinner") == "you made me laugh at dinner"  # shares single words only
    assert own.without_own("stop") == "stop"
