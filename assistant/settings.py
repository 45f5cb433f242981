"""Frozen settings loaded from the user's config file, with defaults for everything."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import yaml

from assistant import paths
from assistant.errors import ConfigError

DEFAULT_PARTNERS = ("Partner one", "Partner two")


@dataclass(frozen=True)
class VoiceSettings:
    """Text-to-speech: engine, voice, and the quieter bedtime voice."""

    engine: str = "pyttsx3"
    voice: Optional[str] = None
    rate: int = 160
    volume: float = 0.9
    bedtime_hour: int = 21
    bedtime_rate: int = 135
    bedtime_volume: float = 0.6


@dataclass(frozen=True)
class ListenSettings:
    """Microphone, endpointing and recognition."""

    wake_phrase: str = "hey companion"
    recognizer: str = "auto"
    vosk_model: Optional[str] = None
    trailing_silence_ms: int = 400
    open_trailing_silence_ms: int = 1000
    early_endpoint_ms: int = 200  # end sooner when what was said already parses as a whole command (0: off)
    early_endpoint_confidence: float = 0.6  # bench/endpointing.py: no more false cuts down to 0.5
    max_utterance_s: float = 15.0
    min_speech_ms: int = 200
    vad_aggressiveness: int = 2
    session_timeout_s: float = 45.0  # --input turns only: the live loop listens in windows (below)
    wake_threshold: Optional[float] = None  # keyword-spotter threshold (None: the spotter's measured default)
    followup_window_s: float = 4.0  # after a reply ends: listen this long for what it invited, no wake phrase
    answer_window_s: float = 30.0  # after a check-in question: time for the partner asked to think and answer
    addressed_window_s: float = 8.0  # after the wake phrase said alone
    input_device: Optional[str] = None
    output_device: Optional[str] = None


@dataclass(frozen=True)
class Settings:
    """Everything the companion is configured with."""

    partners: Tuple[str, str] = DEFAULT_PARTNERS
    journal: bool = False
    model_dir: Optional[str] = None
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    listen: ListenSettings = field(default_factory=ListenSettings)

    def with_partners(self, names: Optional[str]) -> "Settings":
        """A copy with partner names from a "A,B" string, if given."""
        if not names:
            return self
        return dataclasses.replace(self, partners=parse_partners(names))

    @property
    def journal_enabled(self) -> bool:
        """The journal is on when config says so or `COMPANION_JOURNAL=on`."""
        env = os.environ.get("COMPANION_JOURNAL", "").strip().lower()
        if env in ("on", "1", "true", "yes"):
            return True
        if env in ("off", "0", "false", "no"):
            return False
        return self.journal


def parse_partners(names: str) -> Tuple[str, str]:
    """Two partner names from "A,B"; a clear error otherwise."""
    parts = [p.strip() for p in names.split(",") if p.strip()]
    if len(parts) != 2 or parts[0].lower() == parts[1].lower():
        raise ConfigError(f'partners must be two different names like "Sam,Alex", got "{names}"')
    return parts[0], parts[1]


def _build(cls: type, raw: Any, where: str) -> Any:
    """Build a settings dataclass from a mapping, checking names and types."""
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a mapping of settings")
    known = {f.name: f for f in fields(cls)}
    values: Dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"unknown setting '{where}.{key}'".replace("config.", "", 1))
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            values[key] = _build(type(default), value, f"{where}.{key}")
        elif key == "partners":
            if isinstance(value, str):
                value = parse_partners(value)
            elif not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and v.strip() for v in value)):
                raise ConfigError("setting 'partners' must be a list of two names")
            values[key] = tuple(v.strip() for v in value)
        else:
            values[key] = _coerce(value, default, f"{where}.{key}")
    return cls(**values)


def _coerce(value: Any, default: Any, where: str) -> Any:
    """Check one scalar setting against the type of its default."""
    name = where.replace("config.", "", 1)
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise ConfigError(f"setting '{name}' must be true or false")
    if isinstance(default, (int, float)) and not isinstance(value, bool) and isinstance(value, (int, float)):
        return type(default)(value)
    if isinstance(default, str) and isinstance(value, str):
        return value
    raise ConfigError(f"setting '{name}' must be a {type(default).__name__}")


def load(path: Optional[Path] = None) -> Settings:
    """Settings from the config file (defaults if it does not exist)."""
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as err:
        raise ConfigError(f"cannot read config file {path}: {err.strerror or err}") from err
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"config file {path} is not valid YAML{at}") from err
    try:
        return _build(Settings, raw or {}, "config")
    except ConfigError as err:
        raise ConfigError(f"config file {path}: {err.message}") from err


def to_dict(settings: Settings) -> dict:
    """Settings as plain data, for writing back to the config file."""
    data = dataclasses.asdict(settings)
    data["partners"] = list(settings.partners)
    return data


def save(settings: Settings, path: Optional[Path] = None) -> Path:
    """Write settings to the config file, privately and atomically."""
    from assistant.store import write_private

    path = path or paths.config_file()
    write_private(path, yaml.safe_dump(to_dict(settings), sort_keys=False))
    return path
