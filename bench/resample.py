"""Resampling before (hand-written FIR + linear interpolation) and after (libsoxr): aliasing, passband, speed, WER.

    .venv/bin/python bench/resample.py [--before REV]

"Before" is `assistant/audio.py` at git revision REV (default: the last one with the hand-written filter),
loaded from git so the old code is not kept in the tree. Prints one table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import audio  # noqa: E402
from assistant.messages import PCM16K, AudioFormat  # noqa: E402

BEFORE_REV = "057250e"
RATES = (8000, 22050, 44100, 48000)
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")  # pocketsphinx-testdata: real human speech


def old_module(rev: str) -> types.ModuleType:
    """The audio module as it was at `rev`."""
    source = subprocess.run(["git", "show", f"{rev}:assistant/audio.py"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    module = types.ModuleType("audio_before")
    exec(compile(source, f"{rev}:assistant/audio.py", "exec"), module.__dict__)
    return module


def tone(rate: int, hz: float, seconds: float = 2.0) -> bytes:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * hz * t) * 16000).astype("<i2").tobytes()


def rms(audio: bytes) -> float:
    samples = np.frombuffer(audio, "<i2").astype(float)
    return float(np.sqrt(np.mean(samples[800:-800] ** 2)))


def alias_db(resample, rate: int) -> float:
    """Worst leakage, in dB below a 1 kHz passband tone, of tones between 8.5 kHz and the source Nyquist."""
    ref = rms(resample(tone(rate, 1000), AudioFormat(rate, 2, 1), PCM16K))
    worst = 0.0
    for hz in np.linspace(8500, rate / 2 - 200, 12):
        worst = max(worst, rms(resample(tone(rate, float(hz)), AudioFormat(rate, 2, 1), PCM16K)))
    return 20 * np.log10(max(worst, 1e-9) / ref)


def passband_db(resample, rate: int) -> float:
    """Level of a 6.5 kHz tone relative to a 1 kHz one (0 dB: flat)."""
    fmt = AudioFormat(rate, 2, 1)
    return 20 * np.log10(rms(resample(tone(rate, 6500), fmt, PCM16K)) / rms(resample(tone(rate, 1000), fmt, PCM16K)))


def speed(resample, rate: int, seconds: float = 60.0) -> float:
    """Seconds of audio resampled per second of CPU (higher is faster)."""
    noise = (np.random.default_rng(0).standard_normal(int(rate * seconds)) * 3000).astype("<i2").tobytes()
    fmt = AudioFormat(rate, 2, 1)
    start = time.perf_counter()
    resample(noise, fmt, PCM16K)
    return seconds / (time.perf_counter() - start)


def speech_errors(read_wav, rate: int, folder: Path) -> tuple:
    """(word errors, reference words): the human LibriVox clips converted to `rate` by sox, read back, recognised."""
    sys.path.insert(0, str(ROOT / "tests"))
    from speechgen import word_errors

    from assistant.recognizers import load_recognizer, transcribe
    from assistant.settings import ListenSettings

    recognizer = load_recognizer(ListenSettings(recognizer="pocketsphinx"))
    errors = words = 0
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, clip = line.replace("<s>", "").replace("</s>", "").rsplit("(", 1)
        wav = folder / f"{clip.strip(') ')}-{rate}.wav"
        if not wav.exists():
            subprocess.run(["sox", str(LIBRIVOX / f"{clip.strip(') ')}.wav"), "-r", str(rate), "-c", "2", str(wav)], check=True)
        heard = transcribe(recognizer, read_wav(wav)[0], "open").text
        errors += word_errors(text.strip(), heard)
        words += len(text.split())
    return errors, words


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE_REV, help="git revision of the hand-written resampler")
    args = parser.parse_args()
    old = old_module(args.before)
    versions = {"before (FIR)": (old.resample, old.read_wav), "after (soxr HQ)": (audio.resample, audio.read_wav)}
    print(f"{'version':<16} {'from Hz':>8} {'alias dB':>9} {'6.5k dB':>8} {'x realtime':>11} {'speech WER':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for name, (resample, read_wav) in versions.items():
            for rate in RATES:
                alias = alias_db(resample, rate) if rate > 16000 else float("nan")
                errors, words = speech_errors(read_wav, rate, Path(folder)) if LIBRIVOX.is_dir() else (0, 0)
                wer = f"{100 * errors / words:.1f}%" if words else "n/a"
                print(f"{name:<16} {rate:>8} {alias:>9.1f} {passband_db(resample, rate):>8.2f} "
                      f"{speed(resample, rate):>11.0f} {wer:>11}")


if __name__ == "__main__":
    main()
