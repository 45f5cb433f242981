"""Faults and bad input: killed mid check-in, unwritable data dir, odd typed lines, broken model and files."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from typing import Dict, List

import pytest

from tests.conftest import PROJECT, json_lines

ANSWERS = ["a four", "a three", "your laugh", "you listened"]


def companion_env(home: Path, model_dir: Path, **extra: str) -> Dict[str, str]:
    return dict(os.environ, COMPANION_HOME=str(home), COMPANION_MODEL_DIR=str(model_dir), **extra)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single `companion: ...` line a failed command printed (and no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: "), result.stderr
    return lines[0]


class LineReader:
    """Reads a child's stdout lines on a thread so each reply can be awaited with a timeout."""

    def __init__(self, stream) -> None:
        self.lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def next_json(self, timeout: float = 120) -> dict:
        return json.loads(self.lines.get(timeout=timeout))


def test_kill_9_mid_checkin_keeps_every_answer_given(model_dir: Path, companion_home: Path):
    env = companion_env(companion_home, model_dir, COMPANION_JOURNAL="on")
    chat = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "chat", "--json", "--partners", "Sam,Alex"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=PROJECT,
    )
    try:
        replies = LineReader(chat.stdout)
        for line in ["let's do our bedtime check in", *ANSWERS[:3]]:
            chat.stdin.write(line + "\n")
            chat.stdin.flush()
            assert replies.next_json()["active_loop"] == "checkin_form"
        os.kill(chat.pid, signal.SIGKILL)
        assert chat.wait(timeout=30) == -signal.SIGKILL
    finally:
        if chat.poll() is None:
            chat.kill()
        chat.stdin.close()

    journal = companion_home / "journal.sqlite3"
    assert journal.with_name("journal.sqlite3-wal").exists()  # killed before any clean close
    for file in companion_home.glob("journal.sqlite3*"):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    exported = subprocess.run([sys.executable, "-m", "assistant.cli", "journal", "export", "--json"],
                              capture_output=True, text=True, env=env, cwd=PROJECT, timeout=60)
    assert exported.returncode == 0, exported.stderr
    assert [row["answer"] for row in json_lines(exported.stdout)] == ANSWERS[:3]
    with sqlite3.connect(str(journal)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    json.loads((companion_home / "state.json").read_text())


@pytest.mark.parametrize("layout", ["parent-is-a-file", "home-is-a-file"])
def test_unwritable_data_dir_is_one_line_before_anything_starts(layout: str, tmp_path: Path, model_dir: Path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file, so nothing can be created beneath it, even by root")
    home = blocker / "home" if layout == "parent-is-a-file" else blocker
    env = companion_env(home, model_dir)
    for args in (["chat", "--json"], ["setup", "--partners", "Sam,Alex"]):
        result = subprocess.run([sys.executable, "-m", "assistant.cli", *args], input="hello\n",
                                capture_output=True, text=True, env=env, cwd=PROJECT, timeout=60)
        assert result.returncode == 2 and result.stdout == ""
        line = one_error_line(result)
        assert "cannot write to the data directory" in line and str(home) in line and "COMPANION_HOME" in line


def odd_lines() -> List[bytes]:
    return [
        b"x" * 100_000,
        "let's do our bedtime check in".encode(),
        ("talk " * 20_000).encode(),  # a 100,000-character answer inside the check-in
        "ok\x00\x07\x1b[31m\x7f fine\x08".encode(),
        b"",
        b"   \t  ",
        "\u202e\u200d\u200b\ufeff".encode(),
        "😀🔥❤️ 👩‍❤️‍👨 🫶🏽".encode(),
        "ça va, 你好, привет, مرحبا, नमस्ते, שלום".encode(),
        b"\xff\xfe\xc3\x28 not utf-8",
        b"stop",
        "give us a conversation starter".encode(),
        b"\r",
    ]


def test_odd_typed_lines_are_each_answered(model_dir: Path, companion_home: Path):
    lines = odd_lines()
    env = companion_env(companion_home, model_dir, COMPANION_JOURNAL="on", PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "chat", "--json"], input=b"\n".join(lines) + b"\n",
                            capture_output=True, env=env, cwd=PROJECT, timeout=180)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in result.stderr
    rows = json_lines(result.stdout.decode("utf-8"))
    assert len(rows) == len(lines)
    assert all(row["replies"] and all(isinstance(t, str) and t for t in row["replies"]) for row in rows)
    assert len(rows[0]["user"]) == 100_000 and "\ufffd" in rows[9]["user"]
    assert rows[1]["active_loop"] == "checkin_form"
    exported = subprocess.run([sys.executable, "-m", "assistant.cli", "journal", "export", "--json"],
                              capture_output=True, text=True, env=env, cwd=PROJECT, timeout=60)
    kept = json_lines(exported.stdout)
    assert kept and kept[0]["answer"].startswith("talk talk") and len(kept[0]["answer"]) <= 2000


def test_missing_model_is_a_clear_error(tmp_path: Path):
    from assistant.dialogue.actions.context import ActionContext
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.errors import DialogueError
    from assistant.settings import Settings

    with pytest.raises(DialogueError, match="companion train"):
        RasaDialogueEngine.load(tmp_path / "companion-missing.tar.gz", ActionContext(Settings()))


def test_corrupt_model_is_set_aside_and_retrained(tmp_path: Path, companion_home: Path):
    from assistant.dialogue import training

    models = tmp_path / "models"
    models.mkdir()
    broken = training.model_path(models)
    broken.write_bytes(b"\x1f\x8b not really a model" * 100)
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "chat", "--json"], input="hello\n",
                            capture_output=True, text=True, env=companion_env(companion_home, models), cwd=PROJECT,
                            timeout=400)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert ("could not be loaded" in result.stderr or "incomplete or damaged" in result.stderr)
    assert "retraining" in result.stderr
    assert json_lines(result.stdout)[0]["intent"] == "greet"
    assert broken.with_name(broken.name + ".corrupt").read_bytes().startswith(b"\x1f\x8b not really")
    assert tarfile.is_tarfile(broken)


def test_bad_config_file_is_one_line_and_kept(run_cli, companion_home: Path):
    companion_home.mkdir(parents=True)
    config = companion_home / "config.yml"
    text = "partners: [Sam, Alex]\njournal: true\nvoice: {rate: 150\n"
    config.write_text(text)
    for args in (["chat", "--json"], ["setup", "--partners", "Robin,Kai"], ["journal", "show"]):
        result = run_cli(args, stdin="hello\n")
        assert result.returncode == 2, (args, result.stderr)
        line = one_error_line(result)
        assert str(config) in line and "line" in line
    assert config.read_text() == text


def test_bad_prompts_and_state_files_are_one_line_and_kept(run_cli, companion_home: Path):
    companion_home.mkdir(parents=True)
    prompts = companion_home / "prompts.yml"
    prompts.write_text("prompts: [ {id: mine, topic: desire, text: 'Unfinished\n")
    state = companion_home / "state.json"
    state.write_text('{"checkin": {"count": 3, "next_fir')
    before = prompts.read_bytes()

    chat = run_cli(["chat", "--json"], stdin="give us a conversation starter about desire\n")
    assert chat.returncode == 0, chat.stderr
    line = one_error_line(chat)
    assert str(prompts) in line and "built-in" in line
    (row,) = json_lines(chat.stdout)
    assert row["intent"] == "request_prompt" and row["replies"]
    assert prompts.read_bytes() == before
    assert (companion_home / "state.corrupt").read_text().startswith('{"checkin": {"count": 3')

    added = run_cli(["prompts", "add", "--topic", "desire", "What makes each of you feel wanted?"])
    assert added.returncode == 2 and str(prompts) in one_error_line(added)
    assert prompts.read_bytes() == before
