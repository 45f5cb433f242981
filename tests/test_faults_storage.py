"""User files under attack: concurrent writers, signals mid-write, full and read-only disks, links, umask 000."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from assistant.errors import StorageError
from tests.conftest import PROJECT

ADD_PROMPT = """
import sys
from assistant.content import add_user_prompt
add_user_prompt("desire", "What do you want more of, number " + sys.argv[1] + "?")
"""
BUMP_STATE = """
import sys
from assistant.store import StateStore
store = StateStore()
for _ in range(int(sys.argv[1])):
    store.update(lambda s: s.__setitem__("n", s.get("n", 0) + 1))
"""


def run_many(code: str, args: list, home: Path) -> None:
    env = dict(os.environ, COMPANION_HOME=str(home))
    children = [subprocess.Popen([sys.executable, "-c", code, str(a)], env=env, cwd=PROJECT, stderr=subprocess.PIPE)
                for a in args]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()


def test_concurrent_prompt_adds_keep_every_prompt_and_the_users_comments(companion_home: Path):
    companion_home.mkdir(parents=True)
    prompts = companion_home / "prompts.yml"
    prompts.write_text("# my own list, keep this comment\nowner: us  # and this key\nprompts:\n"
                       "  - {topic: body, text: 'What helps you rest?'}  # first one\n")
    run_many(ADD_PROMPT, list(range(6)), companion_home)
    text = prompts.read_text()
    assert "# my own list, keep this comment" in text and "owner: us" in text and "# first one" in text
    from assistant.content import load_library

    mine = [p for p in load_library().prompts if p.source == "user"]
    assert len(mine) == 7 and len({p.id for p in mine}) == 7, text
    assert stat.S_IMODE(prompts.stat().st_mode) == 0o600


def test_concurrent_state_updates_lose_nothing(companion_home: Path):
    run_many(BUMP_STATE, [40] * 4, companion_home)
    assert json.loads((companion_home / "state.json").read_text())["n"] == 160


def test_sigkill_during_writes_leaves_the_old_or_the_new_file_never_a_torn_one(companion_home: Path):
    code = ("from assistant.store import StateStore\nimport itertools\ns = StateStore()\n"
            "for i in itertools.count():\n    s.update(lambda d: d.update(i=i, pad='x' * 200000))\n")
    env = dict(os.environ, COMPANION_HOME=str(companion_home))
    for delay in (0.3, 0.45, 0.6):
        child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=PROJECT)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        state = companion_home / "state.json"
        if state.exists():
            data = json.loads(state.read_text())
            assert len(data["pad"]) == 200000
    from assistant.store import StateStore

    assert StateStore(companion_home / "state.json").update(lambda d: d.get("i", -1)) >= -1


@pytest.mark.parametrize("bad", ['{"checkin":{"next_first":"x"}}', '{"checkin": 5}', '[1, 2]', '"text"',
                                 '{"checkin":{"next_first": 7, "count": -3}}', '{"checkin":{"count": "many"}}', "\x00\xff"])
def test_hostile_state_is_repaired_and_check_ins_go_on(companion_home: Path, bad: str):
    from assistant import turns
    from assistant.store import StateStore

    companion_home.mkdir(parents=True)
    (companion_home / "state.json").write_text(bad, encoding="latin-1")
    store = StateStore(companion_home / "state.json")
    first = turns.start(store, "bedtime", ("Sam", "Alex"))
    second = turns.start(store, "bedtime", ("Sam", "Alex"))
    assert {first.order, second.order} == {("Sam", "Alex"), ("Alex", "Sam")}
    assert store.read()["checkin"]["count"] == second.variant + 1


@contextmanager
def small_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> None:
    try:
        with open(folder / "filler", "wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
    except OSError:
        pass


def test_full_disk_is_reported_as_full_not_damaged_and_leaves_no_empty_journal(tmp_path: Path):
    from assistant.journal import Journal
    from assistant.store import StateStore

    with small_tmpfs(tmp_path / "disk") as disk:
        fill(disk)
        with pytest.raises(StorageError) as info:
            Journal.open(disk / "journal.sqlite3")
        message = str(info.value)
        assert "damaged" not in message and ("space" in message or "full" in message), message
        assert not (disk / "journal.sqlite3").exists()
        with pytest.raises(StorageError, match="space|full"):
            StateStore(disk / "state.json").update(lambda d: d.update(x="y" * 100000))
        assert not list(disk.glob(".state.json.*"))


def test_read_only_data_dir_is_reported_as_such(tmp_path: Path):
    from assistant.journal import Journal

    with small_tmpfs(tmp_path / "disk") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(StorageError) as info:
            Journal.open(disk / "journal.sqlite3")
        assert "damaged" not in str(info.value) and "read-only" in str(info.value).lower()


def test_full_disk_during_a_check_in_is_said_once_and_the_check_in_goes_on(tmp_path: Path, capsys):
    from assistant.dialogue.actions.checkin import begin_checkin
    from assistant.dialogue.actions.context import ActionContext
    from assistant.settings import Settings
    from assistant.store import StateStore
    from rasa_sdk.executor import CollectingDispatcher

    with small_tmpfs(tmp_path / "disk") as disk:
        (disk / "state.json").write_text('{"checkin": {"next_first": 1, "count": 4}}')
        ctx = ActionContext(Settings(partners=("Sam", "Alex")), state=StateStore(disk / "state.json"))
        fill(disk)
        dispatcher = CollectingDispatcher()
        events = begin_checkin(ctx, dispatcher, "bedtime")
        plan = next(e["value"] for e in events if e.get("name") == "checkin_state")
        assert plan["order"] == ["Alex", "Sam"]
        texts = [m["text"] for m in dispatcher.messages]
        assert texts[0] == StorageError.spoken and len(texts) == 2
        line = capsys.readouterr().err.strip()
        assert line.startswith("companion: ") and "\n" not in line and "space" in line


def test_journal_through_a_symlink_is_refused_and_forget_leaves_the_target(run_cli, companion_home: Path, tmp_path: Path):
    from assistant.journal import Journal

    outside = tmp_path / "elsewhere.sqlite3"
    outside.write_bytes(b"")
    os.chmod(outside, 0o644)
    companion_home.mkdir(parents=True)
    (companion_home / "journal.sqlite3").symlink_to(outside)
    with pytest.raises(StorageError, match="symbolic link"):
        Journal.open(companion_home / "journal.sqlite3")
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644
    done = run_cli(["forget", "--yes"])
    assert done.returncode == 0, done.stderr
    assert outside.exists() and str(outside) in done.stdout and "left in place" in done.stdout
    assert not (companion_home / "journal.sqlite3").is_symlink()


def test_forget_removes_only_what_the_companion_made(run_cli, companion_home: Path, tmp_path: Path):
    mine = {
        "models/vosk-model-small-en-us-0.15/am/final.mdl": b"m",
        "models/rasa/companion-0123456789abcdef.tar.gz": b"t",
        "models/rasa/.rasa-cache/x": b"c",
        "cache/lm/0123456789abcdef/domain.lm": b"lm",
        "cache/lm/generic-0123456789abcdef.json": b"{}",
        "state.json": b"{}",
    }
    theirs = {"models/my-notes.txt": b"mine", "cache/photo.jpg": b"jpg", "cache/lm/README": b"r",
              "models/rasa/keep.tar.gz": b"k", "diary.txt": b"d"}
    for name, data in {**mine, **theirs}.items():
        (companion_home / name).parent.mkdir(parents=True, exist_ok=True)
        (companion_home / name).write_bytes(data)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious").write_text("keep")
    (companion_home / "cache" / "lm" / "fedcba9876543210").symlink_to(outside)
    done = run_cli(["forget", "--yes"])
    assert done.returncode == 0, done.stderr
    for name in mine:
        assert not (companion_home / name).exists(), name
    for name, data in theirs.items():
        assert (companion_home / name).read_bytes() == data, name
        assert name in done.stdout
    assert (outside / "precious").read_text() == "keep"


def test_forget_refuses_while_a_session_runs(run_cli, companion_home: Path):
    from assistant.dialogue.actions.context import ActionContext
    from assistant.settings import Settings
    from assistant.store import StateStore

    companion_home.mkdir(parents=True)
    (companion_home / "config.yml").write_text("partners: [Sam, Alex]\n")
    ctx = ActionContext(Settings(), state=StateStore(companion_home / "state.json"))
    refused = run_cli(["forget", "--yes"])
    assert refused.returncode == 2 and "running" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert (companion_home / "config.yml").exists()
    ctx.session.release()
    assert run_cli(["forget", "--yes"]).returncode == 0
    assert not companion_home.exists()


def test_everything_created_is_private_whatever_the_umask(companion_home: Path):
    from assistant import paths
    from assistant.content import add_user_prompt
    from assistant.journal import Journal
    from assistant.settings import Settings, save
    from assistant.store import StateStore

    companion_home.mkdir(mode=0o755)
    os.chmod(companion_home, 0o755)
    old = os.umask(0)
    try:
        paths.writable_home()
        StateStore().update(lambda d: d.update(a=1))
        save(Settings())
        add_user_prompt("body", "What helps you rest tonight?")
        Journal.open().close()
        paths.private_dir(companion_home / "cache" / "lm")
    finally:
        os.umask(old)
    assert stat.S_IMODE(companion_home.stat().st_mode) == 0o755  # a folder it did not make keeps its mode
    for path in companion_home.rglob("*"):
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_export_to_a_full_stdout_is_one_line(run_cli, companion_home: Path):
    from assistant.journal import Journal

    with Journal.open(companion_home / "journal.sqlite3") as journal:
        journal.record("bedtime", "Sam", "q", "an answer", None)
    env = dict(os.environ, COMPANION_HOME=str(companion_home))
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "assistant.cli", "journal", "export", "--json"], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=PROJECT, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "Exception" not in done.stderr
    assert done.stderr.strip().splitlines() == ["companion: cannot write the export: No space left on device"]


def test_control_and_bidi_characters_never_reach_the_terminal(run_cli, companion_home: Path):
    from assistant.journal import Journal

    with Journal.open(companion_home / "journal.sqlite3") as journal:
        journal.record("bedtime", "Sam\x1b]0;pwned\x07", "q", "fine\u202etxt.exe\x1b[2J", None)
    shown = run_cli(["journal", "show"])
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout and "\x07" not in shown.stdout
    assert "Sam]0;pwned: fine" in shown.stdout
    exported = run_cli(["journal", "export", "--json"])
    assert "\x1b" not in exported.stdout and "\u202e" not in exported.stdout
    assert json.loads(exported.stdout)["answer"] == "finetxt.exe[2J"  # stripped before it is stored
