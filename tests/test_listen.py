"""End to end by voice: real synthesised speech in, real recogniser, real Rasa, real pyttsx3 out."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from tests.conftest import json_lines
from tests.speechgen import SpeechMaker, have_tools

pytestmark = pytest.mark.skipif(have_tools() is not None, reason=f"{have_tools()} is not installed")

TURNS = [
    ("hey companion give us a conversation starter about desire", "request_prompt"),
    ("next one", "skip"),
    ("say that again", "repeat"),
    ("let's do our bedtime check in", "start_checkin"),
    ("i felt really close to you today", None),
]


@pytest.fixture(scope="module")
def spoken_turns(tmp_path_factory: pytest.TempPathFactory):
    maker = SpeechMaker(tmp_path_factory.mktemp("listen-speech"))
    return [maker.vary(maker.piper(text), pad_s=(0.4, 1.2)) for text, _ in TURNS]


def test_listen_over_wav_turns(run_cli, spoken_turns, tmp_path: Path):
    out = tmp_path / "replies"
    args = ["listen", "--json", "--partners", "Sam,Alex", "--output-dir", str(out)]
    for wav in spoken_turns:
        args += ["--input", str(wav)]
    result = run_cli(args)
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert len(rows) == len(TURNS)
    for row, (_text, intent) in zip(rows, TURNS):
        assert set(row) == {"heard", "engine", "intent", "replies", "reply_wavs", "latency_ms"}
        assert row["engine"] == "whisper"
        if intent:
            assert row["intent"] == intent, row
        assert row["replies"] and row["reply_wavs"] and row["latency_ms"] > 0
        for path in row["reply_wavs"]:
            with wave.open(path) as handle:
                assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
                assert handle.getnframes() > handle.getframerate() * 0.3
    assert rows[2]["replies"] == rows[1]["replies"]
    assert rows[3]["replies"][-1].startswith(("Sam,", "Alex,"))
    assert rows[4]["replies"][-1].startswith(("And Sam,", "And Alex,"))


def test_listen_bad_file_is_one_line_and_other_turns_go_on(run_cli, spoken_turns, tmp_path: Path):
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio")
    result = run_cli(["listen", "--json", "--output-dir", str(tmp_path / "o"),
                      "--input", str(bad), "--input", str(spoken_turns[0])])
    assert result.returncode == 1
    assert "notes.wav" in result.stderr and "Traceback" not in result.stderr
    rows = json_lines(result.stdout)
    assert len(rows) == 1 and rows[0]["intent"] == "request_prompt"


def test_listen_input_needs_output_dir(run_cli, spoken_turns):
    result = run_cli(["listen", "--input", str(spoken_turns[0])])
    assert result.returncode == 2 and "--output-dir" in result.stderr


def test_replay_streams_a_room_recording_through_the_live_loop(run_cli, tmp_path: Path):
    """--replay: one JSON row per utterance; nothing is transcribed outside a window; replies in recording time."""
    from assistant.audio import read_wav, write_wav

    maker = SpeechMaker(tmp_path / "speech")
    parts = [(maker.vary(maker.piper("hey companion give us a conversation starter"), pitch_cents=250), 16.0),
             (maker.espeak("i think it was the walk on the beach", voice="en-gb"), 1.0),
             (maker.espeak("yes me too", voice="en+f3"), 1.0),
             (maker.espeak("what about you", voice="en-gb"), 2.0)]
    audio = b"\0\0" * 8000
    for wav, gap in parts:
        audio += read_wav(wav)[0] + b"\0\0" * int(16000 * gap)
    room_wav = tmp_path / "room.wav"
    write_wav(room_wav, audio)
    out = tmp_path / "replies"
    result = run_cli(["listen", "--replay", str(room_wav), "--json", "--partners", "Sam,Alex",
                      "--output-dir", str(out), "--events", str(tmp_path / "events.jsonl")])
    assert result.returncode == 0, result.stderr
    rows = json_lines(result.stdout)
    assert len(rows) >= 4, rows
    assert all(set(r) == {"start_s", "end_s", "woke", "heard", "acted", "intent", "replies"} for r in rows)
    assert rows[0]["woke"] and rows[0]["acted"] and rows[0]["intent"] == "request_prompt" and rows[0]["replies"]
    assert not any(r["acted"] for r in rows[1:]), rows
    assert all(r["heard"] is None for r in rows[2:]), rows  # the window closed at the first line of talk
    assert all(a["end_s"] <= b["start_s"] for a, b in zip(rows, rows[1:]))
    assert list(out.glob("*.wav")), "the reply was spoken into the output folder"
    kinds = {json_lines(line)[0]["event"] for line in (tmp_path / "events.jsonl").read_text().splitlines()}
    assert {"wake", "speech-start", "speech-end", "tts-start"} <= kinds, kinds


def test_replay_runs_at_the_recordings_own_clock(run_cli, tmp_path: Path):
    """--start-at: the replay's wall clock is the recording's, so a check-in asked for at 22:30 is the bedtime one
    whatever the hour the replay runs at; a clock that is no time is one line."""
    from assistant.audio import read_wav, write_wav

    maker = SpeechMaker(tmp_path / "speech")
    request = maker.vary(maker.piper("hey companion we would like to do our check in now"), pitch_cents=250)
    room_wav = tmp_path / "room.wav"
    write_wav(room_wav, b"\0\0" * 8000 + read_wav(request)[0] + b"\0\0" * 16000 * 3)
    result = run_cli(["listen", "--replay", str(room_wav), "--json", "--partners", "Sam,Alex", "--start-at", "22:30"])
    assert result.returncode == 0, result.stderr
    rows = [r for r in json_lines(result.stdout) if r["acted"]]
    assert rows and rows[0]["intent"] == "start_checkin", rows
    assert rows[0]["replies"][-1].startswith(("Sam,", "Alex,")), rows  # the first question, not "which one?"
    bad = run_cli(["listen", "--replay", str(room_wav), "--start-at", "25:61"])
    assert bad.returncode == 2 and "--start-at" in bad.stderr and "Traceback" not in bad.stderr
