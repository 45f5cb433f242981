"""Small private state on disk: atomic writes, cross-process locks, 0600 files, the session lock."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import stat
import sys
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
    """Write `data` to `path` atomically with mode 0600 (write, fsync, rename); no 0-byte file on failure.
    A link is followed to the file it names (the link stays); a FIFO, folder or device there is left alone."""
    path = _plain_target(path)
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


def _plain_target(path: Path) -> Path:
    """The regular file (or free name) a write to `path` should replace; StorageError for anything else."""
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise StorageError(f"{path} is a link to {target}, which does not exist; nothing was written") from None
        return path
    except OSError as err:
        raise StorageError(f"cannot write {path}: {err.strerror or err}") from err
    if not stat.S_ISREG(mode):
        raise StorageError(f"{path} is not a regular file; it is left alone and nothing was written")
    return target


def check_own(path: Path, marker: bytes, what: str, advice: str = "") -> None:
    """StorageError unless `path` is free or a plain file the companion wrote there before (it holds `marker`)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise StorageError(f"cannot write the {what} to {path}: {err.strerror or err}") from err
    if stat.S_ISREG(mode):
        try:
            with open(path, "rb") as handle:
                if marker in handle.read(4096):
                    return
        except OSError:
            pass
    raise StorageError(f"{path} already exists and was not written by the companion; it is left alone: "
                       f"{advice or f'choose another name for the {what}'}")


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
    """A shared lock on the data directory itself, held while a chat or listen runs; `forget` takes it exclusively."""

    def __init__(self, home: Optional[Path] = None) -> None:
        self.home = home or paths.home()
        self._fd: Optional[int] = None

    def hold(self) -> "SessionLock":
        """Take the shared lock (waiting out a `forget` in progress); best effort if the folder can't be made."""
        for _ in range(5):
            try:
                paths.private_dir(self.home)
                fd = os.open(self.home, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                return self
            fcntl.flock(fd, fcntl.LOCK_SH)
            if _same_file(fd, self.home):
                self._fd = fd
                return self
            os.close(fd)  # `forget` removed the folder meanwhile: lock the new one
        return self

    def release(self) -> None:
        """Let go of the lock."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        try:
            self.release()
        except (AttributeError, TypeError, OSError):  # at interpreter exit `os` may already be gone
            pass


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except OSError:
        return False


@contextmanager
def no_session_running(home: Optional[Path] = None) -> Iterator[None]:
    """Hold the data directory's session lock exclusively; StorageError at once if a chat or listen is running."""
    home = home or paths.home()
    try:
        fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        raise StorageError(f"cannot check for a running companion in {home}: {err.strerror or err}") from err
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError("a companion session (chat or listen) is running; stop it first, then run forget again") from None
        yield
    finally:
        os.close(fd)


class StateStore:
    """A JSON document of small state, updated under a file lock."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = path or paths.state_file()
        self._memory: Optional[Dict[str, Any]] = None  # the state this process could not save

    def read(self) -> Dict[str, Any]:
        """The current state; empty if missing, and a fresh start (kept aside) if corrupt."""
        from assistant.settings import read_regular

        if self._memory is not None:
            return copy.deepcopy(self._memory)
        try:
            data = json.loads(read_regular(self.path, 16 * 1024 * 1024).decode("utf-8"))
        except FileNotFoundError:
            return {}
        except OSError:
            if os.path.lexists(self.path) and not self.path.is_file():  # a FIFO or folder: not ours to move
                return {}
            self._set_aside()
            return {}
        except ValueError:
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

    def update(self, change: Callable[[Dict[str, Any]], T], keep_going: bool = False) -> T:
        """Apply `change` to the state in place and save it; returns what `change` returns. With `keep_going`, a
        state that cannot be saved (a full or read-only disk) is kept in memory for this process, said once."""
        try:
            with locked(self.path):
                if os.path.lexists(self.path) and not stat.S_ISREG(os.lstat(self.path).st_mode):
                    raise StorageError(f"{self.path} is not a regular file, so nothing can be saved in it; move it aside")
                data = self.read()
                result = change(data)
                write_private(self.path, json.dumps(data, indent=1, sort_keys=True))
                self._memory = None
                return result
        except StorageError as err:
            if not keep_going:
                raise
            if self._memory is None:
                print(f"companion: {err}; the conversation goes on without saving it", file=sys.stderr, flush=True)
            data = self.read()
            result = change(data)
            self._memory = data
            return result
