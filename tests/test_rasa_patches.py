"""Rasa's internals are touched behind one version-checked install(); plain Rasa is the fallback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

WRONG_VERSION = """
import sys
from pathlib import Path
from assistant import telemetry
from assistant.dialogue import patches
patches.rasa_version = lambda: "9.9.9"
from assistant.dialogue.actions.context import ActionContext
from assistant.dialogue.engine import RasaDialogueEngine
from assistant.settings import Settings
engine = RasaDialogueEngine.load(Path(sys.argv[1]), ActionContext(Settings(partners=("Sam", "Alex"))))
reply = engine.respond("let's do our bedtime check in")
print("ACTIVE", patches.active())
print("LOOP", reply.active_loop)
print("SAID", " | ".join(reply.texts))
"""


def test_a_wrong_rasa_version_runs_plain_rasa_and_still_answers(model_path: Path, companion_home: Path) -> None:
    done = subprocess.run([sys.executable, "-c", WRONG_VERSION, str(model_path)], capture_output=True, text=True,
                          cwd=PROJECT, timeout=300, env=dict(os.environ, COMPANION_HOME=str(companion_home)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ACTIVE False" in done.stdout
    assert "LOOP checkin_form" in done.stdout, done.stdout
    assert "Sam" in done.stdout or "Alex" in done.stdout, done.stdout
    warnings = [line for line in done.stderr.splitlines() if "9.9.9" in line]
    assert len(warnings) == 1 and "plain Rasa" in warnings[0], done.stderr[-2000:]
    assert not list(model_path.parent.glob("*.corrupt")), "a failed patch never marks the model corrupt"


def test_the_dialogue_suite_passes_with_plain_rasa(model_dir: Path) -> None:
    env = dict(os.environ, COMPANION_RASA_PATCHES="0", COMPANION_TEST_MODEL_DIR=str(model_dir))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_dialogue.py"],
                          capture_output=True, text=True, cwd=PROJECT, timeout=900, env=env)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout.splitlines()[-1], done.stdout[-500:]
