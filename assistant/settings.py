"""Frozen settings loaded from the user's config file, with defaults for everything."""

from __future__ import annotations

import dataclasses
import errno
import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

import yaml

from assistant import paths
from assistant.errors import ConfigError

DEFAULT_PARTNERS = ("Partner one", "Partner two")
HOME_ENV, JOURNAL_ENV, MODEL_DIR_ENV = "COMPANION_HOME", "COMPANION_JOURNAL", "COMPANION_MODEL_DIR"
LEAN_RASA_ENV, MODEL_URL_ENV = "COMPANION_LEAN_RASA", "COMPANION_MODELS_URL"
RASA_PATCHES_ENV = "COMPANION_RASA_PATCHES"  # "0": plain Rasa (assistant/dialogue/patches.py)
_ON, _OFF = ("on", "1", "true", "yes"), ("off", "0", "false", "no")
MAX_NAME_CHARS = 40
MAX_TEXT_CHARS = 400
MAX_USER_FILE_BYTES = 1024 * 1024
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Allowed ranges, by setting name; every number not listed just has to be finite.
RANGES: Dict[str, Tuple[float, float]] = {
    "voice.rate": (80, 450),
    "voice.bedtime_rate": (80, 450),
    "voice.volume": (0.0, 1.0),
    "voice.bedtime_volume": (0.0, 1.0),
    "voice.bedtime_hour": (0, 23),
    "listen.trailing_silence_ms": (100, 5000),
    "listen.open_trailing_silence_ms": (100, 10000),
    "listen.early_endpoint_ms": (0, 5000),
    "listen.early_endpoint_confidence": (0.0, 1.0),
    "listen.max_utterance_s": (1.0, 120.0),
    "listen.min_speech_ms": (0, 5000),
    "listen.vad_aggressiveness": (0, 3),
    "listen.session_timeout_s": (1.0, 3600.0),
    "listen.wake_threshold": (1e-80, 0.999),
    "listen.wake_phone_loop": (1e-80, 0.999),
    "listen.followup_window_s": (0.0, 120.0),
    "listen.answer_window_s": (1.0, 600.0),
    "listen.addressed_window_s": (1.0, 120.0),
    "conversation.turn_seconds": (10.0, 1800.0),
    "conversation.bedtime_offer_hour": (0, 23),
    "conversation.bedtime_quiet_s": (10.0, 7200.0),
}
CHOICES: Dict[str, Tuple[str, ...]] = {
    "voice.engine": ("pyttsx3", "piper"),
    "listen.recognizer": ("auto", "whisper", "vosk", "pocketsphinx"),
    "listen.whisper_size": ("tiny.en", "base"),
}


@dataclass(frozen=True)
class VoiceSettings:
    """Text-to-speech: engine, voice, and the quieter bedtime voice."""

    engine: str = "piper"  # the bundled natural voice; pyttsx3 (espeak-ng) is the automatic fallback
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
    whisper_size: str = "tiny.en"  # the packaged Whisper weights (bench/whisper_sizes.py measured both)
    whisper_dir: Optional[str] = None  # a folder with a CTranslate2 Whisper (model.bin, tokenizer.json) instead
    trailing_silence_ms: int = 400
    open_trailing_silence_ms: int = 1000
    early_endpoint_ms: int = 200  # end sooner when what was said already parses as a whole command (0: off)
    early_endpoint_confidence: float = 0.6  # bench/endpointing.py: no more false cuts down to 0.5
    max_utterance_s: float = 15.0
    min_speech_ms: int = 200
    vad_aggressiveness: int = 2
    session_timeout_s: float = 45.0  # --input turns only: the live loop listens in windows (below)
    wake_threshold: Optional[float] = None  # keyword-spotter first-stage threshold (None: measured default)
    wake_phone_loop: Optional[float] = None  # its garbage-loop probability (None: measured default)
    wake_verify: bool = True  # confirm each detection by aligning the phrase over its audio (bench/wake.py)
    wake_whisper_check: bool = True  # Whisper (when it is the recogniser), not the rival decoding, as the third check
    followup_window_s: float = 8.0  # after a reply: what it invited, no wake phrase (talk closes it at once)
    answer_window_s: float = 30.0  # after a check-in question: time for the partner asked to think and answer
    addressed_window_s: float = 8.0  # after the wake phrase said alone
    input_device: Optional[str] = None
    output_device: Optional[str] = None


@dataclass(frozen=True)
class ConversationSettings:
    """Take-turns conversations."""

    turn_seconds: float = 120.0  # each partner's floor; "a short one" halves it, "a long one" doubles it
    bedtime_offer: bool = False  # opt-in: offer the bedtime check-in at bedtime_offer_hour, once a night
    bedtime_offer_hour: int = 22
    bedtime_quiet_s: float = 300.0  # only after the room has been quiet this long


DEFAULT_HELPLINE = ("If you'd like support from someone outside the two of you, a local helpline, your doctor or "
                    "emergency services are there, any time.")


@dataclass(frozen=True)
class CareSettings:
    """The care path: the one line that names support outside the couple."""

    helpline: str = DEFAULT_HELPLINE


@dataclass(frozen=True)
class Settings:
    """Everything the companion is configured with."""

    partners: Tuple[str, str] = DEFAULT_PARTNERS
    journal: bool = False
    model_dir: Optional[str] = None
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    listen: ListenSettings = field(default_factory=ListenSettings)
    conversation: ConversationSettings = field(default_factory=ConversationSettings)
    care: CareSettings = field(default_factory=CareSettings)

    def with_partners(self, names: Optional[str]) -> "Settings":
        """A copy with partner names from a "A,B" string, if given."""
        if not names:
            return self
        return dataclasses.replace(self, partners=parse_partners(names))

    @property
    def journal_enabled(self) -> bool:
        """The journal is on when config says so or `COMPANION_JOURNAL=on` (the environment wins)."""
        env = environment().journal
        return self.journal if env is None else env


def parse_partners(names: str) -> Tuple[str, str]:
    """Two partner names from "A,B"; a clear error otherwise."""
    return check_partners([p for p in names.split(",") if p.strip()], f'"{names}"')


def check_partners(names: Any, shown: str = "") -> Tuple[str, str]:
    """Two different, printable, short names; ConfigError naming the setting otherwise."""
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise ConfigError("setting 'partners' must be a list of two names")
    cleaned = [" ".join(printable(n).split()) for n in names]
    got = f", got {shown or printable(repr(list(names)))}"
    if len(cleaned) != 2 or not all(cleaned):
        raise ConfigError(f'partners must be two different names like "Sam,Alex"{got}')
    if cleaned[0].casefold() == cleaned[1].casefold():
        raise ConfigError(f"partners must be two different names; both are called {cleaned[0]!r}")
    if any(len(n) > MAX_NAME_CHARS for n in cleaned):
        raise ConfigError(f"partner names must be at most {MAX_NAME_CHARS} characters")
    return cleaned[0], cleaned[1]


def printable(text: str) -> str:
    """`text` without terminal control, bidi-override and other invisible format characters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _UNPRINTABLE or ch in " ")


def _build(cls: type, raw: Any, where: str) -> Any:
    """Build a settings dataclass from a mapping, checking names, types and ranges."""
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"setting '{where}' must be a mapping of settings" if where else "the config must be a mapping of settings")
    known = {f.name: f for f in fields(cls)}
    values: Dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{where}.{key}" if where else str(key)
        if key not in known:
            raise ConfigError(f"unknown setting '{printable(name)}'")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            values[key] = _build(type(default), value, name)
        elif key == "partners":
            values[key] = parse_partners(value) if isinstance(value, str) else check_partners(value)
        else:
            values[key] = check_value(name, value, default, known[key].type)
    return cls(**values)


def check_value(name: str, value: Any, default: Any, annotation: Any = "") -> Any:
    """One scalar setting checked against its default's type and its allowed range; ConfigError naming it."""
    optional = "Optional" in str(annotation)
    if value is None:
        if optional:
            return None
        raise ConfigError(f"setting '{name}' needs a value")
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise ConfigError(f"setting '{name}' must be true or false")
    if isinstance(default, (int, float)):
        return _number(name, value, type(default))
    if "float" in str(annotation):  # an optional number (None: the engine's measured default)
        return _number(name, value, float)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or (optional and not isinstance(value, str)):
        raise ConfigError(f"setting '{name}' must be text")
    text = str(value).strip()
    if printable(text) != text or not text or len(text) > MAX_TEXT_CHARS:
        raise ConfigError(f"setting '{name}' must be non-empty printable text of at most {MAX_TEXT_CHARS} characters")
    choices = CHOICES.get(name)
    if choices and text.lower() not in choices:
        raise ConfigError(f"setting '{name}' must be one of: {', '.join(choices)}; got {text!r}")
    return text


def _number(name: str, value: Any, kind: type) -> Any:
    """A finite number of the setting's kind, inside its range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"setting '{name}' must be a number")
    if not math.isfinite(value):
        raise ConfigError(f"setting '{name}' must be a finite number, got {value}")
    if kind is int and value != int(value):
        raise ConfigError(f"setting '{name}' must be a whole number, got {value}")
    low, high = RANGES.get(name, (-math.inf, math.inf))
    if not low <= value <= high:
        raise ConfigError(f"setting '{name}' must be between {low} and {high}, got {value}")
    return kind(value)


def check_section(name: str, section: Any) -> None:
    """ConfigError naming the first unusable value of one settings section (e.g. "voice"), by the same rules as loading."""
    _build(type(section), dataclasses.asdict(section), name)


def validate(settings: "Settings") -> "Settings":
    """The same settings if every value is usable; ConfigError naming the first one that is not."""
    _build(Settings, to_dict(settings), "")
    return settings


@dataclass(frozen=True)
class Environment:
    """The environment variables the companion reads, checked once."""

    home: Optional[str] = None
    journal: Optional[bool] = None
    model_dir: Optional[str] = None
    lean_rasa: bool = True
    model_url: Optional[str] = None
    rasa_patches: bool = True


def environment(env: Optional[Mapping[str, str]] = None) -> Environment:
    """Every `COMPANION_*` override from the environment; ConfigError naming the variable if one is unusable."""
    env = os.environ if env is None else env

    def text(key: str) -> Optional[str]:
        value = env.get(key, "").strip()
        if value and (printable(value) != value or "\x00" in value):
            raise ConfigError(f"environment variable {key} holds control characters")
        return value or None

    def switch(key: str) -> Optional[bool]:
        value = (text(key) or "").lower()
        if not value:
            return None
        if value in _ON or value in _OFF:
            return value in _ON
        raise ConfigError(f"environment variable {key} must be on or off, got {value!r}")

    lean, patches = switch(LEAN_RASA_ENV), switch(RASA_PATCHES_ENV)
    return Environment(home=text(HOME_ENV), journal=switch(JOURNAL_ENV), model_dir=text(MODEL_DIR_ENV),
                       lean_rasa=True if lean is None else lean, model_url=text(MODEL_URL_ENV),
                       rasa_patches=True if patches is None else patches)


class ConfigLoader(yaml.SafeLoader):
    """Safe YAML where `1e-15` is a number, as people write it (plain YAML 1.1 reads it as text)."""


ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))


def read_regular(path: Path, limit: int) -> bytes:
    """Up to `limit` bytes of a plain file; OSError for anything else (a FIFO or device would block or never end)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit)
    finally:
        os.close(fd)


def read_text_file(path: Path, what: str) -> Optional[str]:
    """A user file's UTF-8 text (None if missing); one-line ConfigError if unreadable, too big or not UTF-8."""
    try:
        data = read_regular(path, MAX_USER_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ConfigError(f"cannot read {what} {path}: {err.strerror or err}") from err
    if len(data) > MAX_USER_FILE_BYTES:
        raise ConfigError(f"{what} {path} is larger than {MAX_USER_FILE_BYTES // 1024} KB; is it the right file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"{what} {path} is not UTF-8 text (bad byte at position {err.start}); save it as UTF-8") from err


def load(path: Optional[Path] = None) -> Settings:
    """Settings from the config file (defaults if it does not exist), every value checked."""
    environment()
    path = path or paths.config_file()
    text = read_text_file(path, "config file")
    if text is None:
        return Settings()
    try:
        raw = yaml.load(text, Loader=ConfigLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"config file {path} is not valid YAML{at}") from err
    try:
        built: Settings = _build(Settings, raw or {}, "")
        return built
    except ConfigError as err:
        raise ConfigError(f"config file {path}: {err.message}") from err


def check_files() -> str:
    """Load the config and the couple's prompts as chat would; a summary, or ConfigError with the first problem."""
    from assistant.content import load_library

    load()
    library = load_library()
    if library.problems:
        raise ConfigError(library.problems[0])
    return f"{paths.config_file()}; {len(library.prompts)} prompts"


def to_dict(settings: Settings) -> Dict[str, Any]:
    """Settings as plain data, for writing back to the config file."""
    data = dataclasses.asdict(settings)
    data["partners"] = list(settings.partners)
    return data


def update(change: Callable[[Settings], Settings], path: Optional[Path] = None) -> Settings:
    """Load, change, check and save the config under its lock, so two writers can't undo each other."""
    from assistant.store import locked

    path = path or paths.config_file()
    with locked(path):
        changed = validate(change(load(path)))
        save(changed, path)
    return changed


def save(settings: Settings, path: Optional[Path] = None) -> Path:
    """Write settings to the config file, privately and atomically (through a link, to the file it names); an
    existing file keeps its comments and layout, only the changed values are rewritten."""
    from assistant.store import write_private

    path = path or paths.config_file()
    write_private(path, _config_text(settings, path))
    return path


def _config_text(settings: Settings, path: Path) -> str:
    """The new text of the config file: the old one with only the changed values replaced, when it can be."""
    import io

    from ruamel.yaml import YAML

    data = to_dict(settings)
    try:
        text = read_text_file(path, "config file")
        current = to_dict(load(path)) if text else {}
        editor: Any = YAML()
        editor.preserve_quotes = True
        editor.width = 1000
        document = editor.load(text) if text else None
    except Exception:  # ConfigError or ruamel's own: a fresh file is written instead
        document = None
    if not isinstance(document, dict):
        return str(yaml.safe_dump(data, sort_keys=False))
    _merge_changes(document, data, current)
    out = io.StringIO()
    editor.dump(document, out)
    return out.getvalue()


def _merge_changes(document: Any, new: Dict[str, Any], old: Dict[str, Any]) -> None:
    """Set in `document` only the values of `new` that differ from `old` (section by section)."""
    for key, value in new.items():
        before = old.get(key)
        if value == before:
            continue
        if isinstance(value, dict):
            if not isinstance(document.get(key), dict):
                document[key] = {}
            _merge_changes(document[key], value, before if isinstance(before, dict) else {})
        else:
            document[key] = value
