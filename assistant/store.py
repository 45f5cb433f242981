"""Small private state on disk: atomic writes, cross-process locks, 0600 files, the session lock."""

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
    write_private_bytes(path, text.encode("utf-8"))


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically with mode 0600 (write, fsync, rename); no 0-byte file on failure."""
    try:
        paths.private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as err:
        raise StorageError(f"cannot write {path}: {err.strerror or err}") from err


def lock_file(path: Path) -> Path:
    """The lock guarding read-modify-writes of `path` (state.json -> state.lock)."""
    return path.with_suffix(".lock")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for `path`, across processes (fcntl), while the body reads and rewrites it."""
    try:
        paths.private_dir(path.parent)
        fd = os.open(lock_file(path), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as err:
        raise StorageError(f"cannot write in {path.parent}: {err.strerror or err}") from err
    with os.fdopen(fd, "r+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class SessionLock:
    """A shared lock on session.lock held while a chat or listen runs; `forget` takes it exclusively."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = path or paths.session_lock_file()
        self._handle: Optional[Any] = None

    def hold(self) -> "SessionLock":
        """Take the shared lock (waiting out a `forget` in progress); best effort if the folder is unwritable."""
        for _ in range(5):
            try:
                paths.private_dir(self.path.parent)
                handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600), "r+")
            except OSError:
                return self
            fcntl.flock(handle, fcntl.LOCK_SH)
            if _same_file(handle, self.path):
                self._handle = handle
                return self
            handle.close()  # `forget` removed it meanwhile: take the new one
        return self

    def release(self) -> None:
        """Let go of the lock."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()


def _same_file(handle: Any, path: Path) -> bool:
    try:
        return os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
    except OSError:
        return False


@contextmanager
def no_session_running(path: Optional[Path] = None) -> Iterator[None]:
    """Hold session.lock exclusively; StorageError at once if a chat or listen is running."""
    path = path or paths.session_lock_file()
    try:
        handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600), "r+")
    except OSError as err:
        raise StorageError(f"cannot check for a running companion in {path.parent}: {err.strerror or err}") from err
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError("a companion session (chat or listen) is running; stop it first, then run forget again") from None
        yield


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
        if not isinstance(data, dict):
            self._set_aside()
            return {}
        return data

    def _set_aside(self) -> None:
        """Move an unreadable state file out of the way instead of losing it silently."""
        try:
            os.replace(self.path, self.path.with_suffix(".corrupt"))
        except OSError:
            pass

    def update(self, change: Callable[[Dict[str, Any]], T]) -> T:
        """Apply `change` to the state in place and save it; returns what `change` returns."""
        with locked(self.path):
            data = self.read()
            result = change(data)
            write_private(self.path, json.dumps(data, indent=1, sort_keys=True))
            return result
