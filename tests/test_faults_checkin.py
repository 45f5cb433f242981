"""Check-in turn order for every way of starting one, and action failures that speak instead of going silent."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

from tests.conftest import DAYTIME, NIGHT

NAMES = ("Sam", "Alex")
STARTS: List[Tuple[str, Tuple[str, ...], object]] = [
    ("typed kind by day", ("let's do our bedtime check in",), DAYTIME),
    ("typed kind at night", ("let's do our bedtime check in",), NIGHT),
    ("after intimacy by day", ("can we do the after sex check in",), DAYTIME),
    ("after intimacy at night", ("can we do the after sex check in",), NIGHT),
    ("no kind at night", ("a check-in",), NIGHT),
    ("no kind at night, longer", ("let's do a check in",), NIGHT),
    ("no kind by day, then the kind", ("let's do a check in", "bedtime please"), DAYTIME),
    ("no kind by day, then after intimacy", ("let's do a check in", "after intimacy please"), DAYTIME),
]


def addressed_to(text: str) -> str:
    found = [n for n in NAMES if re.match(rf"^(And )?{n},", text)]
    assert len(found) == 1, text
    return found[0]


@pytest.mark.parametrize("label, lines, clock", STARTS, ids=[s[0] for s in STARTS])
def test_first_question_goes_to_the_first_partner_and_their_answer_is_theirs(conversation, companion_home: Path,
                                                                          label, lines, clock):
    from assistant.journal import Journal

    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(clock=lambda: clock, journal=journal)
    for line in lines:
        reply = chat.respond(line)
    assert reply.active_loop == "checkin_form", (label, reply)
    first = addressed_to(reply.texts[-1])
    assert not reply.texts[-1].startswith("And "), reply.texts
    second_reply = chat.respond("about a four")
    second = addressed_to(second_reply.texts[-1])
    assert second != first and second_reply.texts[-1].startswith("And ")
    chat.respond("a three")
    rows = journal.entries()
    journal.close()
    assert [(r["partner"], r["answer"]) for r in rows] == [(first, "about a four"), (second, "a three")]
    assert rows[0]["question_id"] == rows[1]["question_id"]


def test_malformed_checkin_state_is_repaired_and_the_check_in_speaks(conversation, companion_home: Path):
    companion_home.mkdir(parents=True, exist_ok=True)
    (companion_home / "state.json").write_text('{"checkin":{"next_first":"x"}}')
    chat = conversation()
    reply = chat.respond("let's do our bedtime check in")
    assert reply.active_loop == "checkin_form" and reply.texts
    addressed_to(reply.texts[-1])


def test_an_action_that_fails_says_sorry_and_prints_one_line(conversation, capfd):
    chat = conversation()
    chat.respond("hello")

    class Broken:
        def next(self, *args, **kwargs):
            raise ValueError("rotation exploded")

    chat_ctx = chat.ctx if hasattr(chat, "ctx") else None
    if chat_ctx is None:
        pytest.skip("this engine does not expose its action context")
    chat_ctx.__dict__["rotation"] = Broken()
    reply = chat.respond("give us a conversation starter")
    assert list(reply.texts) == ["Sorry, something went wrong on my side."]
    err = capfd.readouterr().err.strip().splitlines()
    assert err == ["companion: action_give_prompt failed: ValueError: rotation exploded"]
    chat_ctx.__dict__.pop("rotation")
    assert chat.respond("give us a conversation starter").texts


def test_a_state_file_that_cannot_be_written_is_said_and_the_check_in_goes_on(conversation, companion_home: Path,
                                                                              tmp_path: Path, capfd):
    from assistant.store import StateStore

    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the state folder should be")
    chat = conversation()
    ctx = getattr(chat, "ctx", None)
    if ctx is None:
        pytest.skip("this engine does not expose its action context")
    ctx.state = StateStore(blocker / "state.json")
    reply = chat.respond("let's do our bedtime check in")
    assert reply.active_loop == "checkin_form"
    assert reply.texts[0] == "I can't save anything right now, but we can keep talking."
    addressed_to(reply.texts[-1])
    err = capfd.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("companion: cannot write") and str(blocker) in err[0]


def test_spoken_check_in_without_a_type_at_night_asks_the_first_partner_first(run_cli, companion_home: Path, tmp_path):
    from tests.conftest import json_lines
    from tests.speechgen import SpeechMaker, have_tools

    if have_tools() is not None:
        pytest.skip(f"{have_tools()} is not installed")
    maker = SpeechMaker(tmp_path / "speech")
    turns = [maker.vary(maker.piper(text), pad_s=(0.4, 1.0)) for text in ("hey companion let's do a check in", "a four")]
    companion_home.mkdir(parents=True, exist_ok=True)
    (companion_home / "config.yml").write_text("voice: {bedtime_hour: 0}\njournal: true\n")  # every hour is night
    args = ["listen", "--json", "--partners", "Sam,Alex", "--output-dir", str(tmp_path / "out")]
    for wav in turns:
        args += ["--input", str(wav)]
    result = run_cli(args)
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    first = addressed_to(rows[0]["replies"][-1])
    assert not rows[0]["replies"][-1].startswith("And ")
    assert rows[1]["replies"][-1].startswith("And ") and addressed_to(rows[1]["replies"][-1]) != first
    exported = json_lines(run_cli(["journal", "export", "--json"]).stdout)
    assert [(r["partner"], bool(r["answer"].strip())) for r in exported] == [(first, True)]
