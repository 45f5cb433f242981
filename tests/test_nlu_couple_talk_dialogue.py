"""couple_talk in the real dialogue: typed talk gets a soft reply and changes nothing; in a check-in it is an answer."""

from __future__ import annotations

SOFT_REPLY = "I'm here if you'd like a conversation starter or a check-in."


def test_typed_couple_talk_gets_a_soft_reply_and_ends_nothing(conversation) -> None:
    chat = conversation()
    chat.respond("give us a conversation starter")
    talk = chat.respond("i think for me it's the way you hum when you cook")
    # said to the partner, it may read as talk or as an answer (inform's examples speak to "you" too): either way
    # it is their talk about the starter
    assert talk.parse.intent in ("couple_talk", "inform"), talk.parse
    assert list(talk.texts) == [SOFT_REPLY] and talk.active_loop is None and not talk.session_over


def test_talk_and_never_mind_inside_a_checkin(conversation) -> None:
    chat = conversation()
    first = chat.respond("let's do our bedtime check in")
    assert first.active_loop == "checkin_form"
    answer = chat.respond("i never mind that honestly")
    assert answer.active_loop == "checkin_form" and answer.texts[-1] != first.texts[-1]
    answer = chat.respond("aww you are sweet")
    assert answer.active_loop == "checkin_form"
    stopped = chat.respond("never mind")
    assert stopped.active_loop is None and stopped.session_over
