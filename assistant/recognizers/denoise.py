"""Spectral-gating noise reduction (noisereduce) for float 16 kHz audio: a measured lever, off by default."""

from __future__ import annotations

from typing import Any

RATE = 16000


def reduce_noise(samples: Any, stationary: bool = False, prop_decrease: float = 0.8) -> Any:
    """Samples with the background noise gated down (same length, same scale)."""
    import noisereduce

    return noisereduce.reduce_noise(y=samples, sr=RATE, stationary=stationary, prop_decrease=prop_decrease,
                                    n_jobs=1)
