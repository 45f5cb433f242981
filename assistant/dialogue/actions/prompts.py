"""Conversation starters: give one, the next, save one, retire one."""

from __future__ import annotations

import re
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.content import Prompt
from assistant.errors import ConfigError
from assistant.dialogue.actions.base import CompanionAction, EventList, latest_entity
from assistant.dialogue.actions.care import in_care
from assistant import care, topics

# After a starter the companion steps back: no question that the couple's own "yes" or "okay" could answer. Said
# once an evening, and again only when the couple sounds unsure what to do.
OFFERS = ("I'll step back so you two can talk. Say next one whenever you'd like another.",
          "Take your time with it. I'll be quiet; just say next one for a different one.",
          "Over to you both. If you'd like another, say next one.")


NO_FAVOURITES = "You haven't saved a favourite yet. When a question feels right, just say save that one."
FAVOURITE_LEAD = "Here's one of your favourites."


def no_favourite_on(topic: str) -> str:
    """Said when favourites are saved but none is about the topic asked for; a new starter on it follows."""
    return f"None of your favourites is about {topic} yet. Here's a new one on it."


def serve_prompt(action: CompanionAction, dispatcher: CollectingDispatcher, tracker: Tracker, topic: Optional[str],
                 level: str = "gentle") -> EventList:
    """Say a fresh prompt on `topic` (any topic if None) of `level` (gentle unless both said yes), then offer another."""
    last = tracker.get_slot("last_prompt_id")
    try:
        prompt = action.ctx.rotation.next(topic, exclude=last, level=level)
    except ConfigError:
        dispatcher.utter_message(text="I've no questions left there. You can add your own with companion prompts add.")
        return [SlotSet("offer", None)]
    return say_prompt(dispatcher, tracker, prompt, topic)


UNSURE = re.compile(r"\b(?:not sure|unsure|don't know|dunno|no idea|what (?:do|should|can) we (?:do|say)|how (?:do|does) "
                    r"(?:we|this|it)|stuck|what now|then what|and now what|um+|hmm+|er+)\b")


def seems_unsure(tracker: Tracker) -> bool:
    """Whether the couple's words sound unsure what to do ("um what do we do now", "not sure, another one")."""
    return bool(UNSURE.search(str(tracker.latest_message.get("text") or "").lower()))


def say_prompt(dispatcher: CollectingDispatcher, tracker: Tracker, prompt: Prompt, topic: Optional[str]) -> EventList:
    """Say `prompt` (the step-back line once an evening, or when they seem unsure); remember it for "next one"."""
    dispatcher.utter_message(text=prompt.text)
    events: EventList = [SlotSet("last_prompt_id", prompt.id), SlotSet("topic", topic), SlotSet("offer", "another")]
    if not tracker.get_slot("stepped_back") or seems_unsure(tracker):
        served = sum(1 for e in tracker.events if e.get("event") == "slot" and e.get("name") == "last_prompt_id")
        dispatcher.utter_message(text=OFFERS[served % len(OFFERS)])
        events.append(SlotSet("stepped_back", True))
    return events


def no_starter_tonight(dispatcher: CollectingDispatcher) -> EventList:
    """After a disclosure: no starter for the rest of the evening, said softly."""
    dispatcher.utter_message(text=care.NO_STARTER_TONIGHT)
    return [SlotSet("offer", None)]


def guessed_topic(tracker: Tracker) -> bool:
    """Whether the latest message's topic was guessed from the whole sentence rather than named by a span."""
    return any(e.get("entity") == "topic" and e.get("extractor") == "SentenceTopicClassifier"
               for e in tracker.latest_message.get("entities") or [])


class GivePrompt(CompanionAction):
    """`request_prompt`: a starter on the topic asked for, or on any topic."""

    action_name = "action_give_prompt"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        if in_care(tracker):
            return no_starter_tonight(dispatcher)
        topic = latest_entity(tracker, "topic")
        text = str(tracker.latest_message.get("text") or "")
        elsewhere = tracker.latest_message.get("elsewhere")
        if elsewhere and not topic:  # a subject the library lacks, heard by the topic model ("who does the laundry")
            nearest = topics.nearest_to(str(elsewhere))
            dispatcher.utter_message(text=topics.not_in_library(topics.said_as(str(elsewhere), text), nearest,
                                                                str(elsewhere)))
            return serve_prompt(self, dispatcher, tracker, nearest)
        missing = topics.missing_subject(text)
        if topic and missing and not (guessed_topic(tracker) and topics.lacking(missing)):
            missing = None  # a topic named in its words, or guessed for a subject not known to lie outside
        if missing is None:
            return serve_prompt(self, dispatcher, tracker, topic)
        lacking = topics.lacking(missing)
        if lacking is None:  # no topic found for it, but not known to be missing: no claim either way
            dispatcher.utter_message(text=topics.not_sure(missing))
            return serve_prompt(self, dispatcher, tracker, topic)
        nearest = topics.nearest_to(lacking)
        dispatcher.utter_message(text=topics.not_in_library(missing, nearest, lacking))
        return serve_prompt(self, dispatcher, tracker, nearest)


class NextPrompt(CompanionAction):
    """`skip` outside a check-in: a different starter on the same topic."""

    action_name = "action_next_prompt"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        if in_care(tracker):
            return no_starter_tonight(dispatcher)
        topic = latest_entity(tracker, "topic") or tracker.get_slot("topic")
        return serve_prompt(self, dispatcher, tracker, topic)


class SavePrompt(CompanionAction):
    """`save_prompt`: keep the last starter as a favourite."""

    action_name = "action_save_prompt"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        prompt_id = tracker.get_slot("last_prompt_id")
        if not prompt_id:
            dispatcher.utter_message(text="There's no question to save yet. Ask me for a conversation starter first.")
            return []
        self.ctx.rotation.favourite(prompt_id)
        dispatcher.utter_message(text="Saved. I'll keep that one for you.")
        return []


class RetirePrompt(CompanionAction):
    """`retire_prompt`: never ask the last starter again."""

    action_name = "action_retire_prompt"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        prompt_id = tracker.get_slot("last_prompt_id")
        if not prompt_id:
            dispatcher.utter_message(text="There's no question to set aside yet.")
            return []
        self.ctx.rotation.retire(prompt_id)
        dispatcher.utter_message(text="Of course, I won't ask that one again. Want a different one?")
        return [SlotSet("offer", "another")]


class PlayFavourite(CompanionAction):
    """`play_favourite`: one of the couple's saved starters, in turn; a gentle line when none is saved."""

    action_name = "action_play_favourite"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        if in_care(tracker):
            return no_starter_tonight(dispatcher)
        topic = latest_entity(tracker, "topic")  # "one of our saved ones on desire"
        prompt = self.ctx.rotation.next_favourite(exclude=tracker.get_slot("last_prompt_id"), topic=topic)
        if prompt is None and topic and self.ctx.rotation.favourites():
            dispatcher.utter_message(text=no_favourite_on(topic))
            return serve_prompt(self, dispatcher, tracker, topic)
        if prompt is None:
            dispatcher.utter_message(text=NO_FAVOURITES)
            return [SlotSet("offer", None)]
        dispatcher.utter_message(text=FAVOURITE_LEAD)
        return say_prompt(dispatcher, tracker, prompt, topic)
