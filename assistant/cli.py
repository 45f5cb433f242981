"""The `companion` command: parses arguments, runs a sub-command, turns errors into one line."""

from __future__ import annotations

import _thread
import argparse
import atexit
import importlib
import os
import signal
import sys
import threading
import time
from typing import Any, Dict, List, Optional

from assistant import telemetry  # noqa: F401  (must run before anything imports Rasa)
from assistant.commands import MODULES
from assistant.errors import CompanionError
from assistant.output import ClosedStream, GuardedStream, OutputClosed, silence_stdout

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command group registered."""
    parser = argparse.ArgumentParser(
        prog="companion",
        description="An offline voice companion for couples. Nothing leaves this device.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        module.register(sub)
    return parser


class Stopper:
    """Ctrl-C, SIGTERM or SIGHUP: leave as Ctrl-C would, so every clean-up (temporary folders, the journal) runs. An
    interrupt that lands where Python ignores exceptions (a weakref or import-lock callback, a thread's finaliser)
    is repeated until the command has ended; after 10 s the clean-ups run and the process exits anyway. (With Whisper's
    threads, `companion listen` outlived a single Ctrl-C in 3 of 3 loaded full-suite runs.)"""

    def __init__(self) -> None:
        self.asked = False
        self.done = False

    def __call__(self, signum: int, frame: Any) -> None:
        if not self.asked:
            self.asked = True
            threading.Thread(target=self._insist, args=(128 + signum,), daemon=True).start()
        raise KeyboardInterrupt

    def _insist(self, code: int) -> None:
        for _ in range(20):
            time.sleep(0.5)
            if self.done:
                return
            _thread.interrupt_main()
        atexit._run_exitfuncs()
        os._exit(code)


STOPPER = Stopper()


def _quiet_stop(unraisable: Any) -> None:
    """An interrupt that Python could not raise (it landed in an import-lock or weakref callback) is no error: the
    Stopper repeats it, so say nothing; anything else goes to Python's own report."""
    if STOPPER.asked and isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def _run(argv: Optional[List[str]]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a usage error already printed
        return done.code if isinstance(done.code, int) else 2
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CompanionError as err:
        print(f"companion: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        STOPPER.done = True
        print("", file=sys.stderr)
        return 130


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the console script: one line and a non-zero exit on any failure, stdout's included."""
    real = sys.stdout
    sys.stdout = GuardedStream(real if real is not None else ClosedStream())  # None: started with it closed
    previous: Dict[signal.Signals, Any] = {}
    sys.unraisablehook = _quiet_stop
    try:
        for number in STOP_SIGNALS:
            previous[number] = signal.signal(number, STOPPER)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        code = _run(argv)
        sys.stdout.flush()
    except OutputClosed as closed:
        silence_stdout()
        if closed.pipe_closed:
            return 141
        print(f"companion: cannot write the output: {closed.reason}", file=sys.stderr)
        return 2
    finally:
        STOPPER.done = True
        sys.stdout = real
        for number, handler in previous.items():
            signal.signal(number, handler)
    return code


if __name__ == "__main__":
    sys.exit(main())
