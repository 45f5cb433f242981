"""Wake spotter: false accepts per hour of talk vs. false rejects over a threshold sweep, and CPU per hour.

    nice -n 10 .venv/bin/python bench/wake.py [--quick] [--talk-wav talk-only.wav] [--cache DIR]

Talk without the phrase (tuning): the real human recordings in ../shared/speech-to-intent/clips, Debian's
pocketsphinx-testdata, Piper joe (the companion's voice) reading starters, and the development couple-talk lines
(tests/data/couple_talk_dev.txt) in varied voices, looped twice. Held out (not tuned on):
bench/evening.py's talk-only recording of the evaluation couple-talk lines. The phrase: espeak-ng and Piper voices
(sox pitch/tempo), alone and with a request in the same breath, over faint room noise and over kitchen noise at
12 dB SNR; voices alternate between a tuning half and a held-out half. One sweep decoder spots the phrase at
every threshold at once (one keyphrase per threshold) for the first stage alone; then the real
PocketSphinxWakeSpotter runs on all of it three ways (the two-stage default, its first stage alone, and the
single-stage default it replaced), and its CPU is compared with full transcription by the command recogniser.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "tests")]

import evening  # noqa: E402
from benchlib import machine, machine_line, markdown_table  # noqa: E402

RATE = 16000
SHARED = HERE.parent.parent / "shared" / "speech-to-intent"
S2I_DIRS = [SHARED, Path("/work/shared/speech-to-intent")]
DEV_TALK = HERE.parent / "tests" / "data" / "couple_talk_dev.txt"
THRESHOLDS = [1e-5, 1e-10, 1e-15, 1e-20, 1e-25, 1e-30, 1e-35, 1e-40, 1e-45, 1e-50]
PHRASE = "hey companion"
FORMS = ["hey companion", "hey companion next one", "hey companion give us a conversation starter",
         "hey companion save that one", "hey companion let's do our bedtime check-in"]
# Things said in bed that begin like the phrase ("hey com..."), in every voice: the first half of the phrase fits
# them well. Two lists written apart: the first is talk the floors may be tuned on, the second is held out.
NEAR_MISSES = ["hey come here", "hey come here you", "hey come on then", "hey can you pass me that", "hey compadre",
               "hey come and lie down", "hey come closer", "hey champion", "hey come on in", "hey cutie come here"]
NEAR_MISSES_HELD_OUT = ["hey come over here", "hey comfy", "hey come on", "hey you come back here",
                        "hey come cuddle me", "hey company's coming tomorrow", "hey come to bed",
                        "hey can we talk", "hey come along now", "hey cosy enough"]
EXTRA_VOICES = [
    evening.Voice("espeak-en-us", "espeak", "en-us", 150, 50),
    evening.Voice("espeak-en-gb", "espeak", "en-gb", 150, 50),
    evening.Voice("espeak-en-f3", "espeak", "en+f3", 150, 50),
    evening.Voice("espeak-en-m3", "espeak", "en+m3", 140, 45),
    evening.Voice("espeak-en-us-f5-fast", "espeak", "en-us+f5", 180, 60),
    evening.Voice("espeak-en-gb-rp-m4-slow", "espeak", "en-gb-x-rp+m4", 125, 40),
    evening.Voice("piper-joe-p200-t0.85", "piper", pitch_cents=200, tempo=0.85),
    evening.Voice("piper-joe-m150-t1.15", "piper", pitch_cents=-150, tempo=1.15),
]


@dataclass
class Clip:
    """One stretch of audio: where it came from, its samples, and where the phrase starts (None: no phrase)."""

    source: str
    pcm: bytes
    held_out: bool = False
    phrase_start_s: Optional[float] = None

    @property
    def seconds(self) -> float:
        """Length in seconds."""
        return len(self.pcm) / (2 * RATE)


def sox_pcm(path: Path, raw_rate: Optional[int] = None) -> bytes:
    """Any audio file as 16 kHz mono int16 bytes (headerless .raw files are read as raw_rate int16)."""
    src = ["-t", "raw", "-r", str(raw_rate), "-e", "signed", "-b", "16", "-c", "1"] if raw_rate else []
    done = subprocess.run(["sox", "-R", "-V1", *src, str(path), "-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16",
                           "-c", "1", "-"], capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"sox cannot read {path}: {done.stderr.decode()[:200]}")
    return done.stdout


def to_pcm(samples: np.ndarray) -> bytes:
    """Float samples as int16 bytes."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def s2i_dir() -> Path:
    """The shared real-speech folder."""
    for folder in S2I_DIRS:
        if (folder / "clips").is_dir():
            return folder
    raise SystemExit("wake bench: ../shared/speech-to-intent/clips not found")


def real_speech(limit: Optional[int]) -> List[Clip]:
    """The speech-to-intent recordings (real people) and Debian's pocketsphinx-testdata."""
    clips = [Clip("speech-to-intent (real, 50+ speakers)", sox_pcm(p))
             for p in sorted((s2i_dir() / "clips").glob("*.flac"))[:limit]]
    listed = subprocess.run(["dpkg", "-L", "pocketsphinx-testdata"], capture_output=True, text=True).stdout.split()
    for name in listed:
        path = Path(name)
        if path.suffix in (".wav", ".raw") and path.is_file():
            clips.append(Clip("pocketsphinx-testdata (real)", sox_pcm(path, 16000 if path.suffix == ".raw" else None)))
    return clips


def synthetic_talk(speaker: "evening.Speaker", starters: Optional[int], limit: Optional[int]) -> List[Clip]:
    """Piper joe reading starters, and the development couple-talk lines in varied voices, looped twice."""
    import yaml

    prompts = yaml.safe_load((HERE.parent / "dialogues" / "prompts.yml").read_text(encoding="utf-8"))["prompts"]
    joe = evening.Voice("piper-joe", "piper")
    clips = [Clip("Piper joe reading starters", to_pcm(speaker.say(joe, p["text"]))) for p in prompts[::2][:starters]]
    lines = evening.read_lines(DEV_TALK if DEV_TALK.exists() else None)[:limit]
    voices = evening.VOICES
    for loop in range(2):
        for i, line in enumerate(lines):
            voice = voices[(i + loop * 3) % len(voices)]
            clips.append(Clip("couple talk, dev lines, 10 voices", to_pcm(speaker.say(voice, line) * 0.6)))
    return clips + near_misses(speaker, NEAR_MISSES, held_out=False)


def near_misses(speaker: "evening.Speaker", lines: Sequence[str], held_out: bool) -> List[Clip]:
    """Each line that begins like the phrase, in every voice, with a little room noise either side."""
    rng = random.Random(5 + held_out)
    clips = []
    for voice in list(evening.VOICES) + EXTRA_VOICES:
        for line in lines:
            speech = speaker.say(voice, line)
            speech = speech * (rng.uniform(0.3, 0.8) / (float(np.max(np.abs(speech))) or 1.0))
            pad = int(0.8 * RATE)
            mix = evening.room_noise((len(speech) + 2 * pad) / RATE + 0.1, rng)[:len(speech) + 2 * pad]
            mix = np.pad(mix, (0, len(speech) + 2 * pad - len(mix)))
            mix[pad:pad + len(speech)] += speech
            clips.append(Clip(f"sounds like the phrase ({'held out' if held_out else 'tuning'})", to_pcm(mix),
                              held_out=held_out))
    return clips


def held_out_talk(path: Optional[Path], speaker: "evening.Speaker", minutes: float) -> List[Clip]:
    """bench/evening.py's talk-only recording (evaluation lines), cut into 30 s pieces."""
    if path is None:
        rng = random.Random(11)
        lines = evening.read_lines(evening.DEFAULT_TALK if evening.DEFAULT_TALK.exists() else None)
        pcm = to_pcm(evening.talk_only(speaker, lines, rng, minutes).render())
    else:
        pcm = sox_pcm(path)
    step = 30 * RATE * 2
    return [Clip("talk-only.wav (eval lines; held out)", pcm[i:i + step], held_out=True)
            for i in range(0, len(pcm), step)] + near_misses(speaker, NEAR_MISSES_HELD_OUT, held_out=True)


def kitchen_noise() -> np.ndarray:
    """The benchmark's kitchen noise."""
    return np.frombuffer(sox_pcm(s2i_dir() / "noise" / "kitchen.flac"), dtype="<i2").astype(np.float32) / 32768.0


def phrase_clips(speaker: "evening.Speaker", rng: random.Random) -> List[Clip]:
    """The phrase in every voice and form, over room noise and over kitchen noise at 12 dB SNR."""
    kitchen = kitchen_noise()
    clips = []
    for v, voice in enumerate(list(evening.VOICES) + EXTRA_VOICES):
        for form in FORMS:
            speech = speaker.say(voice, form)
            speech = speech * (rng.uniform(0.3, 0.8) / (float(np.max(np.abs(speech))) or 1.0))
            lead, tail = rng.uniform(0.6, 1.2), 1.0
            for noisy in (False, True):
                total = int((lead + tail) * RATE) + len(speech)
                mix = evening.room_noise(total / RATE + 0.1, rng)[:total]
                mix = np.pad(mix, (0, total - len(mix)))
                i = int(lead * RATE)
                mix[i:i + len(speech)] += speech
                if noisy:
                    offset = rng.randrange(0, len(kitchen) - total)
                    noise = kitchen[offset:offset + total]
                    gain = np.sqrt(np.mean(speech ** 2) / (np.mean(noise ** 2) + 1e-12)) / (10 ** (12 / 20))
                    mix += noise * gain
                label = f"{voice.engine}, {'kitchen 12 dB' if noisy else 'room noise'}"
                clips.append(Clip(label, to_pcm(mix), held_out=v % 2 == 1, phrase_start_s=lead))
    return clips


class Sweep:
    """One PocketSphinx keyphrase search spotting the phrase at every threshold (a renamed copy for each)."""

    def __init__(self, thresholds: Sequence[float], phone_loop: float) -> None:
        import pocketsphinx as ps

        from assistant.recognizers.pocketsphinx import HUMAN_CMN_INIT
        from assistant.wake import activate_kws, add_keyphrases, phrase_variants, pronunciations

        self.thresholds = list(thresholds)
        self.decoder = ps.Decoder(loglevel="FATAL", cmninit=HUMAN_CMN_INIT, lm=None, keyphrase=None, dict=None,
                                  kws_plp=phone_loop)
        words = PHRASE.split()
        variants = phrase_variants(words, pronunciations(words, Path(ps.get_model_path()) / "en-us" /
                                                         "cmudict-en-us.dict"))
        self.names: Dict[str, float] = {}
        for n, threshold in enumerate(self.thresholds):
            for line in add_keyphrases(self.decoder, words, variants, tag=f"t{n}"):
                self.names[line] = threshold
        activate_kws(self.decoder, self.names, "sweep")

    def hits(self, clip: Clip) -> Dict[float, List[float]]:
        """Start times (s) of the detections in one clip, per threshold."""
        self.decoder.start_utt()
        self.decoder.process_raw(clip.pcm, False, False)
        self.decoder.end_utt()
        found: Dict[float, List[float]] = {th: [] for th in self.thresholds}
        for seg in self.decoder.seg() or []:
            name = seg.word.strip()
            starts = found[self.names[name]] if name in self.names else []
            start = seg.start_frame / 100.0
            if not any(abs(start - s) < 1.0 for s in starts):  # variants of one utterance count once
                starts.append(start)
        return found


def rejected(clip: Clip, starts: Sequence[float]) -> bool:
    """A phrase clip with no hit starting near where the phrase starts."""
    return not any(abs(s - clip.phrase_start_s) < 0.6 for s in starts)


def score(clips: Sequence[Clip], per_clip: List[Dict[float, List[float]]], threshold: float,
          held_out: bool) -> Tuple[int, float, int, int]:
    """False accepts, hours of talk, false rejects, phrases, for one threshold on one half."""
    fa, seconds, fr, phrases = 0, 0.0, 0, 0
    for clip, found in zip(clips, per_clip):
        if clip.held_out != held_out:
            continue
        starts = found[threshold]
        if clip.phrase_start_s is None:
            fa += len(starts)
            seconds += clip.seconds
        else:
            phrases += 1
            fr += rejected(clip, starts)
    return fa, seconds / 3600.0, fr, phrases


def run_spotter(clips: Sequence[Clip], threshold: Optional[float] = None, phone_loop: Optional[float] = None,
                verify: bool = True) -> Tuple[List[List[float]], float, int]:
    """The real PocketSphinxWakeSpotter over each clip (one stream, reset between clips): hit starts, CPU s,
    and how many candidates its first stage proposed."""
    from assistant.wake import PocketSphinxWakeSpotter

    spotter = PocketSphinxWakeSpotter(PHRASE, threshold, phone_loop, verify=verify)
    out = []
    cpu = time.process_time()
    for clip in clips:
        spotter.reset()
        starts = []
        pcm = clip.pcm + b"\0\0" * (RATE // 2)  # half a second of silence lets a hit at the very end mature
        for i in range(0, len(pcm), 960):  # 30 ms frames, as the microphone delivers them
            hit = spotter.feed(pcm[i:i + 960])
            if hit is not None:
                starts.append(hit.start_s)
        out.append(starts)
    return out, time.process_time() - cpu, spotter.candidates


def transcription_cpu(clips: Sequence[Clip]) -> float:
    """CPU seconds for the command recogniser to transcribe each clip (the pre-spotter wake path)."""
    from assistant.recognizers import load_recognizer, transcribe
    from assistant.settings import ListenSettings

    recognizer = load_recognizer(ListenSettings(recognizer="pocketsphinx"), notify=lambda _m: None)
    transcribe(recognizer, b"\0\0" * RATE)  # build and load the language model outside the timing
    cpu = time.process_time()
    for clip in clips:
        transcribe(recognizer, clip.pcm)
    return time.process_time() - cpu


def sweep_rows(clips: Sequence[Clip], phone_loops: Sequence[float]) -> List[Dict]:
    """FA and FR on both halves for every (phone loop, threshold) pair."""
    summary = []
    for plp in phone_loops:
        sweep = Sweep(THRESHOLDS, plp)
        per_clip = [sweep.hits(clip) for clip in clips]
        for th in THRESHOLDS:
            fa, hours, fr, n = score(clips, per_clip, th, held_out=False)
            hfa, hhours, hfr, hn = score(clips, per_clip, th, held_out=True)
            summary.append({"phone_loop": plp, "threshold": th, "fa": fa, "hours": hours, "fr": fr, "phrases": n,
                            "held_fa": hfa, "held_hours": hhours, "held_fr": hfr, "held_phrases": hn})
        print(f"kws_plp {plp:g} swept: " + json.dumps(summary[-len(THRESHOLDS):]), file=sys.stderr, flush=True)
    return summary


def verify(clips: Sequence[Clip], starts: Sequence[Sequence[float]]) -> Dict[bool, List[float]]:
    """False accepts, seconds of talk, false rejects, phrases of the real spotter, per half (held out or not)."""
    verified: Dict[bool, List[float]] = {True: [0, 0.0, 0, 0], False: [0, 0.0, 0, 0]}
    for clip, hits in zip(clips, starts):
        half = verified[clip.held_out]
        if clip.phrase_start_s is None:
            half[0] += len(hits)
            half[1] += clip.seconds
        else:
            half[3] += 1
            half[2] += rejected(clip, hits)
    return verified


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Sweep thresholds, verify the default with the real spotter, compare CPU; print a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small subset (a smoke run, not for numbers)")
    parser.add_argument("--talk-wav", type=Path, default=None, help="held-out talk-only recording (bench/evening.py)")
    parser.add_argument("--talk-minutes", type=float, default=20.0)
    parser.add_argument("--real-clips", type=int, default=None, help="use only the first N speech-to-intent clips")
    parser.add_argument("--starters", type=int, default=None, help="use only N of the starters Piper reads")
    parser.add_argument("--phone-loops", default="1e-6,1e-8", help="kws_plp values to sweep ('': no sweep)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "companion-evening-cache")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    limit = 12 if args.quick else None
    speaker = evening.Speaker(args.cache)
    t0 = time.time()
    talk = real_speech(limit or args.real_clips) + synthetic_talk(speaker, limit or args.starters, limit)
    held = held_out_talk(args.talk_wav, speaker, 2.0 if args.quick else args.talk_minutes)
    phrases = phrase_clips(speaker, random.Random(5))
    if args.quick:
        phrases = phrases[::8]
    clips = talk + held + phrases
    print(f"corpus ready in {time.time() - t0:.0f} s: {len(clips)} clips", file=sys.stderr)
    summary = sweep_rows(clips, [float(x) for x in args.phone_loops.split(",")]) if args.phone_loops else []
    audio_h = sum(c.seconds for c in clips) / 3600.0
    talk_h = {h: sum(c.seconds for c in clips if c.phrase_start_s is None and c.held_out == h) / 3600 for h in (0, 1)}
    configs = [("two-stage: kws 1e-40, kws_plp 1e-8, then the alignment check (default)", None, None, True),
               ("first stage alone: kws 1e-40, kws_plp 1e-8", None, None, False),
               ("single stage before (kws 1e-15, kws_plp 1e-6)", 1e-15, 1e-6, False)]
    runs = []
    for name, th, plp, check in configs:
        starts, cpu, candidates = run_spotter(clips, th, plp, verify=check)
        runs.append((name, starts, cpu, candidates))
        print(f"{name}: {json.dumps(verify(clips, starts))}", file=sys.stderr, flush=True)
    speech_clips = [c for c in talk if c.source.startswith("speech-to-intent")][: 20 if args.quick else 40]
    _, spot_some_cpu, _ = run_spotter(speech_clips)
    trans_cpu = transcription_cpu(speech_clips)
    some_h = sum(c.seconds for c in speech_clips) / 3600.0
    print(f"## Wake spotter (bench/wake.py{' --quick' if args.quick else ''})\n")
    print(machine_line(machine()) + "\n")
    sources = sorted({c.source for c in talk + held})
    print(f"Talk without the phrase: {talk_h[0] * 60:.1f} min tuning, {talk_h[1] * 60:.1f} min held out "
          f"({'; '.join(sources)}). Phrase clips: {sum(1 for c in phrases if not c.held_out)} tuning + "
          f"{sum(1 for c in phrases if c.held_out)} held-out voices.\n")
    if summary:
        rows = [[f"{s['phone_loop']:g}", f"{s['threshold']:g}", f"{s['fa']} ({s['fa'] / s['hours']:.2f})",
                 f"{100.0 * s['fr'] / s['phrases']:.1f} ({s['fr']}/{s['phrases']})",
                 f"{s['held_fa']} ({s['held_fa'] / s['held_hours']:.2f})",
                 f"{100.0 * s['held_fr'] / s['held_phrases']:.1f} ({s['held_fr']}/{s['held_phrases']})"]
                for s in summary]
        print("First stage alone, sweep decoder (one keyphrase per threshold):\n")
        print(markdown_table(["kws_plp", "kws_threshold", "FA tuning (per hour)", "FR tuning %",
                              "FA held out (per hour)", "FR held out %"], rows) + "\n")
    print("The real PocketSphinxWakeSpotter, fed 30 ms chunks:\n")
    vrows = []
    for name, starts, cpu, candidates in runs:
        verified = verify(clips, starts)
        cells = [name]
        for half in (False, True):
            fa, secs, fr, n = verified[half]
            cells += [f"{fa} ({fa / (secs / 3600):.2f}/h)", f"{100.0 * fr / n:.1f} ({fr}/{n})"]
        cells += [f"{candidates / audio_h:.0f}", f"{cpu / audio_h:.0f}"]
        vrows.append(cells)
    print(markdown_table(["spotter", f"FA tuning talk ({talk_h[0] * 60:.1f} min)", "FR tuning %",
                          f"FA held-out talk ({talk_h[1] * 60:.1f} min)", "FR held out %",
                          "candidates per hour of audio", "CPU s per hour of audio"], vrows))
    for name, starts, _, _ in runs:
        by_kind: Dict[str, List[int]] = {}
        for clip, hits in zip(clips, starts):
            if clip.phrase_start_s is not None:
                tally = by_kind.setdefault(f"{clip.source}{' (held out)' if clip.held_out else ''}", [0, 0])
                tally[0] += rejected(clip, hits)
                tally[1] += 1
        print(f"\nFalse rejects by voice and noise, {name}: " + "; ".join(
            f"{kind} {fr}/{n}" for kind, (fr, n) in sorted(by_kind.items())))
        accepts: Dict[str, List[int]] = {}
        for clip, hits in zip(clips, starts):
            if clip.phrase_start_s is None:
                tally = accepts.setdefault(clip.source, [0, 0])
                tally[0] += len(hits)
                tally[1] += 1
        print(f"False accepts by source, {name}: " + "; ".join(
            f"{source} {fa} in {n} clips" for source, (fa, n) in sorted(accepts.items())))
    print(f"\nCPU per hour of audio over all {audio_h * 60:.0f} min: see the table; on the same "
          f"{some_h * 60:.1f} min of real speech, the two-stage spotter {spot_some_cpu / some_h:.0f} s vs. full "
          f"transcription with the PocketSphinx command recogniser {trans_cpu / some_h:.0f} s.")
    if args.json:
        args.json.write_text(json.dumps({
            "sweep": summary,
            "spotters": {name: {"verified": {("held_out" if k else "tuning"): v for k, v in verify(clips, st).items()},
                                "cpu_per_h": cpu / audio_h, "candidates_per_h": cand / audio_h}
                         for name, st, cpu, cand in runs},
            "same_speech_cpu_per_h": {"spotter": spot_some_cpu / some_h, "transcription": trans_cpu / some_h}},
            indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
