"""Dialogue behaviour on the real trained model, turn by turn as typed chat runs it."""

from __future__ import annotations

import re
from typing import List

from tests.conftest import NIGHT

ANSWERS = [
    "i felt pretty close today maybe a four",
    "honestly a three it was a busy day",
    "i loved how you made me laugh at dinner",
    "that you listened when i was stressed",
    "some quiet time together in the morning",
    "just a hug before work",
]


def words(text: str) -> int:
    return len(text.split())


def addressed_to(text: str, names) -> List[str]:
    return [n for n in names if re.match(rf"^(And )?{re.escape(n)},", text)]


def run_checkin(chat, start: str = "let's do our bedtime check in", names=("Sam", "Alex")):
    """Start a check-in and answer until it closes; returns (start reply, question replies, last reply)."""
    first = chat.respond(start)
    assert first.active_loop == "checkin_form", first
    assert first.listen_mode == "open"
    questions = [first.texts[-1]]
    reply = first
    for answer in ANSWERS:
        reply = chat.respond(answer)
        if reply.active_loop is None:
            break
        questions.append(reply.texts[-1])
    return first, questions, reply


def test_bedtime_checkin_gives_both_partners_the_same_questions(conversation):
    chat = conversation()
    first, questions, last = run_checkin(chat)
    assert len(questions) == 6
    owners = [addressed_to(q, ("Sam", "Alex")) for q in questions]
    assert all(len(o) == 1 for o in owners), questions
    order = [o[0] for o in owners]
    assert order.count("Sam") == order.count("Alex") == 3
    for i in range(0, 6, 2):
        assert order[i] != order[i + 1]
        same = [re.sub(r"\b(Sam|Alex)\b", "X", re.sub(r"^(And )?\w+, ", "", q)) for q in questions[i:i + 2]]
        assert same[0] == same[1]  # the same question, the other partner named in it
    assert last.active_loop is None and last.session_over
    assert last.texts and not addressed_to(last.texts[-1], ("Sam", "Alex"))
    assert all(words(t) <= 30 for t in [*first.texts, *questions, *last.texts])


def test_who_goes_first_alternates_between_checkins(conversation):
    chat = conversation()
    firsts = []
    for _ in range(3):
        _, questions, _ = run_checkin(chat)
        firsts.append(addressed_to(questions[0], ("Sam", "Alex"))[0])
    assert firsts[0] != firsts[1] and firsts[2] == firsts[0]


def test_after_intimacy_checkin_completes(conversation):
    chat = conversation()
    first, questions, last = run_checkin(chat, "can we do the after sex check in")
    assert len(questions) == 6
    assert last.active_loop is None


def test_checkin_without_type_asks_by_day_and_picks_bedtime_at_night(conversation):
    day = conversation()
    reply = day.respond("let's do a check in")
    assert reply.active_loop is None and "bedtime" in reply.texts[-1].lower()
    reply = day.respond("after intimacy please")
    assert reply.active_loop == "checkin_form"
    night = conversation(clock=lambda: NIGHT)
    assert night.respond("let's do a check in").active_loop == "checkin_form"


def test_stop_ends_a_checkin_at_once(conversation):
    chat = conversation()
    chat.respond("let's do our bedtime check in")
    chat.respond("a four i think")
    reply = chat.respond("stop")
    assert reply.active_loop is None and reply.session_over
    assert len(reply.texts) == 1
    after = chat.respond("give us a conversation starter")
    assert after.active_loop is None and after.texts


def test_repeat_during_checkin_asks_the_same_question_again(conversation):
    chat = conversation()
    start = chat.respond("let's do our bedtime check in")
    again = chat.respond("can you say that again")
    assert again.texts[-1] == start.texts[-1]
    nxt = chat.respond("a four")
    assert nxt.texts[-1] != start.texts[-1]


def test_skip_gives_a_different_prompt_and_never_repeats(conversation):
    chat = conversation()
    reply = chat.respond("give us a conversation starter about desire")
    seen = [reply.texts[0]]
    for _ in range(11):
        reply = chat.respond("next one")
        seen.append(reply.texts[0])
    assert len(set(seen)) == len(seen)
    assert all(words(t) <= 30 for t in seen)


def test_repeat_says_the_same_prompt(conversation):
    chat = conversation()
    first = chat.respond("give us a conversation starter")
    again = chat.respond("say that again")
    assert again.texts == first.texts


def test_offer_handles_yes_and_no(conversation):
    chat = conversation()
    first = chat.respond("give us something to talk about")
    yes = chat.respond("yes please")
    assert yes.texts[0] != first.texts[0] and yes.texts[0].endswith(("?", "."))
    no = chat.respond("no thanks")
    assert no.session_over and no.active_loop is None


def test_out_of_scope_is_redirected_and_the_session_goes_on(conversation):
    chat = conversation()
    reply = chat.respond("what's the weather in paris tomorrow")
    assert reply.parse.intent in ("out_of_scope", "nlu_fallback")
    assert reply.texts
    reply = chat.respond("give us a conversation starter")
    assert reply.parse.intent == "request_prompt" and reply.texts


def test_help_greet_goodbye_thanks_are_answered(conversation):
    chat = conversation()
    for text, intent in [("hello", "greet"), ("what can you do", "help"), ("thank you", "thanks"), ("goodnight", "goodbye")]:
        reply = chat.respond(text)
        assert reply.parse.intent == intent, (text, reply.parse)
        assert reply.texts and all(words(t) <= 30 for t in reply.texts)


def test_blank_and_odd_lines_are_answered(conversation):
    chat = conversation()
    for line in ["", "   ", "\x00\x07", "x" * 100_000, "😊😊", "今日はどうでしたか"]:
        reply = chat.respond(line)
        assert reply.texts, repr(line[:20])


def test_after_an_activity_the_conversation_starts_fresh_but_remembers_the_last_words(conversation):
    chat = conversation()
    first = chat.respond("give us a conversation starter")
    old_id = chat.sender_id
    no = chat.respond("no thanks")
    assert no.session_over and chat.sender_id != old_id
    again = chat.respond("say that again")
    assert again.texts == no.texts
    saved = chat.respond("save that one")
    assert saved.parse.intent == "save_prompt" and "Saved" in saved.texts[0]
    store = chat.agent.tracker_store
    store = getattr(store, "_tracker_store", store)
    assert old_id not in store.store
    assert first.texts


def test_the_answer_window_tells_the_recogniser_what_the_question_asked_for(conversation):
    """A rating question's answer window expects a rating; the next, open question's expects nothing special."""
    chat = conversation()
    first = chat.respond("let's do our bedtime check in")
    assert first.window.kind == "answer" and first.window.expects == "rating"
    chat.respond("a four i think")
    second = chat.respond("a three, it was fine")
    assert second.window.kind == "answer" and second.window.expects is None
