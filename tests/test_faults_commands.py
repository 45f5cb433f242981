"""Every command under faults, as real processes: a full stdout, odd names, FIFOs, Ctrl-D at a prompt, folders
it did not make, and the service unit for any home path."""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from tests.conftest import PROJECT
from tests.speechgen import SpeechMaker, have_tools


def cli(args: List[str], home: Path, model_dir: Path, stdout: Optional[object] = None, stdin: str = "",
        env: Optional[Dict[str, str]] = None, timeout: float = 180, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    full = dict(os.environ, COMPANION_HOME=str(home), COMPANION_MODEL_DIR=str(model_dir), PYTHONPATH=str(PROJECT))
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], input=stdin, text=True, env=full,
                          cwd=cwd, timeout=timeout, stderr=subprocess.PIPE,
                          stdout=stdout if stdout is not None else subprocess.PIPE)


def one_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip() and "starting typed chat instead" not in line]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_row6_a_name_with_dollar_signs_and_backslashes_gets_its_page(run_cli, companion_home: Path, tmp_path: Path):
    from assistant.journal import Journal

    companion_home.mkdir(parents=True)
    (companion_home / "config.yml").write_text("partners: ['$\\foo$', 'Alex']\njournal: true\n")
    with Journal.open(companion_home / "journal.sqlite3") as journal:
        journal.record("bedtime", "$\\foo$", "connected", "a four", "4")
    for view in ("us", "each"):
        out, png = tmp_path / f"{view}.html", tmp_path / f"{view}.png"
        choice = ["--view", view] if view != "us" else []  # the default first: the page that used to crash
        done = run_cli(["journal", "report", *choice, "--out", str(out), "--png", str(png)])
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert png.read_bytes()[:4] == b"\x89PNG" and "data:image/png" in out.read_text()
    assert "$\\foo$&#x27;s own line" in (tmp_path / "each.html").read_text()


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if have_tools() is not None:
        pytest.skip(f"{have_tools()} is not installed")
    return SpeechMaker(tmp_path_factory.mktemp("speech")).espeak("hey companion give us a conversation starter")


def test_row7_every_command_with_stdout_on_dev_full_says_one_line_and_fails(model_dir, companion_home: Path,
                                                                          tmp_path: Path, speech_wav: Path):
    from assistant.journal import Journal

    companion_home.mkdir(parents=True)
    (companion_home / "config.yml").write_text("partners: [Sam, Alex]\njournal: true\n")
    with Journal.open(companion_home / "journal.sqlite3") as journal:
        journal.record("bedtime", "Sam", "connected", "a four", "4")
    units = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    commands = [["--help"], ["prompts", "list"], ["prompts", "add", "--topic", "body", "What helps you rest?"],
                ["journal", "show"], ["journal", "export", "--json"], ["journal", "report", "--out", str(tmp_path / "r.html")],
                ["parse", "hello"], ["transcribe", str(speech_wav)], ["doctor"], ["models", "list"],
                ["service", "install", "--no-start"], ["service", "status"], ["service", "uninstall"],
                ["setup", "--partners", "Sam,Alex"], ["train"], ["chat"], ["chat", "--json"], ["run"],
                ["listen", "--replay", str(speech_wav), "--json"],
                ["listen", "--input", str(speech_wav), "--output-dir", str(tmp_path / "out")]]
    for args in commands:
        with open("/dev/full", "w") as full:
            done = cli(args, companion_home, model_dir, stdout=full, stdin="give us a conversation starter\n", env=units)
        line = one_line(done)
        assert done.returncode != 0, (args, line)
        assert "No space left on device" in line, (args, line)
    done = cli(["forget", "--yes"], companion_home, model_dir, stdout=open("/dev/full", "w"))
    assert done.returncode != 0 and "No space left" in one_line(done)


def damage(path: Path, how: str) -> None:
    import sqlite3

    db = sqlite3.connect(str(path))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    if how == "zeros":
        data[size:2 * size] = bytes(size)
    else:  # another page's bytes over the answers page: rows read back as NULLs
        data[size:2 * size] = data[2 * size:3 * size]
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["zeros", "another page"])
def test_row8_a_damaged_journal_page_is_one_line_never_empty_rows(run_cli, companion_home: Path, how: str):
    from assistant.journal import Journal

    path = companion_home / "journal.sqlite3"
    with Journal.open(path) as journal:
        for n in range(6):
            journal.record("bedtime", "Sam", "connected", f"answer {n}", "3")
    damage(path, how)
    before = path.read_bytes()
    for args in (["journal", "show"], ["journal", "export", "--json"], ["journal", "report", "--out", str(companion_home.parent / "r.html")]):
        done = run_cli(args)
        assert done.returncode != 0 and done.stdout == "", (args, done.stdout)
        line = one_line(done)
        assert "damaged" in line and str(path) in line, line
    assert path.read_bytes() == before


def unit_env(tmp_path: Path, home: str) -> Dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "COMPANION_HOME": home}


@pytest.mark.parametrize("home", ["with space/data", "per%cent/data", "rel/data"])
def test_row11_the_unit_is_right_for_any_home_path(model_dir, tmp_path: Path, home: str):
    import shutil

    absolute = (tmp_path / home)
    given = home if home.startswith("rel") else str(absolute)
    done = cli(["service", "install", "--no-start"], absolute, model_dir, env=unit_env(tmp_path, given), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    unit = (tmp_path / "xdg" / "systemd" / "user" / "companion.service").read_text()
    assert f'Environment="COMPANION_HOME={str(absolute).replace("%", "%%")}"' in unit, unit
    if shutil.which("systemd-analyze"):
        runtime = tmp_path / "run"
        runtime.mkdir(mode=0o700)
        check = subprocess.run(["systemd-analyze", "verify", "--user",
                                str(tmp_path / "xdg" / "systemd" / "user" / "companion.service")],
                               capture_output=True, text=True,
                               env={**os.environ, **unit_env(tmp_path, given), "XDG_RUNTIME_DIR": str(runtime)})
        assert check.returncode == 0 and not check.stderr.strip(), check.stderr


def test_row11_a_home_with_a_newline_is_refused_and_a_failing_systemctl_fails_install(model_dir, tmp_path: Path):
    done = cli(["service", "install", "--no-start"], tmp_path / "h", model_dir,
               env=unit_env(tmp_path, str(tmp_path / "a\nExecStartPre=/bin/false")))
    assert done.returncode != 0 and "COMPANION_HOME" in one_line(done)
    assert not (tmp_path / "xdg" / "systemd" / "user" / "companion.service").exists()
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "systemctl").write_text("#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n")
    os.chmod(fake / "systemctl", 0o755)
    env = {**unit_env(tmp_path, str(tmp_path / "h")), "PATH": f"{fake}:{os.environ['PATH']}"}
    done = cli(["service", "install"], tmp_path / "h", model_dir, env=env)
    assert done.returncode != 0 and "could not start" in one_line(done) and "bus" in one_line(done)


def test_row12_uninstall_with_a_directory_or_a_read_only_unit_folder_is_one_line(model_dir, tmp_path: Path):
    from tests.test_faults_storage import small_tmpfs

    env = unit_env(tmp_path, str(tmp_path / "h"))
    units = tmp_path / "xdg" / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "companion.service").mkdir()
    done = cli(["service", "uninstall"], tmp_path / "h", model_dir, env=env)
    assert done.returncode != 0 and "companion.service" in one_line(done)
    assert (units / "companion.service").is_dir()
    (units / "companion.service").rmdir()
    with small_tmpfs(units):
        assert cli(["service", "install", "--no-start"], tmp_path / "h", model_dir, env=env).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(units)], check=True)
        done = cli(["service", "uninstall"], tmp_path / "h", model_dir, env=env)
        assert done.returncode != 0 and "read-only" in one_line(done).lower()
        assert (units / "companion.service").exists()


def test_row12_uninstall_leaves_a_unit_it_did_not_write(model_dir, tmp_path: Path):
    env = unit_env(tmp_path, str(tmp_path / "h"))
    units = tmp_path / "xdg" / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "companion.service").write_text("[Service]\nExecStart=/usr/bin/my-own-thing\n")
    done = cli(["service", "uninstall"], tmp_path / "h", model_dir, env=env)
    assert done.returncode != 0 and "not written by the companion" in one_line(done)
    assert "my-own-thing" in (units / "companion.service").read_text()


def test_row13_report_never_changes_the_mode_of_a_folder_it_did_not_make(run_cli, tmp_path: Path):
    folder = tmp_path / "D"
    folder.mkdir()
    os.chmod(folder, 0o755)
    assert run_cli(["journal", "report", "--out", str(folder / "look.html")]).returncode == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "journal", "report", "--out", "."], cwd=folder,
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(PROJECT)))
    assert done.returncode != 0 and one_line(done)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    fresh = tmp_path / "new" / "deeper"
    assert run_cli(["journal", "report", "--out", str(fresh / "look.html")]).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700  # folders it made itself are private


def test_row14_own_prompts_are_bounded_and_stripped_of_control_characters(run_cli, companion_home: Path):
    for text in ["x" * 120_000, "\U0001F600" * 30_000, "word " * 3 + "y" * 400]:
        for _ in range(2):
            done = run_cli(["prompts", "add", "--topic", "body", text])
            assert done.returncode != 0 and "characters" in one_line(done)
    assert not (companion_home / "prompts.yml").exists()
    done = run_cli(["prompts", "add", "--topic", "body", "What \x1b]0;pwned\x07helps you \u202erest\x1b[2J tonight?"])
    assert done.returncode == 0, done.stderr
    stored = (companion_home / "prompts.yml").read_text()
    assert "\x1b" not in stored and "\u202e" not in stored and "\\e" not in stored and "\\u202E" not in stored
    with (companion_home / "prompts.yml").open("a") as handle:  # a hand-edited entry with raw control characters
        handle.write('  - {id: mine-1, topic: body, text: "Hand \\e[31mwritten\\u202e?"}\n')
    listed = run_cli(["prompts", "list", "--topic", "body"])
    assert listed.returncode == 0 and "\x1b" not in listed.stdout and "\u202e" not in listed.stdout
    assert "What ]0;pwnedhelps you rest[2J tonight?" in listed.stdout


@pytest.mark.parametrize("name", ["config.yml", "prompts.yml", "state.json"])
def test_row15_a_fifo_in_place_of_a_file_never_hangs(model_dir, companion_home: Path, name: str):
    companion_home.mkdir(parents=True)
    os.mkfifo(companion_home / name)
    for args in (["prompts", "list"], ["chat", "--json"], ["doctor"]):
        started = time.monotonic()
        done = cli(args, companion_home, model_dir, stdin="give us a conversation starter\n", timeout=120)
        assert time.monotonic() - started < 100
        assert "Traceback" not in done.stderr, done.stderr
        if args[0] in {"config.yml": ("chat", "doctor"), "prompts.yml": ("prompts", "chat", "doctor")}.get(name, ()):
            assert "not a regular file" in done.stderr + done.stdout, (args, done.stderr, done.stdout)
    assert stat.S_ISFIFO((companion_home / name).lstat().st_mode)  # left as it was


def typed_at_a_terminal(args: List[str], home: Path, model_dir: Path, keys: bytes) -> "tuple[int, str]":
    """Run a command on a pseudo-terminal, type `keys`, and return its exit code and everything it printed."""
    master, slave = pty.openpty()
    env = dict(os.environ, COMPANION_HOME=str(home), COMPANION_MODEL_DIR=str(model_dir))
    child = subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], stdin=slave, stdout=slave, stderr=slave,
                             env=env, cwd=PROJECT, close_fds=True)
    os.close(slave)
    output = b""
    deadline = time.monotonic() + 120
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if b"name" in output and not sent:
                os.write(master, keys)
                sent = True
        elif child.poll() is not None:
            break
    code = child.wait(timeout=30)
    os.close(master)
    return code, output.decode("utf-8", "replace")


@pytest.mark.parametrize("args", [["setup"], ["run"]])
def test_row16_ctrl_d_at_the_name_prompt_is_one_line(model_dir, companion_home: Path, args: List[str]):
    code, said = typed_at_a_terminal(args, companion_home, model_dir, b"\x04")
    assert "Traceback" not in said and "EOFError" not in said, said
    assert code != 0 and "nothing saved" in said, said
    assert not (companion_home / "config.yml").exists()
    code, said = typed_at_a_terminal(args if args == ["setup"] else ["setup"], companion_home, model_dir, b"Sam\n\x04")
    assert "Traceback" not in said and code != 0 and not (companion_home / "config.yml").exists(), said


def test_row17_a_threshold_written_as_1e_15_is_a_number(companion_home: Path):
    from assistant import settings

    companion_home.mkdir(parents=True)
    (companion_home / "config.yml").write_text("listen:\n  wake_threshold: 1e-15\n  wake_phone_loop: 2E-10\n")
    loaded = settings.load()
    assert loaded.listen.wake_threshold == 1e-15 and loaded.listen.wake_phone_loop == 2e-10


def test_row17_setup_keeps_a_linked_config_linked_and_its_comments(run_cli, companion_home: Path, tmp_path: Path):
    companion_home.mkdir(parents=True)
    mine = tmp_path / "dotfiles" / "companion.yml"
    mine.parent.mkdir()
    mine.write_text("# our settings, kept in our dotfiles\npartners: [Sam, Alex]  # us\nvoice:\n  rate: 150  # slower\n")
    (companion_home / "config.yml").symlink_to(mine)
    done = run_cli(["setup", "--journal", "on"])
    assert done.returncode == 0, done.stderr
    assert (companion_home / "config.yml").is_symlink()
    text = mine.read_text()
    assert "# our settings, kept in our dotfiles" in text and "# us" in text and "rate: 150  # slower" in text, text
    assert "journal: true" in text


def test_row17_the_speech_cache_is_private_under_umask_000(tmp_path: Path):
    import pocketsphinx

    from assistant.recognizers.language_model import build_domain_model, default_sources, domain_sentences

    old = os.umask(0)
    try:
        nlu, prompts = default_sources()
        sentences = domain_sentences(nlu_files=nlu, prompt_files=prompts)[:200]
        build_domain_model(sentences, Path(pocketsphinx.get_model_path()) / "en-us", cache_dir=tmp_path / "lm")
    finally:
        os.umask(old)
    made = [p for p in (tmp_path / "lm").rglob("*")]
    assert made and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in made), \
        [(p.name, oct(stat.S_IMODE(p.stat().st_mode))) for p in made]


def test_row17_the_speech_cache_holds_no_prompt_of_the_couples_own():
    from assistant.recognizers.language_model import default_sources

    nlu, prompts = default_sources()
    assert all(PROJECT in Path(p).resolve().parents for p in [*nlu, *prompts])


def test_row17_no_git_or_other_process_at_start(run_cli, model_dir: Path, companion_home: Path, tmp_path: Path):
    import shutil

    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    trace = tmp_path / "trace"
    env = dict(os.environ, COMPANION_HOME=str(companion_home), COMPANION_MODEL_DIR=str(model_dir))
    done = subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(trace), sys.executable, "-m", "assistant.cli",
                           "parse", "hello"], capture_output=True, text=True, env=env, cwd=PROJECT, timeout=180)
    assert done.returncode == 0, done.stderr
    started = [line for line in trace.read_text().splitlines() if "execve(" in line and "ENOENT" not in line]
    assert len(started) == 1, started


@pytest.mark.parametrize("signum", [15, 1])
def test_row17_sigterm_and_sighup_on_listen_leave_no_temporary_folders(model_dir, companion_home: Path, tmp_path: Path,
                                                                      speech_wav: Path, signum: int):

    temp = tmp_path / "tmp"
    temp.mkdir()
    companion_home.mkdir(parents=True, exist_ok=True)
    (companion_home / "config.yml").write_text("voice: {engine: pyttsx3}\n")  # the voice that keeps a temp folder
    env = dict(os.environ, COMPANION_HOME=str(companion_home), COMPANION_MODEL_DIR=str(model_dir), TMPDIR=str(temp))
    args = ["listen", "--realtime", "--output-dir", str(tmp_path / "out")]
    for _ in range(20):
        args += ["--input", str(speech_wav)]
    child = subprocess.Popen([sys.executable, "-m", "assistant.cli", *args], env=env, cwd=PROJECT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(temp.glob("companion-tts-*")) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.2)
    assert list(temp.glob("companion-tts-*")), "the voice made its temporary folder"
    time.sleep(1.0)
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert child.returncode != 0
    assert not list(temp.glob("companion-*")), list(temp.iterdir())


def test_row17_no_microphone_line_reads_well():
    from assistant.audio import MicrophoneSource
    from assistant.errors import AudioInputError

    try:
        MicrophoneSource(None).close()
    except AudioInputError as err:
        assert "no a " not in str(err) and "default input device" in str(err), str(err)
    else:
        pytest.skip("a microphone is present here")


def test_row7_a_closed_stdout_is_one_line_too(run_cli, companion_home: Path):
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "models", "list"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, cwd=PROJECT, timeout=60,
                          env=dict(os.environ, COMPANION_HOME=str(companion_home)), close_fds=True,
                          preexec_fn=lambda: os.close(1))
    assert done.returncode != 0 and "standard output is closed" in one_line(done)


def test_row17_an_interrupt_python_cannot_raise_prints_nothing_once_stopping(monkeypatch, capsys):
    import gc
    import weakref

    from assistant import cli

    class Thing:
        pass

    def interrupted(_: object) -> None:
        raise KeyboardInterrupt

    def other(_: object) -> None:
        raise ValueError("a real fault")

    monkeypatch.setattr(sys, "unraisablehook", cli._quiet_stop)
    monkeypatch.setattr(cli.STOPPER, "asked", True)
    thing = Thing()
    ref = weakref.ref(thing, interrupted)
    del thing
    gc.collect()
    assert capsys.readouterr().err == ""
    thing = Thing()
    ref = weakref.ref(thing, other)
    del thing
    gc.collect()
    assert "a real fault" in capsys.readouterr().err
    del ref
