"""Whisper's input: 80-band log-mel features of 16 kHz audio, in NumPy (no torch, no 30 s padding)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Samples = npt.NDArray[np.float32]

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 80
MAX_FRAMES = 2998  # CTranslate2's Whisper takes fewer than 3000 frames (30 s); an even count suits its conv stride


def _hz_to_mel(hz: Array) -> Array:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_part = hz >= 1000.0
    mel[log_part] = 15.0 + np.log(hz[log_part] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: Array) -> Array:
    """Inverse of `_hz_to_mel`."""
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_part = mel >= 15.0
    hz[log_part] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_part] - 15.0))
    return hz


@lru_cache(maxsize=1)
def mel_filters() -> Samples:
    """The (80, 201) triangular filter bank Whisper was trained with (Slaney-normalised, 0 to 8 kHz)."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([SAMPLE_RATE / 2]))[0],
                                   N_MELS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return np.asarray(weights, dtype=np.float32)


@lru_cache(maxsize=1)
def _window() -> Samples:
    """The periodic Hann window of one FFT frame."""
    return np.asarray(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT), dtype=np.float32)


def log_mel(samples: Samples) -> Samples:
    """Features of float32 samples in [-1, 1]: shape (80, frames), at most MAX_FRAMES (the last 30 s are kept)."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size < N_FFT:
        samples = np.pad(samples, (0, N_FFT - samples.size))
    padded = np.pad(samples, N_FFT // 2, mode="reflect")
    count = 1 + (padded.size - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(padded, shape=(count, N_FFT),
                                             strides=(padded.strides[0] * HOP, padded.strides[0]))
    power = np.abs(np.fft.rfft(frames * _window(), axis=1)).astype(np.float32) ** 2
    spec = mel_filters() @ power[:-1].T  # Whisper drops the last frame
    spec = np.log10(np.maximum(spec, 1e-10))
    spec = np.maximum(spec, spec.max() - 8.0)
    features = ((spec + 4.0) / 4.0).astype(np.float32)
    if features.shape[1] > MAX_FRAMES:
        features = features[:, -MAX_FRAMES:]
    return np.ascontiguousarray(features[:, : features.shape[1] - features.shape[1] % 2])


def pcm16_to_float(audio: bytes) -> Samples:
    """16-bit little-endian PCM as float32 samples in [-1, 1]."""
    return np.frombuffer(audio, dtype="<i2").astype(np.float32) / 32768.0
