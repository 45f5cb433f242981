"""Consent and take-turns conversations by voice: real speech through the spotter, the endpointer (voice
activity), the recogniser, the trained dialogue and the live loop, replayed in recording time."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from assistant.content import load_library
from tests.test_handsfree import needs_tools, replay, room  # noqa: F401  (room is a fixture)


def levels_said(rows: List[Dict[str, Any]]) -> List[str]:
    """The level of every library prompt the companion said, in order."""
    by_text = {p.text: p.level or "gentle" for p in load_library().prompts}
    return [by_text[t] for r in rows for t in r["replies"] if t in by_text]


@needs_tools
def test_consent_by_voice_two_yeses_give_a_bold_one(conversation, room):  # noqa: F811
    audio = room([("hey companion give us a bolder one", 10.0), ("yes", 6.0), ("yes", 14.0)], voice_of=[0, 1, 3])
    rows = replay(conversation, audio)
    acted = [r for r in rows if r["acted"]]
    assert [r["intent"] for r in acted][:1] == ["request_bold"], rows
    assert any("are you up" in t for r in acted for t in r["replies"]), rows
    assert levels_said(rows) == ["bold"], [(r["start_s"], r["end_s"], r["heard"], r["acted"], r["replies"]) for r in rows]


@needs_tools
def test_consent_by_voice_silence_means_a_gentle_one(conversation, room):  # noqa: F811
    audio = room([("hey companion give us a bolder one", 10.0), ("yes", 25.0)], voice_of=[0, 1])
    rows = replay(conversation, audio)
    asked = [t for r in rows for t in r["replies"] if "are you up" in t]
    assert len(asked) == 2, rows  # the second partner was asked, and said nothing
    silent = [r for r in rows if r["heard"] is None and r["acted"]]
    assert silent and levels_said(silent) == ["gentle"], rows
    assert levels_said(rows) == ["gentle"], rows


MIRROR_YES_AT = 8.0  # seconds after Alex's talk: the mirroring offer has been said and its window is open
SAM_TALK = "i think we are good at listening to each other. but the mornings feel rushed, and i miss our slow breakfasts."
ALEX_TALK = "for me the mornings are fine. it is the evenings, when we are both tired, that feel hard to share."


def floor_rows(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The rows where a floor's time ran out (the companion acted on nobody's words)."""
    return [r for r in rows if r["heard"] is None and r["acted"] and r["start_s"] == r["end_s"]]


def turns_room(room, first_talk: str, second_talk: str) -> bytes:  # noqa: F811
    """A take-turns request, each partner's talk inside their floor of 12 s, then silence to the close."""
    return room([("hey companion let's take turns on this", 9.0), (first_talk, 16.0), (second_talk, 30.0)],
                voice_of=[0, 1, 3])


def speech_seconds(room, text: str, voice: int) -> float:  # noqa: F811
    """How long the talk itself lasts in the recording (its leading half second of silence left out)."""
    return len(room([(text, 0.0)], voice_of=[voice])) / 32000 - 0.5


@needs_tools
def test_take_turns_by_voice_measures_each_turn_gives_equal_time_and_closes(conversation, room, companion_home):  # noqa: F811
    from tests.test_conversations import turns_chat

    events: List[Any] = []
    rows = replay(lambda: turns_chat(conversation, seconds=12.0), turns_room(room, SAM_TALK, ALEX_TALK),
                  wrap=lambda pipeline: pipeline.events.subscribe(events.append))
    said = [t for r in rows for t in r["replies"]]
    assert rows[0]["intent"] == "take_turns" and "the floor is yours" in rows[0]["replies"][0], rows
    first = rows[0]["replies"][0].split(". ")[1].split(",")[0]
    assert first == "Sam", said  # a fresh data dir: the first partner named starts
    talk_rows = [r for r in rows if not r["acted"]]
    assert talk_rows and all(r["heard"] is None for r in talk_rows), "nothing is transcribed during a turn"
    cues = [e.get("addressee") for e in events if e.kind == "floor-cue"]
    assert cues == ["Sam", "Alex"], cues  # the soft cue, once near the end of each turn
    assert [e.get("addressee") for e in events if e.kind == "floor-end"] == ["Sam", "Alex"]
    ends = floor_rows(rows)
    assert len(ends) >= 2 and "Alex, now the same" in ends[0]["replies"][0], rows
    assert "mirroring" in ends[1]["replies"][0], rows
    assert said[-1].startswith("Thank you both"), said  # the mirroring offer unanswered: the warm close
    kept = json.loads((companion_home / "state.json").read_text())["take_turns"]["last"]
    assert [(r["partner"], r["seconds"]) for r in kept] == [("Sam", 12.0), ("Alex", 12.0)], kept
    for record, text, voice in zip(kept, (SAM_TALK, ALEX_TALK), (1, 3)):
        assert abs(record["talk_s"] - speech_seconds(room, text, voice)) < 1.5, (record, speech_seconds(room, text, voice))


@needs_tools
def test_take_turns_by_voice_alternates_who_starts_across_two_processes(run_cli, room, tmp_path, companion_home):  # noqa: F811
    from assistant.audio import write_wav

    wav = tmp_path / "turns.wav"
    write_wav(wav, turns_room(room, SAM_TALK, ALEX_TALK))
    companion_home.mkdir(parents=True, exist_ok=True)
    (companion_home / "config.yml").write_text("partners: [Sam, Alex]\nconversation: {turn_seconds: 12}\n")
    firsts, kept = [], []
    for _ in range(2):
        result = run_cli(["listen", "--replay", str(wav), "--json"], timeout=300)
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        firsts.append(rows[0]["replies"][0].split(". ")[1].split(",")[0])
        kept.append(json.loads((companion_home / "state.json").read_text())["take_turns"]["last"])
    assert firsts == ["Sam", "Alex"], firsts
    for run, first in zip(kept, firsts):
        assert run[0]["partner"] == first and run[0]["seconds"] == run[1]["seconds"] == 12.0, run
        assert all(r["talk_s"] > 3.0 for r in run), run


@needs_tools
def test_pause_more_time_and_stop_by_voice_inside_a_turn(conversation, room, companion_home):  # noqa: F811
    from tests.test_conversations import turns_chat

    audio = room([("hey companion let's take turns on this", 9.0),
                  ("i want to say something about our weekends", 1.5),
                  ("hey companion pause", 25.0),
                  ("hey companion go on", 4.0),
                  ("hey companion a little more time please", 5.0),
                  ("and that is why the weekends matter to me", 1.5),
                  ("hey companion stop", 4.0)], voice_of=[0, 1, 0, 0, 0, 1, 0])
    rows = replay(lambda: turns_chat(conversation, seconds=12.0), audio)
    acted = [(r["heard"], r["replies"]) for r in rows if r["acted"]]
    said = [t for r in rows for t in r["replies"]]
    assert not floor_rows(rows), [(r["start_s"], r["woke"], r["heard"], r["acted"]) for r in rows]  # paused for 25 s, then more time: the 12 s floor never ran out
    assert any(t.startswith("Paused") for t in said), [(r["start_s"], r["woke"], r["heard"], r["acted"]) for r in rows]
    assert "Go on, Sam." in said, acted
    assert any(t.endswith("more, Sam.") for t in said), acted
    assert said[-1] == "Okay, we'll stop there. Thank you both.", acted
    talk = [r for r in rows if not r["woke"]]
    assert talk and all(r["heard"] is None and not r["acted"] for r in talk), rows


@needs_tools
def test_the_whole_mutuality_conversation_by_voice(conversation, room, companion_home):  # noqa: F811
    from assistant import guided
    from tests.test_conversations import turns_chat

    script = guided.load()
    events: List[Any] = []
    audio = room([("hey companion let's have the mutuality conversation", 21.0),
                  ("i treasure the quiet mornings when we just lie there and talk", 240.0)], voice_of=[0, 1])
    rows = replay(lambda: turns_chat(conversation, seconds=20.0), audio,
                  wrap=lambda pipeline: pipeline.events.subscribe(events.append))
    said = [t for r in rows for t in r["replies"]]
    assert rows[0]["intent"] == "start_mutuality" and rows[0]["replies"][0] == script.opening, rows[0]
    ended = [e.get("addressee") for e in events if e.kind == "floor-end"]
    assert len(ended) == 2 * len(script.steps), ended
    for index in range(len(script.steps)):
        assert set(ended[2 * index: 2 * index + 2]) == {"Sam", "Alex"}, ended
    starters = ended[0::2]
    assert all(a != b for a, b in zip(starters, starters[1:])), starters
    assert said[-1] == script.closing, said
    talk = [e.get("talk_s") for e in events if e.kind == "floor-end"]
    assert talk[0] > 2.0 and not any(talk[1:]), (talk, [(r["start_s"], r["end_s"], r["acted"]) for r in rows])  # the one answer given, in the first floor; then silence
    assert all(r["heard"] is None for r in rows[1:]), rows


@needs_tools
def test_the_mirroring_round_by_voice(conversation, room, companion_home):  # noqa: F811
    """A spoken yes to the mirroring offer: each partner is asked by name to say back what they heard, then the
    other is asked whether it caught it; the same time for both, then the warm close."""
    from tests.test_conversations import turns_chat

    plan = [("hey companion let's take turns on this", 9.0), (SAM_TALK, 16.0), (ALEX_TALK, MIRROR_YES_AT),
            ("yes please", 60.0)]
    rows = replay(lambda: turns_chat(conversation, seconds=12.0), room(plan, voice_of=[0, 1, 3, 1]))
    said = [t for r in rows for t in r["replies"]]
    timeline = [(r["start_s"], r["end_s"], r["heard"], r["acted"], r["replies"]) for r in rows]
    assert any("mirroring round" in t for t in said), timeline
    mirrors = [t for t in said if "say back what you heard" in t]
    confirms = [t for t in said if "did that catch it" in t]
    assert [m.split(",")[0] for m in mirrors] == ["Alex", "Sam"], timeline  # the listener first, then the other
    assert [c.split(",")[0] for c in confirms] == ["Sam", "Alex"], timeline
    assert said[-1].startswith("Thank you both") and "mirroring round" not in said[-1], timeline
