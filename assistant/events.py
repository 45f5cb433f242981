"""Lifecycle events go to one place: a logger, an optional JSON-lines file, and any listeners (tests, timings)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Callable, List, Optional, TextIO

from assistant.messages import Event

Listener = Callable[[Event], None]
LOG = logging.getLogger("companion.events")


class EventLog:
    """Fans each event out to the logger, the JSON-lines file (if one is open) and every listener."""

    def __init__(self, jsonl: Optional[Path] = None) -> None:
        self.listeners: List[Listener] = []
        self._file: Optional[TextIO] = None
        if jsonl is not None:
            import os

            fd = os.open(str(jsonl), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # private, like the journal
            self._file = os.fdopen(fd, "a", encoding="utf-8")

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every event from now on."""
        self.listeners.append(listener)

    def emit(self, kind: str, **data: Any) -> Event:
        """Record one event now."""
        event = Event(kind, time.monotonic(), tuple(data.items()))  # type: ignore[arg-type]
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug("%s %s", kind, data)
        if self._file is not None:
            self._file.write(json.dumps({"event": kind, "t": round(event.time, 4), **data}, default=str) + "\n")
            self._file.flush()
        for listener in self.listeners:
            listener(event)
        return event

    def close(self) -> None:
        """Close the JSON-lines file."""
        if self._file is not None:
            self._file.close()
            self._file = None
