"""Small private state on disk: atomic, locked JSON updates and 0600 files."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Optional, TypeVar

from assistant import paths
from assistant.errors import StorageError

T = TypeVar("T")


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically with mode 0600 (write, fsync, rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as err:
        raise StorageError(f"cannot write {path}: {err.strerror or err}") from err


class StateStore:
    """A JSON document of small state, updated under a file lock."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = path or paths.state_file()

    def read(self) -> Dict[str, Any]:
        """The current state; empty if missing, and a fresh start (kept aside) if corrupt."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            self._set_aside()
            return {}
        return data if isinstance(data, dict) else {}

    def _set_aside(self) -> None:
        """Move an unreadable state file out of the way instead of losing it silently."""
        try:
            os.replace(self.path, self.path.with_suffix(".corrupt"))
        except OSError:
            pass

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock = os.fdopen(os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600), "r+")
        except OSError as err:
            raise StorageError(f"cannot write state in {self.path.parent}: {err.strerror or err}") from err
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def update(self, change: Callable[[Dict[str, Any]], T]) -> T:
        """Apply `change` to the state in place and save it; returns what `change` returns."""
        with self._locked():
            data = self.read()
            result = change(data)
            write_private(self.path, json.dumps(data, indent=1, sort_keys=True))
            return result
