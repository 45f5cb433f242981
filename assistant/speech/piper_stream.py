"""Piper's voice model in two halves, so a sentence starts sounding before all of it is decoded."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

from assistant.speech.onnx_cut import CutError, cut_file

# A Piper voice (VITS) turns phonemes into latent frames (text encoder, durations, the flow: about a third of the
# work), then its vocoder turns frames into audio. The vocoder is convolutions along time, so it runs on a few
# frames at a time, with enough frames either side that every window's audio is the whole sentence's (equal to
# 1e-4, measured 2e-6: tests/test_speech_stream.py). The first audio is ready after the first half and one small
# window, and the vocoder's working memory is that of a window, not of the longest sentence (bench/tts.py).
CUT = ("/Mul_7_output_0",)  # the latent frames the vocoder reads (z * mask) in Piper's VITS export
FIRST_FRAMES = 32  # the first window: ~0.37 s of audio at 22050 Hz and 256 samples a frame
MAX_FRAMES = 128  # windows double up to this: 256 took 39 MB more memory, 64 took 22 % more time (bench/tts.py)
CONTEXT = 16  # frames decoded either side of a window and dropped: the vocoder's reach (12 is exact to 2e-6, 8 is not)
CUT_VERSION = 2  # bump when the cut changes, so cached halves are made again


def cache_dirs(model: Path) -> Tuple[Path, ...]:
    """Where the halves may be kept: beside the model (the installed voice's folder, made by `make setup`), else
    <data dir>/cache/voice. They are the model re-packed, nothing said; the temporary folder is left alone."""
    from assistant import paths

    return model.parent, paths.home() / "cache" / "voice"


def halves(model: Path, folder: Optional[Path] = None) -> Tuple[Path, Path]:
    """The front and back halves of `model`, cut once and kept (named by the model's size and time)."""
    from assistant import paths

    stat = model.stat()
    stem = f"{model.stem}-{stat.st_size}-{stat.st_mtime_ns}-v{CUT_VERSION}"
    folders = (folder,) if folder is not None else cache_dirs(model)
    for place in folders:
        front, back = place / f"{stem}-front.onnx", place / f"{stem}-back.onnx"
        if front.is_file() and back.is_file():
            return front, back
    for place in folders:
        front, back = place / f"{stem}-front.onnx", place / f"{stem}-back.onnx"
        try:
            if place != model.parent:
                paths.private_dir(place)
            cut_file(model, CUT, front, back)
            return front, back
        except PermissionError:
            continue
    raise OSError(f"no writable folder for the halves of {model.name}")


def shrinking_runs() -> Any:
    """onnxruntime run options that hand the arena's unused blocks back to the system after each run: between
    sentences the voice's working memory (the front's for the longest sentence, the vocoder's for the largest
    window) is not kept beside the recogniser's, so the session's peak is lower (bench/memory.py); None where the
    option is missing."""
    try:
        import onnxruntime

        options = onnxruntime.RunOptions()
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        return options
    except Exception:  # noqa: BLE001 - an onnxruntime without it: the arena keeps its blocks, as before
        return None


class StreamingVoice:
    """The two halves of one voice model as ONNX sessions: `frames` then `audio` speak one sentence in windows."""

    def __init__(self, front: Any, back: Any) -> None:
        self.front = front
        self.back = back
        self.run_options = shrinking_runs()

    @classmethod
    def load(cls, model: Path, session: Any) -> Optional["StreamingVoice"]:
        """The halves of `model` as sessions made by `session(path)`, or None if the model cannot be cut."""
        try:
            front, back = halves(model)
            return cls(session(front), session(back))
        except (CutError, OSError, ValueError, IndexError):
            return None
        except Exception:  # noqa: BLE001 - onnxruntime's own exception types for a half it will not load
            return None

    def frames(self, feeds: Dict[str, Any]) -> Any:
        """The first half on the voice's usual inputs: the latent frames, (1, channels, frames)."""
        return self.front.run(None, feeds, self.run_options)[0]

    def audio(self, frames: Any) -> Iterator[Any]:
        """The sentence's float audio, window by window."""
        import numpy as np

        total = int(frames.shape[2])
        start, size = 0, FIRST_FRAMES
        while start < total:
            end = min(total, start + size)
            low, high = max(0, start - CONTEXT), min(total, end + CONTEXT)
            feeds = {CUT[0]: np.ascontiguousarray(frames[:, :, low:high])}
            out = self.back.run(None, feeds, self.run_options)[0].reshape(-1)
            hop = out.size // (high - low)
            yield out[(start - low) * hop:(end - low) * hop]
            start, size = end, min(MAX_FRAMES, size * 2)
