"""The journal as a running session sees it: the switch is re-read before every answer, a busy or full journal
is retried, and each change is said once."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, List, Optional

from assistant.errors import CompanionError, StorageError
from assistant.journal import Journal, Sessions

SWITCHED_OFF = "The journal is switched off now, so I'm not keeping your answers."
SWITCHED_ON = "The journal is switched on now, so I'm keeping your answers from here."
NOT_SAVED = "I couldn't save that answer to the journal just now; I'll keep it and try again."
UNSURE = "I can't read the settings just now, so I'll hold your answers until I know whether to keep them."
MAX_PENDING = 500
BUSY_WAIT_S = 0.3  # while a check-in runs: never freeze the conversation on a locked journal
CLOSING_WAIT_S = 3.0


@dataclass(frozen=True)
class Answer:
    """One answer waiting to be written, with the time and check-in it was given in."""

    kind: str
    partner: str
    question_id: str
    text: str
    rating: Optional[str]
    at: datetime
    question: Optional[str]
    session: str


def journal_switch() -> Optional[bool]:
    """Whether the journal is on right now (config file and environment), or None if that cannot be read."""
    from assistant import settings

    try:
        return settings.load().journal_enabled
    except CompanionError:
        return None


class LiveJournal:
    """Obeys `companion setup --journal on|off` at once; `record` returns what to say about it, if anything."""

    def __init__(self, path: Optional[Path] = None, switch: Callable[[], Optional[bool]] = journal_switch) -> None:
        self.path = path
        self._switch = switch
        self._journal: Optional[Journal] = None
        self._pending: List[Answer] = []
        self._sessions = Sessions()
        self._was_on = switch()
        self._problem: Optional[str] = None
        if self._was_on:  # a journal that can't be used is said at the start, and the conversation still goes on
            try:
                self._journal = Journal.open(path, timeout=BUSY_WAIT_S)
            except StorageError as err:
                print(f"companion: {err}; answers will be held and tried again", file=sys.stderr, flush=True)

    def record(self, kind: str, partner: str, question_id: str, text: str, rating: Optional[str],
               at: Optional[datetime] = None, question: Optional[str] = None, turn: Optional[int] = None) -> Optional[str]:
        """Keep the answer if the journal is on now; the line to say when the switch changed or saving failed."""
        on = self._switch()
        session = self._sessions.assign(kind, partner, question_id, turn)
        if on is False:
            self._pending.clear()  # held answers are dropped too: nothing is kept against the switch
            self._close_db()
            return self._changed(False)
        self._pending.append(Answer(kind, partner, question_id, text, rating, at or datetime.now(), question, session))
        del self._pending[:-MAX_PENDING]
        if on is None:
            return self._trouble("the settings can't be read", UNSURE)
        note = self._changed(True)
        problem = self.flush(BUSY_WAIT_S)
        if problem is not None:
            return self._trouble(problem, NOT_SAVED)
        self._problem = None
        return note

    def _changed(self, on: bool) -> Optional[str]:
        """The line for a switch that changed since the last answer (None the first time it is as at the start)."""
        was, self._was_on = self._was_on, on
        if was == on or was is None:  # unknown before (the settings could not be read): nothing to compare
            return None
        return SWITCHED_ON if on else SWITCHED_OFF

    def _trouble(self, problem: str, spoken: str) -> Optional[str]:
        """Said (and printed) once per kind of trouble, not after every answer."""
        if problem == self._problem:
            return None
        self._problem = problem
        print(f"companion: {problem}; {len(self._pending)} answer(s) wait to be saved", file=sys.stderr, flush=True)
        return spoken

    def flush(self, wait_s: float) -> Optional[str]:
        """Write every held answer, oldest first; None when all are on disk, else why not."""
        while self._pending:
            try:
                if self._journal is None:
                    self._journal = Journal.open(self.path, timeout=wait_s)
                answer = self._pending[0]
                self._journal.record(answer.kind, answer.partner, answer.question_id, answer.text, answer.rating,
                                     at=answer.at, question=answer.question, session=answer.session)
            except StorageError as err:
                if "damaged" in str(err) or "not a regular file" in str(err) or "symbolic link" in str(err):
                    self._close_db()
                return str(err)
            self._pending.pop(0)
        return None

    def _close_db(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def close(self) -> None:
        """Save what is still held (if the journal is still on), say in one line what could not be, and close."""
        if self._pending and self._switch() is True:
            problem = self.flush(CLOSING_WAIT_S)
            if problem is not None:
                print(f"companion: {len(self._pending)} check-in answer(s) could not be saved to the journal: {problem}",
                      file=sys.stderr, flush=True)
        elif self._pending:
            print(f"companion: {len(self._pending)} check-in answer(s) were not saved: the journal is not on",
                  file=sys.stderr, flush=True)
        self._pending.clear()
        self._close_db()
