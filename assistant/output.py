"""Standard output that fails loudly: a write that cannot be made ends the command with one line, whatever
code was running (a full disk, a closed pipe, /dev/full)."""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import Any, TextIO


class OutputClosed(BaseException):
    """Standard output cannot be written. A BaseException, so no `except Exception` mistakes it for a bad turn."""

    def __init__(self, err: OSError) -> None:
        super().__init__(err)
        self.err = err

    @property
    def reason(self) -> str:
        """The system's words for it ("No space left on device")."""
        return self.err.strerror or str(self.err) or type(self.err).__name__

    @property
    def pipe_closed(self) -> bool:
        """The reader went away (`companion ... | head`): not worth a message."""
        return isinstance(self.err, BrokenPipeError) or self.err.errno == errno.EPIPE


class GuardedStream:
    """Wraps stdout: writes and flushes that fail raise OutputClosed; everything else is the stream's own."""

    def __init__(self, stream: "TextIO | io.TextIOBase") -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write, or raise OutputClosed."""
        try:
            return self._stream.write(text)
        except OSError as err:
            raise OutputClosed(err) from None

    def flush(self) -> None:
        """Flush, or raise OutputClosed."""
        try:
            self._stream.flush()
        except OSError as err:
            raise OutputClosed(err) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class ClosedStream(io.TextIOBase):
    """Standard output when the command was started with it closed: every write is an error, like any other."""

    def write(self, text: str) -> int:
        """Fail as a closed descriptor does."""
        raise OSError(errno.EBADF, "standard output is closed")


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so nothing left in the buffer can fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
        os.close(devnull)
    except (OSError, ValueError):
        pass
