"""The opt-in journal: check-in answers in a private SQLite file, one durable commit per answer."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from urllib.parse import quote

from assistant import paths
from assistant.errors import StorageError

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session TEXT NOT NULL,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    partner TEXT NOT NULL,
    question_id TEXT NOT NULL,
    question TEXT,
    answer TEXT NOT NULL,
    rating TEXT
);
CREATE INDEX IF NOT EXISTS answers_session ON answers (session, id);
"""
COLUMNS = ("id", "session", "time", "kind", "partner", "question_id", "question", "answer", "rating")
REQUIRED = ("session", "time", "kind", "partner", "question_id", "answer")
MAX_ANSWER_CHARS = 2000


def side_files(path: Path) -> List[Path]:
    """The database's write-ahead log, shared-memory and rollback files."""
    return [path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES]


@contextmanager
def _private_umask() -> Iterator[None]:
    """Files created meanwhile (SQLite's -wal and -shm) are readable by the owner only."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _remove_new_empty(files: List[Path], before: Set[Path]) -> None:
    """Take away files this failed attempt created (a journal only while empty; its logs hold nothing yet), so no
    empty journal or half-made log is left behind."""
    for file in files:
        try:
            if file not in before and not file.is_symlink() and (file.name.endswith(SIDE_SUFFIXES) or file.stat().st_size == 0):
                file.unlink()
        except OSError:
            pass


def _existing(path: Path) -> Set[Path]:
    return {file for file in [path, *side_files(path)] if file.exists() or file.is_symlink()}


def disk_problem(folder: Path) -> Optional[str]:
    """'the disk is full' or 'the disk is read-only' when that is what stops writing in `folder`, else None."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return None
    if info.f_flag & os.ST_RDONLY:
        return "the disk is read-only"
    if info.f_bavail * info.f_frsize < 64 * 1024:
        return "the disk is full"
    return None


def _open_error(path: Path, err: BaseException) -> StorageError:
    """Say what really stops the journal: a link, a full or read-only disk, a lock, or (only then) a damaged file."""
    if isinstance(err, OSError) and err.errno == errno.ELOOP:
        return StorageError(f"the journal {path} is a symbolic link; the companion only writes its own files, "
                            "so replace the link with the file itself or remove it")
    if isinstance(err, StorageError):
        return err
    damaged = type(err) is sqlite3.DatabaseError or "malformed" in str(err) or "not a database" in str(err)
    if damaged:
        return damaged_error(path, err)
    return storage_error("open", path, err)


def damaged_error(path: Path, detail: object) -> StorageError:
    """The one line for a journal whose contents cannot be trusted."""
    detail = " ".join(str(detail).replace("*", " ").split())[:160]
    return StorageError(f"the journal {path} is damaged or not a journal ({detail}); nothing was read from it; "
                        "move it aside to start a new one")


def storage_error(action: str, path: Path, err: BaseException) -> StorageError:
    """One line naming the real cause: a full or read-only disk, a lock held elsewhere, or the system's words."""
    text = (err.strerror or "") if isinstance(err, OSError) else str(err)  # never the file name's own words
    if "locked" in text or "busy" in text:
        reason = "another program is using it; it will be tried again"
    else:
        reason = disk_problem(path.parent) or getattr(err, "strerror", None) or text or type(err).__name__
        if "full" in text and "full" not in reason:
            reason = "the disk is full"
        elif "readonly" in text and "read-only" not in reason:
            reason = "it is read-only here"
    if reason == "the disk is full":
        reason += " (no space left on the device)"
    return StorageError(f"cannot {action} the journal {path} ({reason})")


def _check_regular(path: Path) -> None:
    """StorageError if the journal path exists but is not a plain file (a FIFO or device would hang or mislead)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise storage_error("open", path, err) from err
    if stat.S_ISLNK(mode):
        raise _open_error(path, OSError(errno.ELOOP, "link"))
    if not stat.S_ISREG(mode):
        raise StorageError(f"the journal {path} is not a regular file; move it aside to start a new journal")


class Sessions:
    """Which check-in an answer belongs to: a new id per check-in, unique to this process (never a shared counter)."""

    def __init__(self) -> None:
        self._run = uuid.uuid4().hex[:8]
        self._number = 0
        self._current: Optional[str] = None
        self._kind: Optional[str] = None
        self._last_turn: Optional[int] = None
        self._seen: Set[Tuple[str, str]] = set()

    def assign(self, kind: str, partner: str, question_id: str, turn: Optional[int] = None) -> str:
        """The session id for this answer; `turn` is its place in the check-in (0 starts a new one)."""
        key = (partner, question_id)
        if turn is not None:
            new = self._last_turn is None or turn <= self._last_turn
            self._last_turn = turn
        else:
            new = key in self._seen
        if new or self._current is None or kind != self._kind:
            self._number += 1
            self._current, self._kind, self._seen = f"{self._run}-{self._number}", kind, set()
        self._seen.add(key)
        return self._current


class Journal:
    """Check-in answers: who, which check-in and question, the words, the rating, when. Never audio."""

    def __init__(self, path: Path, connection: sqlite3.Connection, state: Optional[Any] = None) -> None:
        self.path = path
        self._db = connection
        self._questions: Optional[Dict[str, str]] = None
        self._sessions = Sessions()

    @classmethod
    def open(cls, path: Optional[Path] = None, state: Optional[Any] = None, timeout: float = 5.0) -> "Journal":
        """Open (creating with mode 0600) the journal; StorageError if it cannot be used. `state` is not used."""
        path = Path(path) if path is not None else paths.journal_file()
        before = _existing(path)
        try:
            _check_regular(path)
            with _private_umask():
                paths.private_dir(path.parent)
                os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600))
                connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=timeout)
                try:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.execute("PRAGMA synchronous=FULL")
                    connection.executescript(SCHEMA)
                except BaseException:
                    connection.close()
                    raise
            for file in [path, *side_files(path)]:
                if file.exists() and not file.is_symlink():
                    os.chmod(file, 0o600)
        except (OSError, sqlite3.Error, StorageError) as err:
            _remove_new_empty([path, *side_files(path)], before)
            raise _open_error(path, err) from err
        return cls(path, connection)

    @classmethod
    def open_to_read(cls, path: Optional[Path] = None) -> "Journal":
        """Open the journal read-only: nothing created or changed, so a full or read-only disk can still be read."""
        path = Path(path) if path is not None else paths.journal_file()
        before = _existing(path)
        _check_regular(path)
        if not path.exists():
            raise StorageError(f"there is no journal at {path}")
        connection = None
        errors: List[BaseException] = []
        for options in ("mode=ro", "mode=ro&immutable=1"):  # immutable: the folder itself cannot be written
            try:
                connection = sqlite3.connect(f"file:{quote(str(path))}?{options}", uri=True, check_same_thread=False)
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except sqlite3.Error as err:
                errors.append(err)
                if connection is not None:
                    connection.close()
                connection = None
        _remove_new_empty(side_files(path), before)
        if connection is None:
            raise _open_error(path, errors[0])
        return cls(path, connection)

    def _question_text(self, kind: str, question_id: str) -> Optional[str]:
        """The question's first phrasing, if the check-in scripts can be read."""
        if self._questions is None:
            self._questions = {}
            try:
                from assistant.content import load_checkins

                for script_kind, script in load_checkins().items():
                    for question in script.questions:
                        self._questions[f"{script_kind}/{question.id}"] = question.phrasings[0]
            except Exception:  # the question text is a nicety; the answer is what matters
                pass
        return self._questions.get(f"{kind}/{question_id}")

    def record(self, kind: str, partner: str, question_id: str, text: str, rating: Optional[str],
               at: Optional[datetime] = None, question: Optional[str] = None, turn: Optional[int] = None,
               session: Optional[str] = None) -> None:
        """Keep one answer (given now, or `at`) and the words of the question as asked (else its first phrasing),
        committed to disk before returning. `turn` (its place in the check-in) or `session` says which check-in."""
        from assistant.settings import printable

        row = (
            session or self._sessions.assign(kind, partner, question_id, turn),
            (at or datetime.now()).astimezone().isoformat(timespec="seconds"),
            kind,
            partner,
            question_id,
            question or self._question_text(kind, question_id),
            printable(text)[:MAX_ANSWER_CHARS],
            rating,
        )
        try:
            self._db.execute(
                "INSERT INTO answers (session, time, kind, partner, question_id, question, answer, rating)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        except sqlite3.Error as err:
            raise storage_error("write to", self.path, err) from err

    def entries(self) -> List[Dict[str, Any]]:
        """Every answer, oldest first, as plain dicts; StorageError if any part of the file is damaged."""
        try:
            check = self._db.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise damaged_error(self.path, check[0][0] if check and check[0] else "failed its check")
            rows = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM answers ORDER BY id").fetchall()
        except sqlite3.DatabaseError as err:
            if "no such table" in str(err):
                return []
            if "locked" in str(err) or "busy" in str(err):
                raise storage_error("read", self.path, err) from err
            raise damaged_error(self.path, err) from err
        entries = [dict(zip(COLUMNS, row)) for row in rows]
        for entry in entries:
            if not all(isinstance(entry[key], str) for key in REQUIRED):
                raise damaged_error(self.path, f"answer {entry['id']} is unreadable")
        return entries

    def close(self) -> None:
        """Close the database (its log is folded back in when possible)."""
        try:
            self._db.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
