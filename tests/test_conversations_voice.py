"""Consent and take-turns conversations by voice: real speech through the spotter, the endpointer (voice
activity), the recogniser, the trained dialogue and the live loop, replayed in recording time."""

from __future__ import annotations

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
