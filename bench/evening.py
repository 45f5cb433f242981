"""Write "evening in the room" recordings with labels, for the replay bench and wake false-accept measurement.

    .venv/bin/python bench/evening.py --out DIR [--seed N] [--couple-talk FILE] [--evenings 4] [--talk-minutes 20]

Each evening-NN.wav (16 kHz mono int16, a few minutes, two voices, faint room noise) has evening-NN.json:
{"wav", "duration_s", "speakers": [voice, voice], "segments": [...]} with each segment
{"start_s", "end_s", "kind", "text", "speaker"} (speaker 0 or 1), and "clock": the wall-clock time the evening starts (the replay runs
at it: bedtime, the bedtime voice). kind is one of
wake_request (wake phrase and request in one breath), followup (said without the wake phrase: "after" is
"reply" when it starts within 3 s of where the companion's reply would end, "wake_only" when it follows a
lone wake phrase), couple_talk, checkin_answer ("addressed": the partner the companion asked, "question":
1-3), wake_only (the phrase alone). Gaps where the companion would speak are silent (plus room noise): the
replay bench plays its replies there. talk-only.wav (+ .json) is >= 20 min of couple talk with no wake phrase.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

RATE = 16000
DEFAULT_TALK = HERE.parent / "tests" / "data" / "couple_talk_eval.txt"  # the blind evaluation lines
WAKE = "hey companion"

# Couple talk when no file is given: everyday lines between partners, none addressed to the companion.
BUILTIN_TALK = [
    "hmm that's a hard one", "you go first", "okay let me think about it", "i don't know honestly",
    "i think for me it's when you hold my hand in the car", "really i never knew that",
    "that's sweet of you to say", "remember the night we got lost walking home", "we should do that again",
    "i liked it when you cooked for me last week", "can i be honest about something", "of course you can",
    "sometimes i feel a bit shy saying what i want", "me too if i'm being honest", "that makes me happy",
    "what about you", "i'd like more slow mornings together", "let's plan one for sunday",
    "that was a good question actually", "no wait let me start again", "you're laughing at me",
    "i'm not laughing i promise", "okay maybe a little", "come here", "i love that you asked that",
    "we never really talk about this stuff", "it's nice though", "yeah it is",
]

WAKE_REQUESTS = {
    "starter": [
        "hey companion give us a conversation starter about desire",
        "hey companion can we have a conversation starter about desire",
        "hey companion we'd like a question about desire please",
        "hey companion give us something to talk about on desire",
        "hey companion a conversation starter about appreciation please",
        "hey companion could you give us a starter about communication",
        "hey companion ask us something about pleasure",
        "hey companion give us a question about initiation",
    ],
    "checkin": [
        "hey companion let's do our bedtime check-in",
        "hey companion start the bedtime check-in",
        "hey companion we're ready for our check-in",
        "hey companion can we do a bedtime check-in please",
        "hey companion time for our evening check-in",
    ],
}
FOLLOWUPS = ["next one", "another one please", "save that one", "can you say that again", "next question please",
             "save this one", "give us a different one"]
WAKE_ONLY_REQUESTS = ["next one", "another starter please", "save that one", "a different question please"]
CHECKIN_ANSWERS = [  # per question: connected (one to five), appreciated, tomorrow
    ["four", "i'd say a four", "probably a three today", "five", "a solid four i think", "three maybe",
     "pretty close so four", "honestly a five"],
    ["you made me laugh at dinner", "that you called me at lunch", "you listened when i was upset",
     "the coffee you brought me this morning", "how patient you were with my mum", "that you held me on the sofa",
     "you remembered my meeting", "the walk we took after work"],
    ["just some quiet time in the evening", "a hug before i leave", "help with the shopping",
     "nothing really i'm good", "an early night", "maybe a call at lunch", "time to go for a run",
     "a bit of patience i've got a long day"],
]


@dataclass(frozen=True)
class Voice:
    """A synthetic speaker: an engine, its voice, and a sox pitch/tempo change."""

    name: str
    engine: str  # "espeak" or "piper"
    espeak_voice: str = "en-us"
    speed: int = 150
    pitch: int = 50
    pitch_cents: int = 0
    tempo: float = 1.0


VOICES = [
    Voice("espeak-en-us-f3", "espeak", "en-us+f3", 155, 60),
    Voice("espeak-en-gb-m3", "espeak", "en-gb+m3", 145, 40),
    Voice("espeak-en-us-m1", "espeak", "en-us+m1", 160, 45),
    Voice("espeak-en-gb-scotland-f2", "espeak", "en-gb-scotland+f2", 150, 65),
    Voice("espeak-en-029-m2", "espeak", "en-029+m2", 140, 50),
    Voice("espeak-en-us-nyc-f4", "espeak", "en-us-nyc+f4", 165, 55),
    Voice("piper-joe-high", "piper", pitch_cents=350, tempo=1.05),
    Voice("piper-joe-low", "piper", pitch_cents=-250, tempo=0.95),
    Voice("espeak-en-gb-rp-f1", "espeak", "en-gb-x-rp+f1", 150, 58),
    Voice("piper-joe", "piper"),
]


def read_lines(path: Optional[Path]) -> List[str]:
    """Couple-talk lines from a file (one per line, blanks and # comments skipped), else the built-in list."""
    if path is None:
        return list(BUILTIN_TALK)
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise SystemExit(f"evening: no lines in {path}")
    return lines


def read_pcm(path: Path) -> np.ndarray:
    """A 16 kHz mono int16 WAV's samples as float32 in [-1, 1]."""
    with wave.open(str(path)) as handle:
        if handle.getframerate() != RATE or handle.getnchannels() != 1 or handle.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16 kHz mono int16")
        return np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


def write_pcm(path: Path, samples: np.ndarray) -> None:
    """Write float samples as a 16 kHz mono int16 WAV."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(pcm.tobytes())


class Speaker:
    """Turns text into 16 kHz samples in one voice, cached on disk by recipe."""

    def __init__(self, cache_dir: Path) -> None:
        from speechgen import SpeechMaker

        self.maker = SpeechMaker(cache_dir, repeatable=False)

    def say(self, voice: Voice, text: str) -> np.ndarray:
        """The voice saying the text, trimmed of leading and trailing silence, at 16 kHz."""
        if voice.engine == "piper":
            src = self.maker.piper(text)
        else:
            src = self.maker.espeak(text, voice.espeak_voice, voice.speed, voice.pitch)
        wav = self.maker.vary(src, pitch_cents=voice.pitch_cents, tempo=voice.tempo, rate=RATE)
        return trim(read_pcm(wav))


def trim(samples: np.ndarray, floor: float = 0.01) -> np.ndarray:
    """Cut leading and trailing near-silence (keeping 50 ms either side)."""
    loud = np.flatnonzero(np.abs(samples) > floor)
    if loud.size == 0:
        return samples
    pad = RATE // 20
    return samples[max(0, loud[0] - pad):loud[-1] + pad]


def room_noise(seconds: float, rng: random.Random) -> np.ndarray:
    """Faint room noise from sox: brown noise, some pink noise and a low fan hum."""
    with tempfile.TemporaryDirectory(prefix="evening-noise-") as tmp:
        out = Path(tmp) / "noise.wav"
        fan_hz = rng.choice([50, 60, 100, 120])
        cmd = ["sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(out), "synth", f"{seconds:.2f}",
               "brownnoise", "synth", "pinknoise", "mix", "synth", "sine", "mix", str(fan_hz),
               "vol", f"{rng.uniform(0.006, 0.015):.4f}"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"evening: sox failed: {done.stderr.strip()[:200]}")
        return read_pcm(out)


class Evening:
    """A recording being laid out: speech placed on a timeline, with labels."""

    def __init__(self, speaker: Speaker, voices: Sequence[Voice], rng: random.Random) -> None:
        self.speaker, self.voices, self.rng = speaker, list(voices), rng
        self.clips: List[Tuple[float, np.ndarray]] = []
        self.segments: List[Dict] = []
        self.t = rng.uniform(1.0, 3.0)
        self.levels = [rng.uniform(0.35, 0.8) for _ in voices]  # each partner's distance from the microphone

    def say(self, who: int, text: str, kind: str, **extra: object) -> None:
        """Place one utterance at the current time and move the clock past it."""
        samples = self.speaker.say(self.voices[who], text)
        peak = float(np.max(np.abs(samples))) or 1.0
        samples = samples * (self.levels[who] * self.rng.uniform(0.85, 1.1) / peak)
        end = self.t + len(samples) / RATE
        self.clips.append((self.t, samples))
        self.segments.append({"start_s": round(self.t, 3), "end_s": round(end, 3), "kind": kind, "text": text,
                              "speaker": who, **extra})
        self.t = end

    def gap(self, low: float, high: Optional[float] = None) -> None:
        """Silence (room noise only) before the next utterance."""
        self.t += low if high is None else self.rng.uniform(low, high)

    def couple_talk(self, lines: Sequence[str], count: int) -> None:
        """`count` lines between the partners, mostly taking turns, with natural 0.5-2 s gaps."""
        who = self.rng.randrange(2)
        for _ in range(count):
            self.say(who, self.rng.choice(lines), "couple_talk")
            self.gap(0.5, 2.0)
            if self.rng.random() < 0.8:
                who = 1 - who

    def render(self) -> np.ndarray:
        """The mixed recording: speech over faint room noise."""
        total = self.t + self.rng.uniform(2.0, 4.0)
        mix = room_noise(total, self.rng)[: int(total * RATE)]
        if len(mix) < int(total * RATE):
            mix = np.pad(mix, (0, int(total * RATE) - len(mix)))
        for start, samples in self.clips:
            i = int(start * RATE)
            mix[i:i + len(samples)] += samples[: len(mix) - i]
        return mix


def script_evening(ev: Evening, lines: Sequence[str]) -> None:
    """One evening: a starter and follow-ups, couple talk, a whole bedtime check-in, talk after it, a lone wake."""
    rng = ev.rng
    ev.couple_talk(lines, rng.randint(1, 3))
    for _ in range(2):
        ev.say(rng.randrange(2), rng.choice(WAKE_REQUESTS["starter"]), "wake_request")
        ev.gap(15.5, 17.5)  # the starter and the step-back line are read out (bedtime voice)
        if rng.random() < 0.7:
            ev.gap(0.4, 2.5)  # a follow-up within 3 s of the reply ending
            ev.say(rng.randrange(2), rng.choice(FOLLOWUPS), "followup", after="reply")
            ev.gap(7.0, 10.0)
        ev.couple_talk(lines, rng.randint(6, 12))
        ev.gap(1.0, 3.0)
    ev.gap(1.0, 3.0)
    ev.say(rng.randrange(2), rng.choice(WAKE_REQUESTS["checkin"]), "wake_request")
    # The answers come after each question has been read out, as people wait for it: the opening and the first
    # question take 13.7 s in the bedtime voice (pyttsx3), each later question 5-7 s, plus the endpointer's
    # trailing silence before the companion starts to speak. (With 13-15 s and 8-10 s here, the first answer fell
    # while the opening still played and every later one answered the question before.)
    ev.gap(15.5, 17.5)  # opening and the first question to partner 1
    for question in range(3):
        for who in (0, 1):
            ev.say(who, rng.choice(CHECKIN_ANSWERS[question]), "checkin_answer", addressed=who,
                   question=question + 1)
            ev.gap(9.0, 11.0)  # the next question, to the other partner by name
    ev.gap(6.0, 8.0)  # the closing
    ev.couple_talk(lines, rng.randint(3, 6))
    ev.gap(1.0, 3.0)
    who = rng.randrange(2)
    ev.say(who, WAKE, "wake_only")
    ev.gap(1.0, 2.5)
    ev.say(who, rng.choice(WAKE_ONLY_REQUESTS), "followup", after="wake_only")
    ev.gap(8.0, 10.0)
    ev.couple_talk(lines, rng.randint(2, 4))


def write_recording(out: Path, name: str, ev: Evening, clock: str = "22:00") -> Path:
    """Write NAME.wav and NAME.json (labels) and return the WAV path."""
    audio = ev.render()
    wav = out / f"{name}.wav"
    write_pcm(wav, audio)
    labels = {"wav": wav.name, "duration_s": round(len(audio) / RATE, 3), "clock": clock,
              "speakers": [v.name for v in ev.voices], "segments": ev.segments}
    (out / f"{name}.json").write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
    return wav


def evening_clock(n: int) -> str:
    """When evening n takes place: between 21:30 and 23:20, after the default bedtime hour (21)."""
    minutes = 21 * 60 + 30 + (n * 37) % 110
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def talk_only(speaker: Speaker, lines: Sequence[str], rng: random.Random, minutes: float) -> Evening:
    """Couple talk looped over several voice pairs until `minutes` of recording, no wake phrase."""
    pairs = [rng.sample(VOICES, 2) for _ in range(4)]
    ev = Evening(speaker, pairs[0], rng)
    turn = 0
    while ev.t < minutes * 60:
        ev.voices = pairs[(turn // 40) % len(pairs)]  # a new couple every 40 lines
        ev.couple_talk(lines, 1)
        turn += 1
    return ev


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Write the evening recordings and the talk-only recording."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the WAVs and labels")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--couple-talk", type=Path, default=None,
                        help=f"couple-talk lines, one per line (default {DEFAULT_TALK} if present, else built-in)")
    parser.add_argument("--evenings", type=int, default=4)
    parser.add_argument("--talk-minutes", type=float, default=20.0, help="length of talk-only.wav (0: none)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "companion-evening-cache")
    args = parser.parse_args(argv)
    talk_file = args.couple_talk or (DEFAULT_TALK if DEFAULT_TALK.exists() else None)
    try:
        lines = read_lines(talk_file)
    except OSError as err:
        print(f"evening: cannot read {talk_file}: {err}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    speaker = Speaker(args.cache)
    for n in range(args.evenings):
        pair = rng.sample(VOICES, 2)
        ev = Evening(speaker, pair, rng)
        script_evening(ev, lines)
        wav = write_recording(args.out, f"evening-{n + 1:02d}", ev, clock=evening_clock(n))
        print(f"{wav}: {ev.t / 60:.1f} min, {pair[0].name} + {pair[1].name}, {len(ev.segments)} segments")
    if args.talk_minutes > 0:
        wav = write_recording(args.out, "talk-only", talk_only(speaker, lines, rng, args.talk_minutes))
        print(f"{wav}: {args.talk_minutes:.0f}+ min of couple talk, no wake phrase")
    print(f"couple talk from {talk_file or 'the built-in list'} ({len(lines)} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
