"""The `companion` command's contract: JSON shapes, exit codes, state shared across processes."""

from __future__ import annotations

import re

from tests.conftest import json_lines

CHECKIN = ["let's do our bedtime check in", "a four", "a three", "your laugh", "you listened", "quiet time", "a hug"]


def test_parse_json_shape_one_line_per_stdin_line(run_cli):
    result = run_cli(["parse", "--json"], stdin="give us a conversation starter about libido\na four\nstop\n")
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert [set(r) for r in rows] == [{"text", "intent", "confidence", "entities"}] * 3
    assert rows[0]["intent"] == "request_prompt"
    assert {"entity": "topic", "value": "desire"} in rows[0]["entities"]
    assert rows[1]["intent"] == "inform" and {"entity": "rating", "value": "4"} in rows[1]["entities"]
    assert rows[2]["intent"] == "stop" and 0 < rows[2]["confidence"] <= 1


def test_parse_text_argument(run_cli):
    result = run_cli(["parse", "--json", "hey companion let's do our bedtime check in"])
    (row,) = json_lines(result.stdout)
    assert row["intent"] == "start_checkin"
    assert {"entity": "checkin", "value": "bedtime"} in row["entities"]


def first_partner(rows):
    question = rows[0]["replies"][-1]
    return re.match(r"^(\w+),", question).group(1)


def test_chat_json_checkin_and_alternation_across_processes(run_cli):
    stdin = "\n".join(CHECKIN) + "\n"
    first = run_cli(["chat", "--json", "--partners", "Sam,Alex"], stdin=stdin)
    assert first.returncode == 0, first.stderr
    rows = json_lines(first.stdout)
    assert len(rows) == len(CHECKIN)
    assert all(set(r) == {"user", "intent", "entities", "replies", "active_loop"} for r in rows)
    assert [r["active_loop"] for r in rows] == ["checkin_form"] * 6 + [None]
    asked = [r["replies"][-1] for r in rows[:6]]
    names = [re.match(r"^(?:And )?(\w+),", q).group(1) for q in asked]
    assert names.count("Sam") == names.count("Alex") == 3
    second = run_cli(["chat", "--json", "--partners", "Sam,Alex"], stdin=stdin)
    rows2 = json_lines(second.stdout)
    assert {first_partner(rows), first_partner(rows2)} == {"Sam", "Alex"}


def test_bad_partners_flag_is_one_line(run_cli):
    result = run_cli(["chat", "--partners", "Sam"], stdin="hello\n")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "partners" in result.stderr
    assert "Traceback" not in result.stderr


def test_setup_stores_partners(run_cli, companion_home):
    result = run_cli(["setup", "--partners", "Robin,Kai", "--journal", "off"])
    assert result.returncode == 0, result.stderr
    config = (companion_home / "config.yml")
    assert "Robin" in config.read_text() and (config.stat().st_mode & 0o777) == 0o600
    chat = run_cli(["chat", "--json"], stdin="let's do our bedtime check in\n")
    assert re.match(r"^(Robin|Kai),", json_lines(chat.stdout)[0]["replies"][-1])


def test_bad_config_file_is_one_line(run_cli, companion_home):
    companion_home.mkdir(parents=True, exist_ok=True)
    (companion_home / "config.yml").write_text("partners: [only-one]\nvoice: {rate: fast}\n")
    result = run_cli(["chat"], stdin="hello\n")
    assert result.returncode == 2
    assert "config" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
