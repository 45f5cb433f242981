"""Prove a command opens no network socket: run it under strace and list every inet socket it touched.

Usable from tests (`run_traced`, `inet_sockets`, `listeners`) and by hand:
    python tests/netcheck.py -- .venv/bin/companion chat --json < turns.txt
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Set, Tuple

INET = re.compile(r"\b(AF_INET6?|PF_INET6?)\b")
CALL = re.compile(r"^(?P<pid>\d+)\s+(?:<\.\.\.\s+)?(?P<call>\w+)[\s(]")
SERVER_CALLS = frozenset({"listen", "accept", "accept4"})
TRACED_CALLS = "%network"


def _probe(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run(["strace", *options, "-f", "-qq", "-e", "trace=socket", "-o", os.devnull, "true"],
                          capture_output=True, text=True)


@lru_cache(maxsize=1)
def _fast_option() -> Tuple[str, ...]:
    """`--seccomp-bpf` (only network calls stop the traced program) when this strace and kernel allow it."""
    return ("--seccomp-bpf",) if _probe("--seccomp-bpf").returncode == 0 else ()


def strace_problem() -> Optional[str]:
    """None if strace can trace a child here, else why not (missing, or ptrace not allowed)."""
    if shutil.which("strace") is None:
        return "strace is not installed (apt-get install strace)"
    probe = _probe()
    if probe.returncode != 0:
        return f"strace cannot trace here: {probe.stderr.strip()[:200]}"
    return None


def traced(command: Sequence[str], trace_file: Path) -> List[str]:
    """`command` wrapped in strace, following children, logging network calls to `trace_file`."""
    return ["strace", *_fast_option(), "-f", "-qq", "-e", f"trace={TRACED_CALLS}", "-e", "signal=none",
            "-o", str(trace_file), *command]


def _lines(trace_file: Path) -> List[str]:
    return Path(trace_file).read_text(encoding="utf-8", errors="replace").splitlines()


def inet_sockets(trace_file: Path) -> List[str]:
    """Every traced line that creates, binds, connects or sends on an IPv4/IPv6 socket (loopback included)."""
    return [line for line in _lines(trace_file) if INET.search(line)]


def listeners(trace_file: Path) -> List[str]:
    """Every `listen`/`accept` call, on any kind of socket: the companion runs no server at all."""
    return [line for line in _lines(trace_file) if (m := CALL.match(line)) and m["call"] in SERVER_CALLS]


def syscalls_seen(trace_file: Path) -> Set[str]:
    """The names of the network system calls that appear in the trace (proves tracing worked)."""
    return {m["call"] for m in map(CALL.match, _lines(trace_file)) if m}


@dataclass
class TracedRun:
    """A finished traced command and what the trace shows."""

    result: subprocess.CompletedProcess
    trace_file: Path
    inet: List[str]
    listeners: List[str]

    @property
    def clean(self) -> bool:
        """No inet socket of any kind and nothing listening."""
        return not self.inet and not self.listeners


def run_traced(command: Sequence[str], trace_file: Path, **run_kwargs: object) -> TracedRun:
    """Run `command` under strace (subprocess.run keyword arguments pass through) and check its trace."""
    result = subprocess.run(traced(command, trace_file), **run_kwargs)  # type: ignore[call-overload]
    return TracedRun(result, Path(trace_file), inet_sockets(trace_file), listeners(trace_file))


def main(argv: Sequence[str]) -> int:
    """CLI: run the command after `--` under strace; exit 1 and print the lines if it used the network."""
    command = list(argv[argv.index("--") + 1:] if "--" in argv else argv)
    if not command:
        print("usage: python tests/netcheck.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    problem = strace_problem()
    if problem:
        print(f"netcheck: {problem}", file=sys.stderr)
        return 2
    trace_file = Path(os.environ.get("NETCHECK_TRACE") or Path(tempfile.mkdtemp(prefix="netcheck-")) / "trace")
    run = run_traced(command, trace_file)
    for line in dict.fromkeys(run.inet + run.listeners):
        print(f"netcheck: {line}", file=sys.stderr)
    verdict = "no inet sockets, nothing listening" if run.clean else f"{len(run.inet)} inet socket calls"
    print(f"netcheck: exit {run.result.returncode}; {verdict} (trace: {trace_file})", file=sys.stderr)
    return 0 if run.clean else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
