"""The care path, answers that are answers, acknowledgements, names and ratings on the real trained model."""

from __future__ import annotations

from assistant import care
from assistant.dialogue.actions.prompts import OFFERS
from assistant.journal import Journal
from assistant.messages import Window
from tests.conftest import NIGHT


def cared(chat, reply) -> bool:
    return care.CARE_REPLY in reply.texts and chat.slot("gentle_tonight") and chat.slot("care_tonight")


def test_a_disclosure_to_the_companion_gets_the_calm_reply_and_a_gentle_evening(conversation):
    chat = conversation()
    reply = chat.respond("companion i'm frightened of my partner and i don't know what to do")
    assert cared(chat, reply)
    assert reply.texts[-1] == chat.ctx.settings.care.helpline
    assert reply.window.kind == "none"  # no listening for commands while they talk it through
    assert not any("starter" in t or "check-in" in t for t in reply.texts)  # no menu
    assert "frightened" not in " ".join(reply.texts)  # their words are not echoed
    later = chat.respond("give us a conversation starter")
    assert later.texts == (care.NO_STARTER_TONIGHT,)
    bold = chat.respond("something spicier please")
    assert bold.texts == (care.NO_STARTER_TONIGHT,)
    assert chat.respond("hello").texts == (care.QUIET,)


def test_the_helpline_line_comes_from_the_config(conversation, companion_home):
    import dataclasses

    chat = conversation()
    chat.ctx.settings = dataclasses.replace(chat.ctx.settings, care=dataclasses.replace(
        chat.ctx.settings.care, helpline="Our local line is 0800 000 000."))
    reply = chat.respond("i don't feel safe at home")
    assert reply.texts[-1] == "Our local line is 0800 000 000."


def test_a_disclosure_inside_a_checkin_pauses_it_and_is_not_journaled(conversation, companion_home):
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(clock=lambda: NIGHT, journal=journal)
    chat.respond("let's do our bedtime check in")
    reply = chat.respond("a one, they threatened me again this morning")
    assert cared(chat, reply)
    assert reply.active_loop is None and "Okay, we'll stop there. Thank you both." not in reply.texts
    assert journal.entries() == []


def test_what_was_asked_makes_an_answer_a_disclosure(conversation, companion_home):
    """Relief at the partner's absence, said when asked what they appreciated, is told, not kept as an answer."""
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(clock=lambda: NIGHT, journal=journal)
    reply = chat.respond("let's do our bedtime check in")
    for _ in range(4):
        if "appreciat" in " ".join(reply.texts).lower():
            break
        reply = chat.respond("fine thanks")
    assert "appreciat" in " ".join(reply.texts).lower()
    reply = chat.respond("the evening they spent at their brother's, i could just be myself")
    assert cared(chat, reply)
    assert all("brother" not in e["answer"] for e in journal.entries())


def test_the_second_opinion_reads_whole_words(dialogue_engine):
    """The words-only opinion is set on every parse: high for a disclosure, low for an ordinary chore."""
    told = dialogue_engine._run(dialogue_engine.agent.parse_message("i can't say no to them, they just carry on"))
    chore = dialogue_engine._run(dialogue_engine.agent.parse_message("a hand with the recycling forms, they're endless"))
    assert told["care_opinion"] > care.OPINION_FLOOR > chore["care_opinion"]


def test_couple_talk_that_was_not_addressed_stays_unheard(conversation):
    chat = conversation()
    chat.respond("give us a conversation starter")
    window = chat.window
    assert window.kind == "followup"
    assert not chat.judge("you scared me when you shouted earlier", window).for_me
    assert not chat.judge("i'm dying to know what you'll say", window).for_me


def test_answers_with_command_words_are_answers_and_go_to_the_other_partner(conversation, companion_home):
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(journal=journal)
    first = chat.respond("start the after intimacy check in")
    asked = first.texts[-1].split(",")[0]
    other = "Alex" if asked == "Sam" else "Sam"
    for answer in ("maybe stop rushing the end a little", "next time more kissing"):
        reply = chat.respond(answer)
        assert reply.active_loop == "checkin_form", reply
        assert reply.texts[-1].startswith((f"And {other},", f"{asked},", f"And {asked},", f"{other},"))
    kept = [e["answer"] for e in journal.entries()]
    assert kept == ["maybe stop rushing the end a little", "next time more kissing"]
    stop = chat.respond("companion, stop")
    assert stop.active_loop is None


def test_a_rating_is_kept_only_from_the_question_that_asks_for_one(conversation, companion_home):
    """Issue 28 row 5: "three" and "five" answering the appreciation and tomorrow questions are no ratings."""
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(clock=lambda: NIGHT, journal=journal)
    chat.respond("let's do our bedtime check in")
    for answer in ("one", "two", "three", "four", "five", "six"):
        chat.respond(answer)
    rows = journal.entries()
    assert [r["answer"] for r in rows] == ["one", "two", "three", "four", "five", "six"]
    assert [r["rating"] for r in rows] == ["1", "2", None, None, None, None]
    after = Journal.open(companion_home / "after.sqlite3")
    chat = conversation(journal=after)
    chat.respond("start the after intimacy check in")
    for answer in ("a four", "five stars", "two things"):
        chat.respond(answer)
    assert all(r["rating"] is None for r in after.entries())


def test_questions_name_the_other_partner_and_ratings_take_words(conversation, companion_home):
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(clock=lambda: NIGHT, journal=journal)
    first = chat.respond("let's do our bedtime check in")
    question = first.texts[-1]
    asked = question.split(",")[0]
    other = "Alex" if asked == "Sam" else "Sam"
    assert other in question and "your partner" not in question
    chat.respond("pretty close actually")
    row = journal.entries()[0]
    assert row["answer"] == "pretty close actually" and row["rating"] == "4"
    assert other in row["question"]  # the journal keeps the phrasing actually asked


def test_a_hard_answer_gets_a_soft_line_and_the_evening_a_quiet_closing(conversation):
    chat = conversation(clock=lambda: NIGHT)
    chat.respond("let's do our bedtime check in")
    reply = chat.respond("honestly kind of a one, i felt lonely all afternoon")
    assert any(t in care.SOFT_LINES for t in reply.texts)
    for answer in ("a four", "the tea this morning", "you being patient", "an early night", "a walk"):
        reply = chat.respond(answer)
    closing = reply.texts[-1]
    assert closing in chat.ctx.checkins["bedtime"].hard_closings and "Lovely" not in closing


def test_the_step_back_line_comes_once_an_evening(conversation):
    chat = conversation()
    said = [t for text in ("give us a conversation starter", "next one", "another one", "next one")
            for t in chat.respond(text).texts]
    assert sum(t in OFFERS for t in said) == 1


def test_a_missing_topic_is_named_and_the_nearest_offered(conversation):
    chat = conversation()
    reply = chat.respond("give us a question about money")
    assert reply.texts[0].startswith("I don't have questions on money")
    assert chat.slot("last_prompt_id")


def test_help_covers_everything_in_two_breaths(conversation):
    chat = conversation()
    reply = chat.respond("what can you do?")
    assert len(reply.texts) == 2 and all(len(t.split()) <= 30 for t in reply.texts)
    said = " ".join(reply.texts).lower()
    for thing in ("starter", "check-in", "take-turns", "mutuality", "favourite", "bolder", "gentle", "journal"):
        assert thing in said, thing


def test_the_guided_conversation_thanks_each_speaker(conversation):
    chat = conversation()
    chat.respond("let's do the mutuality conversation")
    lines = [chat.respond("my turn, said in a few words").texts[-1] for _ in range(3)]
    assert lines[0].startswith("Thank you. And ")
    assert lines[1].startswith("Thank you, ")


def test_window_answer_is_always_heard() -> None:
    from assistant.dialogue.addressee import judge
    from assistant.messages import Parse

    window = Window("answer", 30.0, "open", "Sam")
    assert judge(Parse("i don't feel safe", "disclose_distress", 0.9), window).for_me


def test_care9_answers_that_disclose_in_other_words_get_care(conversation):
    """care9: inside a check-in, harm and pressure told without the usual words are a disclosure on the real model
    (asleep when it began, an answer held back because the partner hears it); a worry the answer settles is not."""
    chat = conversation(clock=lambda: NIGHT)
    chat.respond("let's do the after-sex check-in")
    assert cared(chat, chat.respond("i was half asleep when things began, i think"))
    chat = conversation(clock=lambda: NIGHT)
    chat.respond("let's do our bedtime check in")
    assert cared(chat, chat.respond("i can't be honest with them sitting right there, sorry"))
    chat = conversation(clock=lambda: NIGHT)
    chat.respond("let's do the after-sex check-in")
    reply = chat.respond("a bit nervous, it had been a while, but it felt lovely")
    assert care.CARE_REPLY not in reply.texts and not chat.slot("care_tonight")


def test_wanting_more_and_being_asked_are_kept_as_answers(conversation, companion_home):
    """ans11: answers with a disclosure's look on the real model (wanting it not to stop, being asked what one
    wanted) are kept in the journal word for word, with no care reply."""
    journal = Journal.open(companion_home / "journal.sqlite3")
    chat = conversation(journal=journal)
    chat.respond("start the after intimacy check in")
    for answer in ("honestly i kept whispering please don't stop", "you checked in on what i wanted, so sweet"):
        reply = chat.respond(answer)
        assert care.CARE_REPLY not in reply.texts and reply.active_loop == "checkin_form", reply
    assert [e["answer"] for e in journal.entries()] == ["honestly i kept whispering please don't stop",
                                                        "you checked in on what i wanted, so sweet"]
    assert not chat.slot("care_tonight")
