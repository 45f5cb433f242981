"""Nothing leaves the device: whole sessions run under strace and must open no IPv4/IPv6 socket, loopback included;
and with default settings (journal off) they keep nothing but the starter rotation and check-in order.

Each session is one entry in SESSIONS: a function that builds the command-line arguments and stdin in a temp dir.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, FrozenSet, List, NamedTuple

import pytest

from tests import netcheck
from tests.conftest import PROJECT, json_lines

pytestmark = pytest.mark.skipif(netcheck.strace_problem() is not None, reason=str(netcheck.strace_problem()))

TYPED_TURNS = [
    "hey companion let's do our bedtime check in",
    "a four", "a three", "your laugh", "you listened", "more time to talk", "a slow breakfast",
    "give us a conversation starter about desire", "next one", "say that again", "stop",
]
SPOKEN_TURNS = [
    "hey companion give us a conversation starter about desire",
    "let's do our bedtime check in",
    "i felt really close to you today",
]


class Session(NamedTuple):
    """A full session: arguments after `companion`, its stdin, how many JSON turns it must print, and the only
    files it may leave in the data directory (the journal is off, as it is by default)."""

    args: List[str]
    stdin: str
    turns: int
    may_keep: FrozenSet[str] = frozenset({"state.json", "state.lock"})


def typed_session(tmp_path: Path) -> Session:
    """A complete bedtime check-in and conversation starters, typed."""
    return Session(["chat", "--json", "--partners", "Sam,Alex"], "\n".join(TYPED_TURNS) + "\n", len(TYPED_TURNS))


def spoken_session(tmp_path: Path) -> Session:
    """A starter and the start of a check-in, spoken (synthesised WAVs through the real recogniser)."""
    from tests.speechgen import SpeechMaker

    maker = SpeechMaker(tmp_path / "speech")
    args = ["listen", "--json", "--partners", "Sam,Alex", "--output-dir", str(tmp_path / "replies")]
    for text in SPOKEN_TURNS:
        args += ["--input", str(maker.vary(maker.piper(text), pad_s=(0.4, 1.2)))]
    return Session(args, "", len(SPOKEN_TURNS), frozenset({"state.json", "state.lock", "cache"}))


def _spoken_problem() -> str:
    from tests.speechgen import have_tools

    if not (PROJECT / "assistant" / "commands" / "listen.py").exists():
        return "`companion listen` is not in this build yet"
    missing = have_tools()
    return f"{missing} is not installed" if missing else ""


SESSIONS = [
    pytest.param(typed_session, id="typed"),
    pytest.param(spoken_session, id="spoken", marks=pytest.mark.skipif(bool(_spoken_problem()), reason=_spoken_problem() or "-")),
]


def test_the_checker_sees_a_loopback_server(tmp_path: Path):
    run = netcheck.run_traced(
        [sys.executable, "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()"],
        tmp_path / "trace", timeout=30,
    )
    assert run.result.returncode == 0
    assert any("AF_INET" in line and "socket(" in line for line in run.inet)
    assert any("listen(" in line for line in run.listeners)
    assert not run.clean


@pytest.mark.parametrize("make_session", SESSIONS)
def test_session_opens_no_inet_socket(make_session: Callable[[Path], Session], model_dir: Path, tmp_path: Path):
    session = make_session(tmp_path)
    home = tmp_path / "home"
    env = dict(os.environ, COMPANION_HOME=str(home), COMPANION_MODEL_DIR=str(model_dir))
    env.pop("COMPANION_JOURNAL", None)
    run = netcheck.run_traced(
        [sys.executable, "-m", "assistant.cli", *session.args], tmp_path / "trace",
        input=session.stdin, capture_output=True, text=True, env=env, cwd=PROJECT, timeout=240,
    )
    assert run.result.returncode == 0, run.result.stderr[-2000:]
    assert len(json_lines(run.result.stdout)) == session.turns
    assert run.inet == [], "inet sockets opened:\n" + "\n".join(run.inet)
    assert run.listeners == [], "something listened:\n" + "\n".join(run.listeners)
    assert {p.name for p in home.iterdir()} <= session.may_keep  # nothing sent, and nothing kept but the rotation
