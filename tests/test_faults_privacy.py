"""docs/privacy.md says exactly what is kept where: a whole session, typed and spoken, journal on, writes no file
in the data directory that the document's table does not name, and leaves nothing in the temporary folder."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from pathlib import Path
from typing import Dict, List, Set

import pytest

from tests.conftest import PROJECT
from tests.speechgen import SpeechMaker, have_tools
from tests.test_faults_journal import ANSWERS, START, Chat

DOC = PROJECT / "docs" / "privacy.md"


def documented_files() -> List[str]:
    """The file patterns in the first column of the 'What is kept, and where' table."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### What is kept, and where"):text.index("### Before the wake phrase")]
    patterns: List[str] = []
    for line in section.splitlines():
        if line.startswith("| `"):
            patterns += re.findall(r"`([^`]+)`", line.split("|")[1])
    return patterns


def files_in(home: Path) -> Set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*") if not p.is_dir()}


def test_the_table_names_the_journal_state_config_prompts_and_cache():
    patterns = documented_files()
    for name in ("config.yml", "state.json", "prompts.yml", "journal.sqlite3", "journal.sqlite3-wal", "state.lock"):
        assert name in patterns, patterns


def test_every_file_a_session_writes_is_in_the_privacy_table(run_cli, model_dir: Path, companion_home: Path,
                                                            tmp_path: Path):
    if have_tools() is not None:
        pytest.skip(f"{have_tools()} is not installed")
    patterns = documented_files()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env: Dict[str, str] = {"TMPDIR": str(temp), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    seen: Set[str] = set()
    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"], env=env).returncode == 0
    assert run_cli(["prompts", "add", "--topic", "body", "What helps you rest tonight?"], env=env).returncode == 0
    chat = Chat(dict(os.environ, COMPANION_HOME=str(companion_home), COMPANION_MODEL_DIR=str(model_dir), **env))
    chat.say("give us a conversation starter")
    chat.say(START)
    for answer in ANSWERS[:3]:
        chat.say(answer)
    seen |= files_in(companion_home)  # mid-session: the journal is open
    for answer in ANSWERS[3:]:
        chat.say(answer)
    assert chat.finish()[0] == 0
    speech = SpeechMaker(tmp_path / "speech").espeak("hey companion give us a conversation starter")
    spoken = run_cli(["listen", "--input", str(speech), "--output-dir", str(tmp_path / "replies")], env=env)
    assert spoken.returncode == 0, spoken.stderr
    for args in (["journal", "show"], ["journal", "export", "--json"],
                 ["journal", "report", "--out", str(tmp_path / "look.html")], ["service", "install", "--no-start"]):
        done = run_cli(args, env=env)
        assert done.returncode == 0, (args, done.stderr)
    seen |= files_in(companion_home)
    assert "journal.sqlite3-wal" in seen and any(name.startswith("cache/lm/") for name in seen), seen
    unnamed = sorted(name for name in seen if not any(fnmatch.fnmatch(name, p) for p in patterns))
    assert not unnamed, f"written but not in docs/privacy.md: {unnamed}"
    for name in files_in(companion_home):
        assert stat.S_IMODE((companion_home / name).stat().st_mode) & 0o077 == 0, name
    left = [p.name for p in temp.iterdir() if not p.name.startswith("pulse-")]  # the sound system's own, see the doc
    assert left == [], "the temporary folder is left empty"
    assert (tmp_path / "xdg" / "systemd" / "user" / "companion.service").exists()
