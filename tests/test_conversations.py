"""Favourites, consent for bolder prompts and take-turns conversations, typed, on the real trained model."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import List

from assistant.consent import ConsentAsk, is_yes
from assistant.content import load_library

PARTNERS = ("Sam", "Alex")


def words(text: str) -> int:
    return len(text.split())


def short(reply) -> None:
    assert all(words(t) <= 30 for t in reply.texts), reply.texts


def level_of(text: str) -> str:
    found = [p for p in load_library().prompts if p.text == text]
    assert found, text
    return found[0].level or "gentle"


def prompt_in(reply) -> str:
    """The library prompt among a reply's lines."""
    texts = {p.text for p in load_library().prompts}
    said = [t for t in reply.texts if t in texts]
    assert len(said) == 1, reply.texts
    return said[0]


# -- favourites ---------------------------------------------------------------------------------------------

def test_favourites_with_none_saved_get_a_gentle_line(conversation):
    chat = conversation()
    for ask in ("one of our favourites", "play a saved one"):
        reply = chat.respond(ask)
        assert reply.parse.intent == "play_favourite", reply
        assert len(reply.texts) == 1 and "save that one" in reply.texts[0], reply.texts
        short(reply)


def test_saved_prompts_come_back_in_turn_and_in_a_new_process(conversation):
    chat = conversation()
    saved = []
    for ask in ("give us a conversation starter about desire", "give us a conversation starter about appreciation"):
        saved.append(prompt_in(chat.respond(ask)))
        assert chat.respond("save that one").parse.intent == "save_prompt"
    chat.respond("next one")
    heard = [prompt_in(chat.respond(ask)) for ask in ("one of our favourites", "play a saved one", "another favourite")]
    assert set(heard[:2]) == set(saved) and heard[2] == heard[0], heard
    again = conversation()  # a new conversation on the same data dir: favourites are kept on disk
    reply = again.respond("give us one of our favourites")
    short(reply)
    assert prompt_in(reply) in saved
    assert again.respond("next one").parse.intent == "skip"


def test_a_retired_favourite_does_not_come_back(conversation):
    chat = conversation()
    first = prompt_in(chat.respond("give us a conversation starter about body"))
    chat.respond("save that one")
    assert prompt_in(chat.respond("one of our favourites")) == first
    chat.respond("don't ask that again")
    reply = chat.respond("one of our favourites")
    assert "save that one" in reply.texts[0], reply.texts


# -- consent before bolder prompts --------------------------------------------------------------------------

def ask_bold(chat, answers: List[str]):
    """Ask for a bolder one and answer each question; returns (replies, who was asked, in order)."""
    replies = [chat.respond("give us a bolder one")]
    for answer in answers:
        if replies[-1].active_loop != "consent_form":
            break
        replies.append(chat.respond(answer))
    asked = [m.group(1) for r in replies for t in r.texts for m in [re.match(r"^(?:And )?(\w+), are you up", t)] if m]
    for reply in replies:
        short(reply)
    return replies, asked


def test_yes_and_yes_gives_a_bold_prompt_each_asked_by_name(conversation):
    chat = conversation()
    replies, asked = ask_bold(chat, ["yes", "yeah sure"])
    assert replies[0].active_loop == "consent_form" and replies[0].window.kind == "answer"
    assert replies[0].window.addressee == asked[0] and replies[1].window.addressee == asked[1]
    assert sorted(asked) == sorted(PARTNERS), asked
    assert replies[-1].active_loop is None
    assert level_of(prompt_in(replies[-1])) == "bold"


def test_who_is_asked_first_alternates_across_processes(conversation):
    firsts = []
    for _ in range(3):
        _, asked = ask_bold(conversation(), ["yes", "yes"])
        firsts.append(asked[0])
    assert firsts[0] != firsts[1] and firsts[2] == firsts[0], firsts


def test_a_no_or_silence_or_anything_else_gives_a_gentle_prompt_with_no_reason_asked(conversation):
    for answers in (["yes", "no"], ["no thanks"], [""], ["yes", ""], ["hmm maybe later"]):
        chat = conversation()
        replies, asked = ask_bold(chat, answers)
        last = replies[-1]
        assert last.active_loop is None, (answers, last)
        assert len(asked) == len(answers), (answers, asked)
        assert level_of(prompt_in(last)) == "gentle", answers
        assert not any("why" in t.lower() or "reason" in t.lower() for t in last.texts), last.texts


def test_stop_during_the_ask_ends_it_without_a_prompt(conversation):
    chat = conversation()
    replies, _ = ask_bold(chat, ["stop"])
    assert replies[-1].active_loop is None
    texts = {p.text for p in load_library().prompts}
    assert not any(t in texts for t in replies[-1].texts), replies[-1].texts


def test_keep_it_gentle_tonight_holds_for_the_session(conversation):
    chat = conversation()
    reply = chat.respond("keep it gentle tonight")
    assert reply.parse.intent == "keep_gentle", reply
    short(reply)
    for ask in ("give us a bolder one", "something spicier"):
        chat.respond("okay stop")  # an ended activity starts a fresh conversation: the choice carries over
        reply = chat.respond(ask)
        assert reply.parse.intent == "request_bold", reply
        assert reply.active_loop is None and "gentle" in reply.texts[0]
        assert level_of(prompt_in(reply)) == "gentle"
    fresh = conversation()  # a new session may ask again
    assert fresh.respond("give us a bolder one").active_loop == "consent_form"


def test_ordinary_starters_are_never_bold(conversation):
    chat = conversation()
    levels = {level_of(prompt_in(chat.respond(ask))) for ask in
              ["give us a conversation starter"] + ["next one"] * 30}
    assert levels == {"gentle"}


def test_consent_ask_logic() -> None:
    ask = ConsentAsk(("Sam", "Alex"))
    assert ask.asking == "Sam" and ask.answered(True).asking == "Alex"
    assert ask.answered(True).answered(True).outcome == "granted"
    assert ask.answered(False).outcome == "gentle" and ask.answered(True).answered(False).outcome == "gentle"
    assert ConsentAsk.from_slot(ask.answered(True).to_slot()) == ask.answered(True)
    assert ConsentAsk.from_slot({"order": "x"}) is None
    assert is_yes(True, 0.9, "yes please") and is_yes(False, 0.2, "sure")
    assert not is_yes(True, 0.9, "no") and not is_yes(True, 0.9, "") and not is_yes(False, 0.9, "hmm")
    assert not is_yes(True, 0.9, "yes but not tonight")


def test_prompts_list_json_shows_each_level(companion_home: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "prompts", "list", "--json"],
                         capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["level"] in ("gentle", "bold") for r in rows)
    assert {r["level"] for r in rows} == {"gentle", "bold"}


# -- take-turns conversations (typed) -----------------------------------------------------------------------

class SteppingClock:
    """A fake wall clock that each turn moves on by the seconds given."""

    def __init__(self) -> None:
        from datetime import datetime

        self.now = datetime(2026, 11, 26, 14, 0)

    def __call__(self):
        return self.now

    def step(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


def turns_chat(conversation, seconds: float = 120.0, clock=None):
    from assistant.dialogue.actions.context import ActionContext
    from assistant.settings import ConversationSettings, Settings
    from assistant.store import StateStore
    from tests.conftest import DAYTIME

    engine = conversation()
    settings = Settings(partners=PARTNERS, conversation=ConversationSettings(turn_seconds=seconds))
    ctx = ActionContext(settings, state=StateStore(engine.ctx.state.path), clock=clock or (lambda: DAYTIME))
    return engine.fork(ctx)


def floor_of(reply) -> str:
    assert reply.window.kind == "floor", reply
    return reply.window.addressee


def test_take_turns_typed_same_time_each_by_name_then_mirroring_and_a_warm_close(conversation, companion_home):
    clock = SteppingClock()
    chat = turns_chat(conversation, clock=clock)
    chat.respond("give us a conversation starter")
    start = chat.respond("let's take turns on this")
    assert start.parse.intent == "take_turns" and start.active_loop == "turns_form", start
    first = floor_of(start)
    second = [p for p in PARTNERS if p != first][0]
    assert start.window.seconds == 120 and "two minutes" in start.texts[0] and first in start.texts[0]
    clock.step(50)
    handover = chat.respond("i think we listen well but we rush in the mornings")
    assert floor_of(handover) == second and handover.window.seconds == 120
    assert second in handover.texts[0] and "same" in handover.texts[0]
    clock.step(45)
    offer = chat.respond("for me the mornings are fine it's the evenings")
    assert offer.window.kind == "answer" and "mirroring" in offer.texts[0]
    mirror = chat.respond("yes please")
    assert floor_of(mirror) == second and first in mirror.texts[0] and "say back" in mirror.texts[0]
    confirm = chat.respond("you feel rushed in the mornings")
    assert floor_of(confirm) == first and "catch it" in confirm.texts[0]
    mirror2 = chat.respond("yes that's it")
    assert floor_of(mirror2) == first and second in mirror2.texts[0]
    confirm2 = chat.respond("evenings are the hard part for you")
    assert floor_of(confirm2) == second
    close = chat.respond("yes")
    assert close.active_loop is None and close.session_over and "Thank you both" in close.texts[0]
    for reply in (start, handover, offer, mirror, confirm, mirror2, confirm2, close):
        short(reply)
    kept = json.loads((companion_home / "state.json").read_text())["take_turns"]["last"]
    assert [(r["partner"], r["kind"]) for r in kept[:2]] == [(first, "turn"), (second, "turn")]
    assert [r["talk_s"] for r in kept[:2]] == [50.0, 45.0]  # typed: time as a plain measure
    assert kept[0]["seconds"] == kept[1]["seconds"] == 120


def test_take_turns_alternates_who_starts_and_short_or_long_sets_the_time(conversation):
    firsts, lengths = [], []
    for ask in ("let's take turns on this", "help us talk about this a short one", "let's take turns a long one"):
        chat = turns_chat(conversation)
        reply = chat.respond(ask)
        firsts.append(floor_of(reply))
        lengths.append(reply.window.seconds)
        assert chat.respond("stop").active_loop is None
    assert firsts[0] != firsts[1] and firsts[2] == firsts[0], firsts
    assert lengths == [120, 60, 240]


def test_a_much_shorter_turn_gets_a_neutral_offer_of_more_time(conversation):
    clock = SteppingClock()
    chat = turns_chat(conversation, clock=clock)
    first = floor_of(chat.respond("let's take turns"))
    second = [p for p in PARTNERS if p != first][0]
    clock.step(90)
    chat.respond("a long turn from the first partner")
    clock.step(12)
    note = chat.respond("short")
    assert note.texts == (f"{second}, would you like a little more time?",), note.texts
    more = chat.respond("yes")
    assert floor_of(more) == second and more.window.seconds == 60
    clock.step(30)
    assert "mirroring" in chat.respond("and one more thing").texts[0]
    assert chat.respond("").active_loop is None  # an empty line: no mirroring, the warm close


def test_pause_more_time_and_stop_in_typed_turns(conversation):
    chat = turns_chat(conversation)
    first = floor_of(chat.respond("let's take turns on this"))
    paused = chat.respond("pause")
    assert paused.window.kind == "paused" and paused.texts[0].startswith("Paused")
    resumed = chat.respond("go on")
    assert resumed.window.kind == "floor" and resumed.window.extends and resumed.texts == (f"Go on, {first}.",)
    more = chat.respond("more time please")
    assert more.window.extends and more.window.seconds == 60 and first in more.texts[0]
    stopped = chat.respond("stop")
    assert stopped.active_loop is None and stopped.session_over
    outside = chat.respond("pause")
    assert outside.active_loop is None and "take turns" in outside.texts[0]


def test_turn_seconds_is_checked_where_every_setting_is(tmp_path: Path) -> None:
    import pytest

    from assistant import settings
    from assistant.errors import ConfigError

    config = tmp_path / "config.yml"
    config.write_text("conversation: {turn_seconds: 90}\n")
    assert settings.load(config).conversation.turn_seconds == 90.0
    for bad in ("5", "-1", "'long'", "100000"):
        config.write_text(f"conversation: {{turn_seconds: {bad}}}\n")
        with pytest.raises(ConfigError, match="conversation.turn_seconds"):
            settings.load(config)


# -- the mutuality conversation -----------------------------------------------------------------------------

def run_mutuality(chat, clock=None):
    """Start the mutuality conversation and answer every step; returns (start, step replies, close)."""
    start = chat.respond("let's have the mutuality conversation")
    assert start.parse.intent == "start_mutuality" and start.active_loop == "turns_form", start
    steps, reply = [start], start
    for n in range(20):
        if clock is not None:
            clock.step(40)
        reply = chat.respond(f"this is my answer, part {n}")
        if reply.active_loop is None:
            break
        steps.append(reply)
    return start, steps, reply


def test_the_whole_mutuality_conversation_puts_every_step_to_both_by_name(conversation):
    from assistant import guided

    script = guided.load()
    start, steps, close = run_mutuality(turns_chat(conversation, clock=SteppingClock()), SteppingClock())
    assert start.texts[0] == script.opening
    assert len(steps) == 2 * len(script.steps), [s.texts for s in steps]
    names = [floor_of(s) for s in steps]
    for index, step in enumerate(script.steps):
        pair = steps[2 * index: 2 * index + 2]
        question = step.question[0].lower() + step.question[1:]
        assert all(question in p.texts[-1] and floor_of(p) in p.texts[-1] for p in pair), [p.texts for p in pair]
        assert {floor_of(p) for p in pair} == set(PARTNERS)
        assert pair[0].window.seconds == pair[1].window.seconds
    starters = names[0::2]
    assert all(a != b for a, b in zip(starters, starters[1:])), starters  # who starts alternates step by step
    planned = sum(s.window.seconds for s in steps)
    assert 8 * 60 <= planned <= 10 * 60, planned  # about ten minutes with the companion's own lines
    assert close.texts[-1] == script.closing and close.session_over
    for reply in (start, *steps, close):
        short(reply)


def test_who_starts_the_mutuality_conversation_alternates(conversation):
    firsts = []
    for _ in range(2):
        chat = turns_chat(conversation)
        firsts.append(floor_of(chat.respond("let's have the mutuality conversation")))
        chat.respond("stop")
    assert firsts[0] != firsts[1]


def test_words_said_by_voice_during_a_turn_that_are_no_control_keep_the_floor(conversation):
    from assistant.taketurns import during_turn

    chat = turns_chat(conversation)
    first = floor_of(chat.respond("let's take turns on this"))
    kept = chat.respond(during_turn("what was i saying"))
    assert kept.window.kind == "floor" and kept.window.extends and kept.window.addressee == first
    assert "only listen for" in kept.texts[0]
    assert chat.respond(during_turn("more time please")).window.seconds == 60
    assert chat.respond(during_turn("stop")).active_loop is None


# -- conversation commands that name a topic (nlu/commands_compound.yml) ------------------------------------

def topic_in(parse) -> str:
    return next((e.value for e in parse.entities if e.entity == "topic"), "")


def topic_of(text: str) -> str:
    found = [p for p in load_library().prompts if p.text == text]
    assert found, text
    return found[0].topic


def test_a_bolder_one_on_a_topic_after_two_yeses_is_bold_and_on_that_topic(conversation):
    chat = conversation()
    first = chat.respond("could we get something saucier about pleasure")
    assert first.parse.intent == "request_bold" and topic_in(first.parse) == "pleasure", first
    assert first.active_loop == "consent_form"
    chat.respond("yes")
    last = chat.respond("yes")
    said = prompt_in(last)
    assert level_of(said) == "bold" and topic_of(said) == "pleasure", last.texts


def test_keep_it_gentle_with_a_topic_gives_a_gentle_one_on_it_and_holds(conversation):
    chat = conversation()
    reply = chat.respond("nothing heavy tonight, just something tender about our bodies")
    assert reply.parse.intent == "keep_gentle" and topic_in(reply.parse) == "body", reply
    said = prompt_in(reply)
    assert level_of(said) == "gentle" and topic_of(said) == "body"
    short(reply)
    bold = chat.respond("give us a bolder one")
    assert bold.active_loop is None and "gentle" in bold.texts[0]  # the choice holds for the session


def test_take_turns_on_a_topic_opens_with_a_starter_on_it(conversation):
    chat = turns_chat(conversation)
    start = chat.respond("could we each get a timed turn talking about desire")
    assert start.parse.intent == "take_turns" and topic_in(start.parse) == "desire", start
    assert start.active_loop == "turns_form"
    assert topic_of(prompt_in(start)) == "desire" and level_of(prompt_in(start)) == "gentle"
    first = floor_of(start)
    assert first in start.texts[-1] and "two minutes" in start.texts[-1]
    plain = turns_chat(conversation).respond("let's take turns on this")  # no topic: no starter of its own
    assert not any(t in {p.text for p in load_library().prompts} for t in plain.texts), plain.texts


def test_a_favourite_on_a_topic_is_one_saved_on_it_else_a_new_one_on_it(conversation):
    chat = conversation()
    saved = {}
    for topic in ("desire", "appreciation"):
        saved[topic] = prompt_in(chat.respond(f"give us a conversation starter about {topic}"))
        chat.respond("save that one")
    for _ in range(2):
        reply = chat.respond("play us one of the questions we saved about appreciation")
        assert reply.parse.intent == "play_favourite" and topic_in(reply.parse) == "appreciation", reply
        assert prompt_in(reply) == saved["appreciation"], reply.texts
    other = chat.respond("play us one of the questions we saved about communication")
    assert other.parse.intent == "play_favourite", other
    assert "None of your favourites" in other.texts[0] and topic_of(prompt_in(other)) == "communication"
    short(other)


def test_next_favourite_on_a_topic(tmp_path: Path) -> None:
    from assistant.rotation import Rotation
    from assistant.store import StateStore

    library = load_library()
    rotation = Rotation(StateStore(tmp_path / "state.json"), library)
    picks = {t: [p for p in library.prompts if p.topic == t and p.level == "gentle"][:2] for t in ("desire", "body")}
    for prompt in (picks["desire"][0], picks["body"][0], picks["desire"][1]):
        rotation.favourite(prompt.id)
    on_desire = [rotation.next_favourite(topic="desire") for _ in range(3)]
    assert [p.id for p in on_desire if p] == [picks["desire"][0].id, picks["desire"][1].id, picks["desire"][0].id]
    assert rotation.next_favourite(topic="power") is None
    assert rotation.next_favourite(topic="body").id == picks["body"][0].id
