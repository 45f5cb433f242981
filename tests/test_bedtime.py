"""The opt-in bedtime offer: once a night at the set hour when the room is quiet (fake clock), and the
systemd user unit that keeps the companion running."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List

import pytest

from assistant.bedtime import BedtimeOffer, in_offer_hours, night_of
from assistant.dialogue.addressee import AFTER_BEDTIME_OFFER
from assistant.store import StateStore
from tests.test_handsfree import needs_tools, replay, room  # noqa: F401  (room is a fixture)

EVENING = datetime(2026, 11, 26, 21, 59, 0)


def test_offer_is_due_at_the_hour_when_quiet_and_once_a_night_across_processes(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.json")
    offer = BedtimeOffer(store, 22, 60.0)
    assert not offer.due(EVENING, 600)  # before the hour
    at_ten = EVENING + timedelta(minutes=1)
    assert not offer.due(at_ten, 30)  # the room was not quiet long enough
    assert offer.due(at_ten, 60) and offer.claim(at_ten)
    assert not offer.due(at_ten + timedelta(hours=1), 600)
    other = BedtimeOffer(StateStore(tmp_path / "state.json"), 22, 60.0)  # another process, same night
    assert not other.due(at_ten + timedelta(hours=3), 600) and not other.claim(at_ten + timedelta(hours=3))
    assert night_of(datetime(2026, 11, 27, 1, 0)) == night_of(at_ten)  # after midnight is the same night
    assert other.due(at_ten + timedelta(days=1), 600)  # the next night
    assert in_offer_hours(datetime(2026, 11, 27, 2, 0), 22) and not in_offer_hours(datetime(2026, 11, 27, 6, 0), 22)
    assert in_offer_hours(datetime(2026, 11, 27, 1, 30), 1) and not in_offer_hours(datetime(2026, 11, 27, 0, 30), 1)


def test_the_offer_is_off_by_default_and_checked_with_the_other_settings(tmp_path: Path) -> None:
    from assistant import bedtime, settings
    from assistant.errors import ConfigError

    assert bedtime.from_settings(settings.Settings()) is None
    config = tmp_path / "config.yml"
    config.write_text("conversation: {bedtime_offer: true, bedtime_offer_hour: 23, bedtime_quiet_s: 120}\n")
    offer = bedtime.from_settings(settings.load(config), StateStore(tmp_path / "state.json"))
    assert offer is not None and (offer.hour, offer.quiet_s) == (23, 120.0)
    config.write_text("conversation: {bedtime_offer_hour: 24}\n")
    with pytest.raises(ConfigError, match="bedtime_offer_hour"):
        settings.load(config)


def test_typed_offer_yes_starts_the_bedtime_checkin_and_no_steps_back(conversation) -> None:
    chat = conversation()
    offer = chat.respond("/offer_bedtime")
    assert "bedtime check-in" in offer.texts[0] and offer.window.kind == "followup"
    assert offer.window.invites == AFTER_BEDTIME_OFFER
    assert chat.respond("yes").active_loop == "checkin_form"
    chat = conversation()
    chat.respond("/offer_bedtime")
    declined = chat.respond("no thanks")
    assert declined.active_loop is None and declined.session_over


def offer_rows(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [r for r in rows if r["heard"] is None and r["acted"] and any("bedtime check-in?" in t for t in r["replies"])]


@needs_tools
def test_bedtime_offer_fires_once_a_night_at_the_set_hour_and_takes_yes_or_no_without_the_wake_phrase(
        conversation, room, companion_home):  # noqa: F811
    def night(day: int):
        def options(stream_time):  # a fake clock: 21:59 on `day` when the recording starts, moving with it
            store = StateStore(companion_home / "state.json")
            start = EVENING + timedelta(days=day)
            return {"bedtime": BedtimeOffer(store, 22, 20.0), "clock": lambda: start + timedelta(seconds=stream_time())}
        return options

    def heard_after(rows, offer):
        return [r for r in rows if r["start_s"] > offer["start_s"] and r["heard"]]

    talk_then = [("", 50.0), ("is the alarm set for tomorrow", 1.0), ("yes it is", 30.0)]
    declining = room(talk_then + [("no thanks", 120.0)], voice_of=[0, 1, 3, 1])
    rows = replay(conversation, declining, options=night(0))
    offers = offer_rows(rows)
    assert len(offers) == 1, rows  # once a night, though the room is quiet again for two minutes after
    talk = [r for r in rows if r["heard"] is None and not r["acted"]]
    assert talk and talk[-1]["start_s"] < offers[0]["start_s"]  # the couple's own "yes it is": no reply
    assert offers[0]["start_s"] >= 60 and offers[0]["start_s"] - talk[-1]["end_s"] >= 20, offers  # 22:00, then quiet
    answer = heard_after(rows, offers[0])[0]
    assert answer["acted"] and answer["intent"] == "deny" and not answer["woke"], answer

    accepting = room(talk_then + [("yes please", 20.0)], voice_of=[0, 1, 3, 1])
    assert not offer_rows(replay(conversation, accepting, options=night(0)))  # another process, the same night
    rows = replay(conversation, accepting, options=night(1))  # the next night
    offers = offer_rows(rows)
    answer = heard_after(rows, offers[0])[0]
    assert len(offers) == 1 and answer["intent"] == "affirm" and not answer["woke"], rows
    assert any("bedtime check-in" in t for t in answer["replies"]), answer


@needs_tools
def test_no_bedtime_offer_when_it_is_off(conversation, room):  # noqa: F811
    rows = replay(conversation, room([("", 30.0)]))
    assert not offer_rows(rows)


# -- companion service ---------------------------------------------------------------------------------------

def test_service_install_status_uninstall_writes_a_verifiable_user_unit(run_cli, tmp_path: Path) -> None:
    config_home = tmp_path / "xdg"
    env = {"XDG_CONFIG_HOME": str(config_home)}
    installed = run_cli(["service", "install", "--no-start"], env=env)
    assert installed.returncode == 0, installed.stderr
    unit = config_home / "systemd" / "user" / "companion.service"
    text = unit.read_text()
    assert "ExecStart=" in text and " listen" in text and "WantedBy=default.target" in text
    assert "RASA_TELEMETRY_ENABLED=false" in text
    assert run_cli(["service", "status"], env=env).stdout.startswith("installed at")
    if shutil.which("systemd-analyze"):
        runtime = tmp_path / "run"
        runtime.mkdir(mode=0o700)
        verify = subprocess.run(["systemd-analyze", "--user", "verify", str(unit)], capture_output=True, text=True,
                                env=dict(os.environ, XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(config_home)),
                                timeout=120)
        assert verify.returncode == 0, verify.stderr
    removed = run_cli(["service", "uninstall"], env=env)
    assert removed.returncode == 0 and not unit.exists()
    assert "not installed" in run_cli(["service", "status"], env=env).stdout
