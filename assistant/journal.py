"""The opt-in journal: check-in answers in a private SQLite file, one durable commit per answer."""

from __future__ import annotations

import errno
import os
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

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


def _remove_empty(path: Path) -> None:
    """Take away a journal this failed open just created, so no 0-byte file is left behind."""
    for file in [path, *side_files(path)]:
        try:
            if not file.is_symlink() and file.stat().st_size == 0:
                file.unlink()
        except OSError:
            pass


def _open_error(path: Path, err: BaseException) -> StorageError:
    """Say what really stops the journal: a link, a full or read-only disk, or (only then) a damaged file."""
    if isinstance(err, OSError) and err.errno == errno.ELOOP:
        return StorageError(f"the journal {path} is a symbolic link; the companion only writes its own files, "
                            "so replace the link with the file itself or remove it")
    damaged = type(err) is sqlite3.DatabaseError or "malformed" in str(err) or "not a database" in str(err)
    if damaged:
        return StorageError(f"the journal {path} is damaged or not a journal ({err}); move it aside to start a new one")
    return _storage_error("open", path, err)


def _storage_error(action: str, path: Path, err: BaseException) -> StorageError:
    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return StorageError(f"cannot {action} the journal {path} ({reason})")


class Journal:
    """Check-in answers: who, which check-in and question, the words, the rating, when. Never audio."""

    def __init__(self, path: Path, connection: sqlite3.Connection, state: Optional[Any] = None) -> None:
        self.path = path
        self._db = connection
        self._state = state
        self._run = uuid.uuid4().hex[:8]
        self._questions: Optional[Dict[str, str]] = None
        self._fallback_session: Optional[Tuple[Any, str]] = None

    @classmethod
    def open(cls, path: Optional[Path] = None, state: Optional[Any] = None) -> "Journal":
        """Open (creating with mode 0600) the journal; StorageError if it cannot be used."""
        path = Path(path) if path is not None else paths.journal_file()
        if state is None and path == paths.journal_file():
            from assistant.store import StateStore

            state = StateStore()
        existed = path.exists()
        try:
            with _private_umask():
                paths.private_dir(path.parent)
                os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600))
                connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
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
        except (OSError, sqlite3.Error) as err:
            if not existed:
                _remove_empty(path)
            raise _open_error(path, err) from err
        return cls(path, connection, state)

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

    def _session(self, kind: str) -> str:
        """Which check-in this answer belongs to: the run plus the check-in counter in state."""
        count = None
        if self._state is not None:
            try:
                from assistant.turns import STATE_KEY

                count = (self._state.read().get(STATE_KEY) or {}).get("count")
            except Exception:
                count = None
        if count is not None:
            return f"{self._run}-{count}"
        if self._fallback_session is None or self._fallback_session[0] != kind:
            self._fallback_session = (kind, f"{self._run}-{uuid.uuid4().hex[:4]}")
        return str(self._fallback_session[1])

    def record(self, kind: str, partner: str, question_id: str, text: str, rating: Optional[str],
               at: Optional[datetime] = None, question: Optional[str] = None) -> None:
        """Keep one answer (given now, or `at`) and the words of the question as asked (else its first phrasing),
        committed to disk before returning."""
        row = (
            self._session(kind),
            (at or datetime.now()).astimezone().isoformat(timespec="seconds"),
            kind,
            partner,
            question_id,
            question or self._question_text(kind, question_id),
            text,
            rating,
        )
        try:
            self._db.execute(
                "INSERT INTO answers (session, time, kind, partner, question_id, question, answer, rating)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        except sqlite3.Error as err:
            raise _storage_error("write to", self.path, err) from err

    def entries(self) -> List[Dict[str, Any]]:
        """Every answer, oldest first, as plain dicts."""
        try:
            rows = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM answers ORDER BY id").fetchall()
        except sqlite3.Error as err:
            raise _storage_error("read", self.path, err) from err
        return [dict(zip(COLUMNS, row)) for row in rows]

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
