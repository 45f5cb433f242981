"""The journal under faults, with real processes and real SQLite: the switch obeyed at once, a locked journal
retried, sessions that never interleave, a damaged file never read as empty rows, a full or read-only disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import pytest


from tests.conftest import PROJECT, json_lines

ANSWERS = ["a four", "a three", "your laugh", "you listened", "more time to talk", "a slow breakfast"]
START = "let's do our bedtime check in"


def cli_env(model_dir: Path, home: Path) -> Dict[str, str]:
    return dict(os.environ, COMPANION_HOME=str(home), COMPANION_MODEL_DIR=str(model_dir))


class Chat:
    """A running `companion chat --json`, one typed line in and one JSON reply out at a time."""

    def __init__(self, env: Dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "assistant.cli", "chat", "--json"], env=env,
                                        cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)

    def say(self, line: str) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        assert reply, self.finish()[1]
        return dict(json.loads(reply))

    def finish(self) -> "tuple[int, str]":
        _, err = self.process.communicate(timeout=120)
        return self.process.returncode, err


def exported(run_cli) -> List[dict]:
    done = run_cli(["journal", "export", "--json"])
    assert done.returncode == 0, done.stderr
    return json_lines(done.stdout)


def test_row1_journal_switched_off_in_another_shell_stops_the_running_session_at_once(run_cli, model_dir, companion_home):
    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    chat = Chat(cli_env(model_dir, companion_home))
    chat.say(START)
    for answer in ANSWERS[:2]:
        chat.say(answer)
    assert run_cli(["setup", "--journal", "off"]).returncode == 0
    said = [" ".join(chat.say(answer)["replies"]) for answer in ANSWERS[2:4]]
    assert "journal is switched off" in said[0] and "journal" not in said[1], said
    assert run_cli(["setup", "--journal", "on"]).returncode == 0
    said = [" ".join(chat.say(answer)["replies"]) for answer in ANSWERS[4:]]
    assert "journal is switched on" in said[0], said
    code, err = chat.finish()
    assert code == 0, err
    assert [r["answer"] for r in exported(run_cli)] == ANSWERS[:2] + ANSWERS[4:]


def test_row2_report_never_overwrites_the_journal_or_any_file_it_did_not_make(run_cli, companion_home, tmp_path):
    from assistant.journal import Journal

    with Journal.open(companion_home / "journal.sqlite3") as journal:
        journal.record("bedtime", "Sam", "connected", "a four", "4")
    before = (companion_home / "journal.sqlite3").read_bytes()
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my own page</p>")
    for out in (companion_home / "journal.sqlite3", notes, companion_home / "config.yml"):
        exists = out.exists()
        done = run_cli(["journal", "report", "--out", str(out)])
        assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and str(out) in done.stderr, done.stderr
        assert out.exists() == exists
    assert (companion_home / "journal.sqlite3").read_bytes() == before
    assert notes.read_text() == "<p>my own page</p>"
    page = tmp_path / "look.html"
    for _ in range(2):  # its own page it may write again
        done = run_cli(["journal", "report", "--out", str(page)])
        assert done.returncode == 0, done.stderr
    assert [r["answer"] for r in exported(run_cli)] == ["a four"]


LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
print("released", flush=True)
sys.stdin.readline()
"""


def test_row3_a_locked_journal_is_retried_without_a_freeze_and_nothing_is_lost(run_cli, model_dir, companion_home):
    from assistant.journal import Journal

    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    Journal.open(companion_home / "journal.sqlite3").close()
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(companion_home / "journal.sqlite3")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert locker.stdout is not None and locker.stdin is not None
    assert locker.stdout.readline().strip() == "locked"
    chat = Chat(cli_env(model_dir, companion_home))
    chat.say(START)
    replies, waits = [], []
    for answer in ANSWERS[:3]:
        started = time.monotonic()
        replies.append(" ".join(chat.say(answer)["replies"]))
        waits.append(time.monotonic() - started)
    assert max(waits) < 3.0, waits  # no 5 s freeze per answer
    assert "try again" in replies[0] and "try again" not in replies[1], replies  # said once
    locker.stdin.write("\n")
    locker.stdin.flush()
    assert locker.stdout.readline().strip() == "released"
    for answer in ANSWERS[3:]:
        chat.say(answer)
    code, err = chat.finish()
    locker.communicate("\n", timeout=30)
    assert code == 0, err
    assert "Traceback" not in err and "busy" in err or "using it" in err, err
    rows = exported(run_cli)
    assert [r["answer"] for r in rows] == ANSWERS and len({r["session"] for r in rows}) == 1


def test_row3_a_journal_still_locked_at_the_end_is_reported_in_one_line(run_cli, model_dir, companion_home):
    from assistant.journal import Journal

    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    Journal.open(companion_home / "journal.sqlite3").close()
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(companion_home / "journal.sqlite3")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    chat = Chat(cli_env(model_dir, companion_home))
    chat.say(START)
    chat.say(ANSWERS[0])
    code, err = chat.finish()
    locker.communicate("\n\n", timeout=30)
    assert code == 0 and "Traceback" not in err
    assert [line for line in err.splitlines() if "could not be saved" in line] != [], err


CHECKINS = 5


def test_row4_two_chats_at_once_keep_each_check_in_in_one_session(run_cli, model_dir, companion_home):
    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    turns = "\n".join([START, *ANSWERS] * CHECKINS) + "\n"
    env = cli_env(model_dir, companion_home)
    children = [subprocess.Popen([sys.executable, "-m", "assistant.cli", "chat", "--json"], env=env, cwd=PROJECT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    for child in children:
        assert child.stdin is not None
        child.stdin.write(turns)
        child.stdin.close()
    for child in children:
        assert child.wait(timeout=600) == 0, child.stderr.read() if child.stderr else ""
    rows = exported(run_cli)
    assert len(rows) == 2 * CHECKINS * len(ANSWERS)
    sessions: Dict[str, List[str]] = {}
    for row in rows:
        sessions.setdefault(row["session"], []).append(row["answer"])
    assert len(sessions) == 2 * CHECKINS, {k: len(v) for k, v in sessions.items()}
    assert all(answers == ANSWERS for answers in sessions.values())
    page = run_cli(["journal", "report", "--out", str(companion_home.parent / "look.html")])
    assert page.returncode == 0, page.stderr
    assert f"Bedtime check-in: {2 * CHECKINS}" in (companion_home.parent / "look.html").read_text()


def test_row4_sessions_are_per_process_not_a_shared_counter(companion_home):
    from assistant.journal import Sessions

    one, two = Sessions(), Sessions()
    ids = [one.assign("bedtime", "Sam", "q1", 0), two.assign("bedtime", "Alex", "q1", 0),
           one.assign("bedtime", "Alex", "q1", 1), two.assign("bedtime", "Sam", "q1", 1)]
    assert ids[0] == ids[2] and ids[1] == ids[3] and ids[0] != ids[1]
    assert one.assign("bedtime", "Sam", "q1", 0) != ids[0]  # a new check-in starts at turn 0


def filled_home(home: Path) -> None:
    from tests.test_faults_storage import fill

    fill(home)
    assert (home / "filler").stat().st_size > 0


def chat_lines(model_dir: Path, home: Path, lines: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", "chat", "--json"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=cli_env(model_dir, home), cwd=PROJECT, timeout=300)


def test_row9_a_full_disk_with_the_journal_off_still_gives_starters(model_dir, tmp_path: Path):
    from assistant.errors import StorageError
    from tests.test_faults_storage import small_tmpfs

    with small_tmpfs(tmp_path / "disk", size="1m") as home:
        (home / "config.yml").write_text("partners: [Sam, Alex]\n")
        filled_home(home)
        done = chat_lines(model_dir, home, ["give us a conversation starter", "next one", "next one"])
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        from assistant.content import load_library

        starters = {p.text for p in load_library().prompts}
        replies = [" ".join(row["replies"]) for row in json_lines(done.stdout)]
        given = [next((text for text in starters if text in reply), None) for reply in replies]
        assert len(replies) == 3 and None not in given and StorageError.spoken not in " ".join(replies), replies
        assert len(set(given)) == 3, replies  # no repeats, though nothing can be saved
        problems = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(problems) == 1 and "full" in problems[0], done.stderr


def side_files_left(home: Path) -> List[str]:
    return [p.name for p in home.glob("journal.sqlite3-*")]  # a closed journal leaves no log behind


def test_row10_a_full_or_read_only_disk_keeps_the_journal_readable_and_says_why(run_cli, model_dir, tmp_path: Path):
    from assistant.journal import Journal
    from tests.test_faults_storage import small_tmpfs

    with small_tmpfs(tmp_path / "disk", size="1m") as home:
        (home / "config.yml").write_text("partners: [Sam, Alex]\njournal: true\n")
        with Journal.open(home / "journal.sqlite3") as journal:
            journal.record("bedtime", "Sam", "connected", "a four", "4")
        filled_home(home)
        env = {"COMPANION_HOME": str(home)}
        for attempt in ("full", "read-only"):
            for args in (["journal", "show"], ["journal", "export", "--json"]):
                done = run_cli(args, env=env)
                assert done.returncode == 0 and "a four" in done.stdout, (attempt, args, done.stderr)
            assert side_files_left(home) == [], attempt
            done = chat_lines(model_dir, home, [START, *ANSWERS[:2]])
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
            replies = [" ".join(row["replies"]) for row in json_lines(done.stdout)]
            assert len(replies) == 3 and replies[2].startswith("Sam, ") or replies[2].startswith("Alex, "), replies
            assert any("save" in r for r in replies), replies
            assert "disk I/O error" not in done.stderr and attempt in done.stderr.lower(), (attempt, done.stderr)
            journal_lines = [line for line in done.stderr.splitlines() if "the journal" in line]
            assert journal_lines and all(f"the disk is {attempt}" in line for line in journal_lines), (attempt, done.stderr)
            assert side_files_left(home) == [], attempt
            subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
        assert [r["answer"] for r in json_lines(run_cli(["journal", "export", "--json"], env=env).stdout)] == ["a four"]


def test_row1_a_running_listen_obeys_the_switch_too(run_cli, model_dir, companion_home, tmp_path: Path):
    from tests.speechgen import SpeechMaker, have_tools

    if have_tools() is not None:
        pytest.skip(f"{have_tools()} is not installed")
    maker = SpeechMaker(tmp_path / "speech")
    said = ["hey companion let's do our bedtime check in", "a four", "a three", "your laugh"]
    wavs = [maker.vary(maker.piper(text), pad_s=(4.0 if n >= 2 else 0.4, 0.6)) for n, text in enumerate(said)]
    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    args = [sys.executable, "-m", "assistant.cli", "listen", "--json", "--realtime", "--output-dir", str(tmp_path / "out")]
    for wav in wavs:
        args += ["--input", str(wav)]
    child = subprocess.Popen(args, env=cli_env(model_dir, companion_home), cwd=PROJECT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    rows = [json.loads(child.stdout.readline()) for _ in range(2)]  # the request and the first answer
    assert run_cli(["setup", "--journal", "off"]).returncode == 0  # while the next answer is still being heard
    rows += [json.loads(line) for line in child.stdout]
    assert child.wait(timeout=120) == 0, child.stderr.read() if child.stderr else ""
    assert "journal is switched off" in " ".join(rows[2]["replies"]), rows
    kept = exported(run_cli)
    assert len(kept) == 1 and kept[0]["answer"], kept


def test_item10_the_journal_keeps_the_phrasing_actually_asked(run_cli, model_dir, companion_home):
    assert run_cli(["setup", "--partners", "Sam,Alex", "--journal", "on"]).returncode == 0
    chat = Chat(cli_env(model_dir, companion_home))
    asked: List[str] = []
    for _ in range(2):  # two nights: the second asks other phrasings
        asked += chat.say(START)["replies"]
        for answer in ANSWERS:
            asked += chat.say(answer)["replies"]
    assert chat.finish()[0] == 0
    rows = exported(run_cli)
    assert len(rows) == 12
    for row in rows:
        words = row["question"][0].lower() + row["question"][1:]
        assert any(line.startswith((f"{row['partner']}, ", f"And {row['partner']}, ")) and line.endswith(words)
                   for line in asked), (row, asked)
    assert rows[0]["question"] != rows[6]["question"]
