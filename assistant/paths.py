"""Where things live: the project's data files and the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.errors import StorageError

PROJECT = Path(__file__).resolve().parent.parent
NLU_DIR = PROJECT / "nlu"
DIALOGUES_DIR = PROJECT / "dialogues"
MODELS_DIR = PROJECT / "models"


def home() -> Path:
    """The data directory: `$COMPANION_HOME`, else the platform's user data dir."""
    env = os.environ.get("COMPANION_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False))


def writable_home() -> Path:
    """The data directory, created with private permissions; a clear error if it can't be."""
    path = home()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise StorageError(
            f"cannot write to the data directory {path} ({err.strerror or err}); "
            "set COMPANION_HOME to a writable folder"
        ) from err
    return path


def config_file() -> Path:
    """The user's settings file."""
    return home() / "config.yml"


def state_file() -> Path:
    """Rotation history, check-in order and other small state."""
    return home() / "state.json"


def journal_file() -> Path:
    """The opt-in journal database."""
    return home() / "journal.sqlite3"


def user_prompts_file() -> Path:
    """Conversation starters the couple added themselves."""
    return home() / "prompts.yml"


def user_models_dir() -> Path:
    """Downloaded speech models."""
    return home() / "models"
