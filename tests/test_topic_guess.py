"""SentenceTopicClassifier's choice of a topic from its model's guesses (the model replaced by fixed guesses)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import pytest

from assistant.dialogue.nlu_components import SentenceTopicClassifier


def classifier(answer_threshold: Optional[float], guess: Tuple[str, float]) -> SentenceTopicClassifier:
    """A classifier whose model always guesses `guess` for the topic."""
    config: Dict[str, Any] = {"threshold": 0.3, "answer_threshold": answer_threshold}
    topics = SentenceTopicClassifier(config, model_storage=None, resource=None)  # type: ignore[arg-type]
    topics.predict = lambda text: {"topic": guess}  # type: ignore[method-assign]
    return topics


@pytest.mark.parametrize("answer_threshold, guess, text, expected", [
    (0.6, ("power", 0.45), "kind of in between", "none"),  # an answer naming no subject: unsure is no topic
    (0.6, ("power", 0.7), "kind of in between", "power"),
    (None, ("power", 0.45), "kind of in between", "power"),  # without the option: the plain threshold
    (0.6, ("pleasure", 0.45), "the pleasure one", "pleasure"),  # it names the prompt: the plain threshold
    (0.6, ("desire", 0.45), "about desire", "desire"),  # it says what it is about
])
def test_an_answer_needs_a_surer_guess_when_it_names_nothing(answer_threshold: Optional[float],
                                                             guess: Tuple[str, float], text: str,
                                                             expected: str) -> None:
    topics = classifier(answer_threshold, guess)
    label, _ = topics._guess("topic", "inform", text, topics.predict(text))
    assert label == expected


@pytest.mark.parametrize("intent, text, entities, kept", [
    ("out_of_scope", "is it normal to have pain after sex", [("checkin", "after sex")], []),
    ("out_of_scope", "read us a bedtime story", [("checkin", "bedtime")], []),
    ("start_checkin", "the after sex check in", [("checkin", "after sex")], [("checkin", "after_intimacy")]),
    ("stop", "stop the bedtime check in", [("checkin", "bedtime")], [("checkin", "bedtime")]),
    ("inform", "two it's been a long week", [], [("rating", "2")]),
])
def test_a_declined_ask_names_no_topic_or_kind(intent: str, text: str, entities: Any, kept: Any) -> None:
    """Canonical values where an intent carries them; none at all on an ask the companion declines."""
    from rasa.shared.nlu.training_data.message import Message

    from assistant.dialogue.nlu_components import EntityCanonicalizer

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "entities": [{"entity": name, "value": value} for name, value in entities]})
    EntityCanonicalizer({}).process([message])
    assert [(e["entity"], e["value"]) for e in message.get("entities")] == kept


def test_an_answer_naming_a_topic_names_no_checkin_kind() -> None:
    """"talking about sex" answers with a topic: the sentence's lean toward the after-sex check-in adds no kind."""
    from rasa.shared.nlu.training_data.message import Message

    config = {**SentenceTopicClassifier.get_default_config(), "answer_threshold": 0.6}
    topics = SentenceTopicClassifier(config, model_storage=None, resource=None)  # type: ignore[arg-type]
    topics.predict = lambda text: {  # type: ignore[method-assign]
        "topic": ("communication", 0.9) if "sex" in text else ("none", 0.9), "checkin": ("after_intimacy", 0.9)}
    named = Message(data={"text": "talking about sex", "intent": {"name": "inform", "confidence": 0.9},
                          "entities": [{"entity": "topic", "value": "communication"}]})
    bare = Message(data={"text": "the one after we were close", "intent": {"name": "inform", "confidence": 0.9},
                         "entities": []})
    topics.process([named, bare])
    assert [e["entity"] for e in named.get("entities")] == ["topic"]
    assert ("checkin", "after_intimacy") in [(e["entity"], e["value"]) for e in bare.get("entities")]


@pytest.mark.parametrize("text, expected", [
    ("so what could we chat about", "none"),  # the talk is what is asked for
    ("any ideas what we should talk about tonight", "none"),
    ("we are both shy so what should we talk about", "communication"),  # what is left still names one
    ("help us talk more openly", "communication"),  # no closing "talk about": the whole sentence
])
def test_a_request_for_something_to_talk_about_names_no_topic_by_the_word_talk(text: str, expected: str) -> None:
    """A request ending on "... talk about" asks for talk: the topic comes from the words before it, if any."""
    config: Dict[str, Any] = {**SentenceTopicClassifier.get_default_config(), "threshold": 0.3}
    topics = SentenceTopicClassifier(config, model_storage=None, resource=None)  # type: ignore[arg-type]
    topics.predict = lambda text: {  # type: ignore[method-assign]
        "topic": ("communication", 0.9) if any(w in text for w in ("talk", "chat", "shy")) else ("none", 0.9)}
    label, _ = topics._guess("topic", "request_prompt", text, topics.predict(text))
    assert label == expected
