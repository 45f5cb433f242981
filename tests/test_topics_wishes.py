"""Topics asked for as wishes (issue 27): the wish words, what they name, subjects the library lacks, words said to the
partner; the topic component's lift and marks with its model replaced by fixed guesses; the kind line end to end."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant import topics
from assistant.content import TOPICS
from assistant.dialogue.nlu_components import SentenceTopicClassifier


@pytest.mark.parametrize("text, content", [
    ("we never finish an argument properly, can we talk about that", "we never finish an argument properly"),
    ("i want us to hold hands more", "hold hands more"),
    ("we'd like to talk it through, the way we always hang back", "the way we always hang back"),
    ("we're hopeless at saying sorry", "saying sorry"),
    ("how do we make more room for fun", "make more room for fun"),
    ("my body has changed a lot and i'd like to talk about it", "my body has changed a lot"),
    ("we wanna talk about give and take", "give and take"),  # "and" inside the subject stays
    ("can we talk about this another time", None),  # their plan for later
    ("next month i want us to visit rome", None),
    ("can we take turns on this", None),  # a wish for the floor, not for a starter
    ("i want us to talk about it because you're always so quiet", None),  # said to the partner
    ("i love it when you hold me", None),  # no wish at all
    # a question put to the companion for one on a subject
    ("do you have anything about the way we sulk", "the way we sulk"),
    ("what have you got on feeling wanted", "feeling wanted"),
    ("is there a question about saying thanks", "saying thanks"),
    ("tell us something about holding back", "holding back"),
    ("we're saving up for a car, anything on that", "we're saving up for a car"),
    ("i'd love to hear about the ways we flirt", "the ways we flirt"),
    ("we keep talking past each other, help us with that", "we keep talking past each other"),
    ("we're hopeless at saying no, help us with that", "saying no"),
    ("can you help us with that", None),  # asks for help, names nothing
    ("that was lovely", None),
])
def test_wish_content(text: str, content: Optional[str]) -> None:
    assert topics.wish_content(text) == content


@pytest.mark.parametrize("text, talk", [
    ("i feel lonely lately and i'd like to talk about that", True),
    ("i just want to feel at peace", False),  # a wish for something itself: a disclosure stays one
])
def test_only_a_wish_to_talk_lifts_a_disclosure(text: str, talk: bool) -> None:
    assert topics.wishes_to_talk(text) is talk


@pytest.mark.parametrize("subject, name", [
    ("how we pay the council tax bills", "money"), ("who hoovers the stairs", "chores"),
    ("whether to have a baby next year", "kids"), ("my dad's visits", "in-laws"), ("the lads from football", "other"), ("who leads and who follows", None),
    ("getting married abroad", "home"), ("what feels good", None), ("who makes the first move", None),
    # words a request's subject was read by before the two lists were one ("a question about cooking")
    ("cooking", "chores"), ("saving for a deposit", "money"), ("trust", "jealousy"), ("music", "other"),
    ("arguments", "other"), ("christmas", "holidays"),
    # health: illness, medication, pain, fertility, the menopause, disability, a doctor's news
    ("the menopause", "health"), ("my dad's illness", "health"), ("fertility", "health"), ("his medication", "health"),
    ("living with chronic pain", "health"), ("her disability", "health"), ("what the doctor said", "health"),
    ("his parkinson's", "health"), ("erectile problems", "health"), ("pregnancy", "kids"),
    ("sick of the chores", "chores"),
    # words that look like those but name a topic of ours
    ("spending more time together", None), ("sleeping together", None), ("feeling at home in our bodies", None),
    ("tired of always being the one who initiates", None),
    ("getting older together", None), ("putting on weight", None),  # the body's changes are body's own
])
def test_lacking(subject: str, name: Optional[str]) -> None:
    assert topics.lacking(subject) == name


def test_every_lacking_class_has_its_nearest_topic() -> None:
    """Each class the words name is one the topic model learns, with a nearest topic of ours."""
    subjects = topics.elsewhere_subjects()
    assert {name for name, _ in topics._LACKING} <= set(subjects)
    assert topics.nearest_to("health") == "body" and topics.nearest_to(topics.lacking("the bills") or "") == "mutuality"


def test_health_is_met_kindly_and_without_advice() -> None:
    line = topics.not_in_library(topics.said_as("health", ""), topics.nearest_to("health"), "health")
    assert line.startswith("I don't have questions on health and illness, I'm sorry")
    assert "can't give medical advice" in line and "body" in line
    assert "medical" not in topics.not_in_library("money", "mutuality", "money")


def test_lacking_subjects_have_a_nearest_topic_and_a_name() -> None:
    subjects = topics.elsewhere_subjects()
    assert {"money", "chores", "kids", "in-laws", "friends", "jealousy", "work", "health"} <= set(subjects)
    assert all(item["nearest"] in TOPICS and len(item["phrasings"]) >= 8 for item in subjects.values())
    assert topics.nearest_to("money") == "mutuality" and topics.said_as("kids", "x") == "children"
    assert topics.said_as("other", "can we talk about the garden shed") == "garden"
    assert topics.said_as("other", "can we talk about the allotment") == "allotment"
    line = topics.not_in_library(topics.said_as("chores", ""), topics.nearest_to("chores"))
    assert line.startswith("I don't have questions on chores") and "mutuality" in line


@pytest.mark.parametrize("text, partner", [
    ("honestly i adore it when you run my bath", True), ("keep going i like your stories", True),
    ("give us a question about when you first met", False),  # asked of the companion
    ("can we talk about how you and i argue", False),  # a wish to talk
    ("a question about money", False),
    ("i want you to hold me when i'm sad", True), ("let's talk about that properly", True),
    ("we keep drifting apart, can we talk about that", False),  # it names what: a wish of ours
])
def test_said_to_partner(text: str, partner: bool) -> None:
    assert topics.said_to_partner(text) is partner


Guesses = Dict[str, Tuple[str, float]]


def component(guesses: Guesses) -> SentenceTopicClassifier:
    """The topic component with its model replaced: `guesses` maps words to (label, probability)."""
    topic_model = {"weights": None, "bias": None, "labels": None}
    classifier = SentenceTopicClassifier({"threshold": 0.3}, model_storage=None,  # type: ignore[arg-type]
                                         resource=None, models={"topic": topic_model})  # type: ignore[arg-type]
    classifier.predict = lambda text: {"topic": guesses.get(text, ("none", 0.9))}  # type: ignore[method-assign]
    classifier.wished_topic = lambda text: guesses.get(text, ("none", 0.0))  # type: ignore[method-assign]
    return classifier


def parsed(classifier: SentenceTopicClassifier, text: str, intent: str,
           entities: Optional[List[Dict[str, Any]]] = None) -> Message:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "intent_ranking": [{"name": intent, "confidence": 0.9},
                                               {"name": "couple_talk", "confidence": 0.05}],
                            "entities": entities or []})
    return classifier.process([message])[0]


def topic_of(message: Message) -> Optional[str]:
    return next((e["value"] for e in message.get("entities") or [] if e["entity"] == "topic"), None)


def test_a_wish_about_a_topic_is_a_request_for_it() -> None:
    text = "we hardly say thank you, can we talk about that"
    message = parsed(component({"we hardly say thank you": ("appreciation", 0.8)}), text, "couple_talk")
    assert message.get("intent")["name"] == "request_prompt" and topic_of(message) == "appreciation"


def test_a_wish_about_nothing_of_ours_stays_talk() -> None:
    text = "we had pasta, can we talk about that"
    message = parsed(component({}), text, "couple_talk")
    assert message.get("intent")["name"] == "couple_talk" and topic_of(message) is None


def test_a_disclosure_with_a_distress_cue_is_never_lifted() -> None:
    text = "he hit me last night and i want to talk about it"
    message = parsed(component({"he hit me last night": ("power", 0.9)}), text, "disclose_distress")
    assert message.get("intent")["name"] == "disclose_distress"


def test_a_subject_the_library_lacks_is_marked_and_names_no_topic() -> None:
    text = "we need to sort out who takes the recycling out"
    guesses = {"who takes the recycling out": ("elsewhere:chores", 0.7)}
    message = parsed(component(guesses), text, "request_prompt", [
        {"entity": "topic", "value": "power", "extractor": "FocusedCRFEntityExtractor"}])
    assert message.get("elsewhere") == "chores" and topic_of(message) is None


def test_a_topic_named_in_our_words_stands_against_a_lacking_guess() -> None:
    text = "can we talk about desire and money"
    guesses = {"desire and money": ("elsewhere:money", 0.7)}
    message = parsed(component(guesses), text, "request_prompt", [
        {"entity": "topic", "value": "desire", "extractor": "RegexEntityExtractor"}])
    assert message.get("elsewhere") is None and topic_of(message) == "desire"


@pytest.mark.parametrize("subject, topic", [
    ("climaxing together", "pleasure"), ("our turn-ons", "pleasure"), ("being submissive", "power"),
    ("who's the boss", "power"), ("kinks", "pleasure"), ("both getting older", "body"),
])
def test_a_subject_names_a_topic_in_its_own_words(subject: str, topic: str) -> None:
    assert topics.named_topic(subject) == topic


def test_a_short_wish_the_model_is_unsure_of_is_placed_by_its_own_words() -> None:
    message = parsed(component({"fantasies": ("desire", 0.2)}), "could we talk about fantasies", "couple_talk")
    assert message.get("intent")["name"] == "request_prompt" and topic_of(message) == "pleasure"


def test_a_question_for_one_on_a_lacking_subject_is_a_request_marked_lacking() -> None:
    message = parsed(component({}), "have you got anything on the school run", "couple_talk")
    assert message.get("intent")["name"] == "request_prompt" and message.get("elsewhere") == "kids"


@pytest.mark.parametrize("text, intent, lifted", [
    ("we keep talking past each other, help us with that", "help", True),
    ("let's talk about my sister's wedding", "start_mutuality", True),
    ("let's talk through the guided questions", "start_mutuality", False),  # the guided conversation itself
])
def test_a_wish_read_as_help_or_the_guided_talk_is_a_request(text: str, intent: str, lifted: bool) -> None:
    guesses = {"we keep talking past each other": ("communication", 0.8), "my sister's wedding": ("elsewhere:home", 0.7),
               "the guided questions": ("mutuality", 0.8)}
    message = parsed(component(guesses), text, intent)
    assert (message.get("intent")["name"] == "request_prompt") is lifted


def test_words_to_the_partner_read_as_a_request_give_way() -> None:
    message = parsed(component({}), "honestly i adore it when you run my bath", "request_prompt")
    assert message.get("intent")["name"] == "couple_talk"


def test_a_wish_for_a_lacking_subject_gets_the_kind_line_and_the_nearest(dialogue_engine) -> None:
    """End to end, with the trained model: a subject the library lacks, said without "about"."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import topic_wishes
    from dialoguebench import typed

    wishes = [{"text": "we'd like to sort out who hoovers and who irons", "topic": "none", "missing": "chores"},
              {"text": "i want us to compliment each other more", "topic": "appreciation"},
              {"text": "could we talk about her arthritis flaring up", "topic": "none", "missing": "health"},
              {"text": "since his diagnosis things have been hard and we want to talk it through", "topic": "none",
               "missing": "health"}]
    rows = [{**item, **topic_wishes.run_line(dialogue_engine, item, typed)} for item in wishes]
    assert topic_wishes.score(rows)["right"] == 1.0, rows
    assert all(r["intent"] == "request_prompt" for r in rows), rows
    assert "medical advice" in rows[2]["said"][0] and "body" in rows[2]["said"][0], rows


def test_pain_from_a_partner_stays_on_the_care_path(dialogue_engine) -> None:
    """Pain someone causes is a disclosure, never the health line; pain as a health matter is a lacking subject."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from dialoguebench import care_given, fresh

    for text, care in (("my boyfriend causes me pain and i'd like to talk about it", True),
                       ("we'd like to talk about living with my back pain", False)):
        conv = fresh(dialogue_engine)
        reply = conv.respond(text)
        assert care_given(conv, reply.texts) is care, (text, reply.texts)
        assert any("medical advice" in t for t in reply.texts) is not care, (text, reply.texts)


# --- a theme said as a statement after the wake phrase ("we never manage X"): a wish to talk about it (wish13) ---

@pytest.mark.parametrize("text, statement", [
    ("we always end up sulking instead of saying what's wrong", True),
    ("i never quite know whether my partner is into it", True),
    ("one of us is always the one doing the chasing", True),
    ("our evenings have gone a bit flat lately", True),
    ("we're fine", False),  # too short to name anything
    ("you never reach for me first", False),  # said to the partner
    ("can we have a question on desire", False),  # a request: read as one already
    ("we keep bottling things up, can we talk about that", False),  # a wish to talk: the wish path reads it
    ("give us another one please", False),
    ("we should do this next weekend", False),  # their plan for another time
    ("that was a lovely one", False),  # not about themselves
    ("so what could we chat about", False),  # a question with its "?" unheard
    ("what do we do when one of us is tired", False),
])
def test_theme_statement(text: str, statement: bool) -> None:
    assert topics.theme_statement(text) is statement


def test_a_statement_placed_on_a_theme_is_a_request_for_it() -> None:
    text = "we always end up sulking instead of saying what's wrong"
    message = parsed(component({text: ("communication", 0.7)}), text, "couple_talk")
    assert message.get("intent")["name"] == "request_prompt" and topic_of(message) == "communication"


def test_a_statement_the_topic_model_is_unsure_of_stays_talk() -> None:
    text = "we went to the seaside last weekend with the dog"
    message = parsed(component({}), text, "couple_talk")  # no theme, confident or as a wish's words
    assert message.get("intent")["name"] == "couple_talk" and topic_of(message) is None


def test_a_statement_on_a_subject_the_library_lacks_is_marked() -> None:
    text = "we keep falling out over what we spend at the weekend"
    message = parsed(component({text: ("elsewhere:money", 0.6)}), text, "couple_talk")
    assert message.get("intent")["name"] == "request_prompt"
    assert message.get("elsewhere") == "money" and topic_of(message) is None


def test_a_statement_with_a_distress_cue_or_read_as_care_is_never_lifted() -> None:
    text = "i'm afraid he'll hurt me again when he's been drinking"
    assert parsed(component({text: ("power", 0.9)}), text, "couple_talk").get("intent")["name"] == "couple_talk"
    text = "we never seem to be close any more and i feel so alone"
    assert parsed(component({text: ("desire", 0.9)}), text, "disclose_distress").get("intent")["name"] == (
        "disclose_distress")


def test_a_theme_statement_is_a_request_addressed_and_talk_in_a_window(dialogue_engine) -> None:
    """End to end: after the wake phrase (or typed) a statement naming a theme gets a starter on it; the same words
    between the two of them in the window a starter opens stay unheard."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import topic_wishes
    from dialoguebench import fresh, typed

    wishes = [{"text": "we both go quiet when something awkward needs saying", "topic": "communication"},
              {"text": "it's nearly always me who has to get things going in bed", "topic": "initiation"}]
    rows = [{**item, **topic_wishes.run_line(dialogue_engine, item, typed)} for item in wishes]
    assert all(r["ok"] and r["intent"] == "request_prompt" for r in rows), rows
    for item in wishes:
        conv = fresh(dialogue_engine)
        conv.respond("give us a conversation starter")
        assert not conv.judge(item["text"], conv.window).for_me, item
