"""`companion prompts list|add` through the real command line, in a fresh data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assistant import paths


def companion(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COMPANION_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "prompts", *args],
        cwd=paths.PROJECT, env=env, capture_output=True, text=True, timeout=60,
    )


def json_lines(stdout: str) -> list:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_list_json(tmp_path):
    result = companion(tmp_path, "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert len(rows) >= 96
    assert all(set(row) == {"id", "topic", "level", "text"} for row in rows)
    assert {row["level"] for row in rows} == {"gentle", "bold"}
    only = json_lines(companion(tmp_path, "list", "--topic", "power", "--json").stdout)
    assert len(only) >= 12 and {row["topic"] for row in only} == {"power"}


def test_add_then_list(tmp_path):
    text = "Which sound helps the two of you fall asleep most peacefully?"
    added = companion(tmp_path, "add", "--topic", "body", text)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "user-body-01"
    rows = json_lines(companion(tmp_path, "list", "--json").stdout)
    assert {"id": "user-body-01", "topic": "body", "level": "gentle", "text": text} in rows
    readable = companion(tmp_path, "list", "--topic", "body").stdout
    assert "user-body-01" in readable and "(yours)" in readable


def test_bad_topic_is_one_line_error(tmp_path):
    result = companion(tmp_path, "add", "--topic", "weather", "Is it sunny for both of you?")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "mutuality" in result.stderr
    assert not (tmp_path / "prompts.yml").exists()


def test_malformed_user_file_still_lists_builtins(tmp_path):
    user = tmp_path / "prompts.yml"
    user.write_text(
        "prompts:\n  - {id: mine, topic: desire}\n  - {id: ok, topic: desire, text: 'Fine for both of you?'}\n"
    )
    result = companion(tmp_path, "list", "--json")
    assert result.returncode == 0
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 1 and str(user) in problems[0] and "mine" in problems[0]
    rows = json_lines(result.stdout)
    assert len(rows) >= 97 and rows[-1]["id"] == "ok"

    user.write_text("prompts: [ {id: x\n")
    broken = companion(tmp_path, "list", "--json")
    assert broken.returncode == 0 and str(user) in broken.stderr
    assert len(json_lines(broken.stdout)) >= 96
