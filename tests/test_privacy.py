"""The opt-in journal (private, durable, readable, exportable) and `companion forget --yes`."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest

from assistant.errors import StorageError
from assistant.journal import Journal, side_files
from tests.conftest import json_lines

CHECKIN = ["let's do our bedtime check in", "a four", "a three", "your laugh", "you listened", "more time to talk", "a slow breakfast"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def bedtime_question_ids() -> list:
    from assistant.content import load_checkins

    return [q.id for q in load_checkins()["bedtime"].questions]


def test_journal_is_private_wal_and_committed_per_answer(tmp_path: Path):
    path = tmp_path / "data" / "journal.sqlite3"
    first_question = bedtime_question_ids()[0]
    journal = Journal.open(path)
    journal.record("bedtime", "Sam", first_question, "a four", "4")
    journal.record("bedtime", "Alex", first_question, "(passed)", None)
    reader = sqlite3.connect(str(path))  # a second connection sees both answers while the journal is still open
    assert reader.execute("SELECT answer FROM answers ORDER BY id").fetchall() == [("a four",), ("(passed)",)]
    assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    for file in [path, *side_files(path)]:
        if file.exists():
            assert mode(file) == 0o600, file
    assert path.with_name(path.name + "-wal").exists()
    rows = journal.entries()
    assert [(r["partner"], r["answer"], r["rating"]) for r in rows] == [("Sam", "a four", "4"), ("Alex", "(passed)", None)]
    assert rows[0]["question"] and rows[0]["question_id"] == first_question and rows[0]["kind"] == "bedtime"
    assert datetime.fromisoformat(rows[0]["time"]).tzinfo is not None
    assert rows[0]["session"] == rows[1]["session"]
    reader.close()
    journal.close()


def test_journal_that_cannot_be_created_is_one_line(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError) as caught:
        Journal.open(blocker / "journal.sqlite3")
    assert "journal" in str(caught.value) and "\n" not in str(caught.value)


def test_damaged_journal_is_one_line_and_left_alone(run_cli, companion_home: Path):
    companion_home.mkdir(parents=True)
    damaged = companion_home / "journal.sqlite3"
    damaged.write_bytes(b"these bytes are not a database " * 200)
    for args in (["journal", "show"], ["journal", "export", "--json"]):
        result = run_cli(args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert str(damaged) in line and "move it aside" in line
    assert damaged.read_bytes().startswith(b"these bytes are not a database")


def test_journal_on_with_setup_keeps_each_answer(run_cli, companion_home: Path):
    shown = run_cli(["journal", "show"])
    assert shown.returncode == 0 and "off" in shown.stdout and "setup --journal on" in shown.stdout
    assert not (companion_home / "journal.sqlite3").exists()

    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    chat = run_cli(["chat", "--json"], stdin="\n".join(CHECKIN) + "\n")
    assert chat.returncode == 0, chat.stderr
    exported = run_cli(["journal", "export", "--json"])
    assert exported.returncode == 0, exported.stderr
    rows = json_lines(exported.stdout)
    assert [r["answer"] for r in rows] == CHECKIN[1:]
    assert sorted(r["partner"] for r in rows) == ["Alex"] * 3 + ["Sam"] * 3
    assert [r["question_id"] for r in rows] == [q for q in bedtime_question_ids() for _ in (0, 1)]
    assert {r["rating"] for r in rows[:2]} == {"4", "3"} and len({r["session"] for r in rows}) == 1
    assert set(rows[0]) == {"id", "session", "time", "kind", "partner", "question_id", "question", "answer", "rating"}
    assert mode(companion_home / "journal.sqlite3") == 0o600

    readable = run_cli(["journal", "show"]).stdout.splitlines()
    assert readable[0].startswith("Bedtime check-in, ")
    assert sum(line.startswith("  ") and not line.startswith("    ") for line in readable) == 3
    assert any(line.strip().startswith(("Sam: a four", "Alex: a four")) and "[4 of 5]" in line for line in readable)


def test_a_score_in_an_answer_worded_as_a_no_is_still_its_rating(run_cli, companion_home: Path):
    """The score question keeps the number said, even when the answer reads as a "no" ("no not really, two")."""
    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    answers = ["no not really, two", "not great maybe a two", "your laugh", "you listened", "rest", "a walk"]
    chat = run_cli(["chat", "--json"], stdin="\n".join(["let's do our bedtime check in", *answers]) + "\n")
    assert chat.returncode == 0, chat.stderr
    rows = json_lines(run_cli(["journal", "export", "--json"]).stdout)
    assert [r["answer"] for r in rows] == answers
    assert [r["rating"] for r in rows] == ["2", "2", None, None, None, None]


def test_forget_needs_yes_then_erases_everything_kept(run_cli, companion_home: Path):
    assert run_cli(["setup", "--partners", "Robin,Kai", "--journal", "on"]).returncode == 0
    assert run_cli(["prompts", "add", "--topic", "body", "What helps each of you unwind?"]).returncode == 0
    from assistant.store import StateStore

    StateStore(companion_home / "state.json").update(lambda state: state.setdefault("checkin", {"count": 1}))
    journal = Journal.open(companion_home / "journal.sqlite3")
    journal.record("bedtime", "Robin", bedtime_question_ids()[0], "a five", "5")  # left open: -wal and -shm exist
    model = companion_home / "models" / "vosk-model-small-en-us-0.15" / "am" / "final.mdl"
    model.parent.mkdir(parents=True)
    model.write_bytes(b"\0" * 64)
    kept = sorted(p.name for p in companion_home.iterdir())
    assert {"config.yml", "prompts.yml", "state.json", "journal.sqlite3", "journal.sqlite3-wal", "models"} <= set(kept)

    refused = run_cli(["forget"])
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in companion_home.iterdir()) == kept

    (companion_home / "notes.txt").write_text("mine, not the companion's")
    done = run_cli(["forget", "--yes"])
    journal.close()
    assert done.returncode == 0, done.stderr
    for words in ("journal", "state.json", "config.yml", "prompts.yml", "models"):
        assert words in done.stdout
    assert "notes.txt" in done.stdout
    assert sorted(os.listdir(companion_home)) == ["notes.txt"]

    (companion_home / "notes.txt").unlink()
    again = run_cli(["forget", "--yes"])
    assert again.returncode == 0 and "Nothing to erase" in again.stdout and not companion_home.exists()
