"""Shared bits for the benchmarks: the machine, percentiles, markdown tables, child processes with peak memory."""

from __future__ import annotations

import atexit
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, NoReturn, Optional, Sequence

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results"
PYTHON = sys.executable
COMPANION = [PYTHON, "-m", "assistant.cli"]


def machine() -> Dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(ram_gb, 1),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def machine_line(info: Dict[str, Any]) -> str:
    """One line describing the machine."""
    return (f"{info['date']}; {info['nproc']} cores ({info['cpu']}), {info['ram_gb']} GB RAM, "
            f"load average {info['load']}; Python {info['python']}, {info['os']}")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def fmt(value: Any, digits: int = 0) -> str:
    """A number for a table ("–" for missing)."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class ChildRun:
    """A finished child process: output, wall time, peak resident memory, when it was launched."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_mb: float
    launched_at: float  # time.time() just before the process was started
    lines: List[str] = field(default_factory=list)


def high_water_mb(pid: int) -> Optional[float]:
    """The process's own resident high-water mark (VmHWM, MB); None once it has gone or off Linux."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        return None
    return None


class HighWaterWatch:
    """Reads a child's VmHWM every 50 ms until it exits: the peak of its own memory only.

    wait4's ru_maxrss is not that: Linux carries the spawning process's high-water mark into the child at exec,
    so a child of a 700 MB bench process reported 710 MB whatever it used itself."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mb: Optional[float] = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.05):
            mark = high_water_mb(self.pid)
            if mark is not None:
                self.peak_mb = max(self.peak_mb or 0.0, mark)

    def stop(self) -> Optional[float]:
        """Stop watching; the highest mark read."""
        self._done.set()
        self._thread.join()
        return self.peak_mb


def run_child(cmd: Sequence[str], env: Optional[Dict[str, str]] = None, timeout: float = 900,
              cwd: Path = PROJECT) -> ChildRun:
    """Run a process to the end; its peak RSS is its own VmHWM, read while it runs (wait4's ru_maxrss where
    /proc is missing)."""
    full_env = dict(os.environ, **(env or {}))
    launched_at = time.time()
    start = time.monotonic()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, cwd=cwd,
                            text=True)
    out: List[str] = []
    err: List[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.extend(s), daemon=True)
               for s, b in ((proc.stdout, out), (proc.stderr, err))]
    for reader in readers:
        reader.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    watch = HighWaterWatch(proc.pid)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
        peak_mb = watch.stop()
    wall = time.monotonic() - start
    for reader in readers:
        reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(proc.returncode, "".join(out), "".join(err), wall,
                    usage.ru_maxrss / 1024.0 if peak_mb is None else peak_mb, launched_at)


def scratch_dir(prefix: str) -> Path:
    """A temp dir removed when the bench process exits (benches made thousands of them and left them behind)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def results_dir() -> Path:
    """bench/results (git-ignored), created if needed."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS


def quiet_env(home: Path, model_dir: Path, **extra: str) -> Dict[str, str]:
    """Environment for a throw-away companion: private data dir, given model dir, no telemetry, no journal."""
    return {"COMPANION_HOME": str(home), "COMPANION_MODEL_DIR": str(model_dir), "RASA_TELEMETRY_ENABLED": "false",
            "COMPANION_JOURNAL": "off", **extra}


def project_model_dir(model_dir: Optional[Path] = None) -> Path:
    """`model_dir` if given, else the project's model folder, trained first if its data changed."""
    if model_dir is not None:
        return model_dir
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    from assistant.dialogue import training

    model_dir = training.default_model_dir()
    training.train(model_dir, quiet=True)
    return model_dir


ENGINES = ("pocketsphinx", "whisper:tiny.en", "whisper:base")  # "+bare": Whisper without prompts or hints


def bench_recognizer(engine: str, cache: Path, names: Sequence[str] = ("Sam", "Alex")) -> Any:
    """A recogniser by bench name: pocketsphinx (the fallback, its LM cached under `cache`) or whisper:SIZE."""
    from assistant.recognizers import load_recognizer
    from assistant.recognizers.pocketsphinx import PocketSphinxRecognizer
    from assistant.settings import ListenSettings

    if engine == "pocketsphinx":
        return PocketSphinxRecognizer(cache_dir=cache)
    kind, _, size = engine.partition(":")
    size, bare = size.removesuffix("+bare"), size.endswith("+bare")
    if kind != "whisper":
        raise SystemExit(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")

    def fail(message: str) -> NoReturn:
        raise SystemExit(f"whisper did not load: {message}")

    settings = ListenSettings(recognizer="whisper", whisper_size=size or "tiny.en")
    if bare:  # the measurement "without context": no domain prompt, no per-question hint, no scored answers
        from assistant import paths
        from assistant.errors import RecognizerError
        from assistant.recognizers import whisper
        from assistant.recognizers.whisper_weights import packaged_weights

        try:
            return whisper.WhisperRecognizer(packaged_weights(settings.whisper_size, paths.home() / "cache"),
                                             context=False)
        except RecognizerError as err:
            fail(str(err))
    return load_recognizer(settings, notify=fail, names=names)
