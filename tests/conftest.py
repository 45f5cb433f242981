"""Shared fixtures: one real Rasa model per test session, private data dirs, CLI runners."""

from __future__ import annotations

import os

os.environ["RASA_TELEMETRY_ENABLED"] = "false"

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

import assistant.telemetry  # noqa: F401,E402  (before anything imports Rasa)

PROJECT = Path(__file__).resolve().parent.parent
DAYTIME = datetime(2026, 11, 26, 14, 0)
NIGHT = datetime(2026, 11, 26, 23, 0)


@pytest.fixture(autouse=True)
def companion_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own private data directory."""
    home = tmp_path / "home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    monkeypatch.delenv("COMPANION_JOURNAL", raising=False)
    return home


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real Rasa model trained once for the whole session, in a temp dir."""
    from assistant.dialogue import training

    reuse = os.environ.get("COMPANION_TEST_MODEL_DIR")  # a parent test session's model (tests run in a child)
    directory = Path(reuse) if reuse else tmp_path_factory.mktemp("models")
    training.train(directory, quiet=True)
    return directory


@pytest.fixture(scope="session")
def model_path(model_dir: Path) -> Path:
    """The trained model file."""
    from assistant.dialogue import training

    return training.model_path(model_dir)


@pytest.fixture(scope="session")
def dialogue_engine(model_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """One loaded engine for NLU checks (its own data dir)."""
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.settings import Settings
    from assistant.store import StateStore

    state = StateStore(tmp_path_factory.mktemp("engine-home") / "state.json")
    engine = RasaDialogueEngine.load(model_path, ActionContext(Settings(), state=state))
    yield engine
    engine.close()


@pytest.fixture
def conversation(dialogue_engine, companion_home: Path) -> Callable[..., object]:
    """A fresh conversation on the shared model, with this test's data dir and partners."""
    from assistant.dialogue.actions.context import ActionContext
    from assistant.settings import Settings
    from assistant.store import StateStore

    def make(partners=("Sam", "Alex"), clock: Callable[[], datetime] = lambda: DAYTIME, journal=None):
        settings = Settings(partners=tuple(partners))
        ctx = ActionContext(settings, state=StateStore(companion_home / "state.json"), clock=clock, journal=journal)
        return dialogue_engine.fork(ctx)

    return make


@pytest.fixture
def run_cli(model_dir: Path, companion_home: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run `companion ...` in a subprocess with the session's model and this test's data dir."""

    def run(args: List[str], stdin: str = "", env: Optional[Dict[str, str]] = None, timeout: float = 180) -> subprocess.CompletedProcess:
        full_env = dict(os.environ, COMPANION_HOME=str(companion_home), COMPANION_MODEL_DIR=str(model_dir))
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args],
            input=stdin, capture_output=True, text=True, env=full_env, cwd=PROJECT, timeout=timeout,
        )

    return run


def json_lines(output: str) -> List[dict]:
    """Parse one JSON object per non-empty line."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def maker(tmp_path_factory: pytest.TempPathFactory):
    """Test speech (Piper and espeak-ng), cached for the session's temp dir."""
    from speechgen import shared_maker

    return shared_maker(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def rec():
    """The packaged Whisper tiny.en recogniser, one per test module."""
    from assistant.recognizers import load_recognizer
    from assistant.settings import ListenSettings

    return load_recognizer(ListenSettings(recognizer="whisper"), notify=pytest.fail, names=("Sam", "Alex"))
