"""Where things live: the project's data files and the user's data directory."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from assistant.errors import StorageError

PROJECT = Path(__file__).resolve().parent.parent
NLU_DIR = PROJECT / "nlu"
DIALOGUES_DIR = PROJECT / "dialogues"
MODELS_DIR = PROJECT / "models"


def home() -> Path:
    """The data directory: `$COMPANION_HOME`, else the platform's user data dir."""
    env = os.environ.get("COMPANION_HOME", "").strip()
    if "\x00" in env:
        raise StorageError("environment variable COMPANION_HOME holds a NUL character; set it to a folder")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False))


def writable_home() -> Path:
    """The data directory, created with private permissions; a clear error if it can't be."""
    path = home()
    try:
        private_dir(path)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=path)  # its own name: two starts at once can't clash
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise StorageError(
            f"cannot write to the data directory {path} ({err.strerror or err}); "
            "set COMPANION_HOME to a writable folder"
        ) from err
    return path


def session_home() -> Path:
    """The data directory for a chat or listen. One that exists but cannot be written (a full or read-only disk)
    is said in one line and the conversation goes on without saving; one that cannot exist is a StorageError."""
    try:
        return writable_home()
    except StorageError as err:
        path = home()
        if not path.is_dir():
            raise
        reason = getattr(err.__cause__, "strerror", None) or "it cannot be written"
        print(f"companion: cannot write to the data directory {path} ({reason}); we can keep talking, "
              "but nothing is saved this time", file=sys.stderr, flush=True)
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


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) owner-only (0700) whatever the umask; a folder that already exists
    keeps its mode: the companion never changes a folder it did not make."""
    missing = [p for p in [path, *path.parents] if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)
    if not path.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(path))
    return path


def private_tree(root: Path) -> None:
    """Make every folder under `root` 0700 and every file 0600 (never following links)."""
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _tighten(Path(folder) / name, 0o700)
        for name in files:
            _tighten(Path(folder) / name, 0o600)
    _tighten(root, 0o700)


def _tighten(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink():
            os.chmod(path, mode)
    except OSError:
        pass
