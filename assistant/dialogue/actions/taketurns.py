"""Take-turns conversations as a Rasa form over `assistant.taketurns`: start, each step by name, close warmly."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from assistant import care, consent, guided, taketurns
from assistant.dialogue.actions.base import CompanionAction, EventList, latest_confidence, latest_entity, latest_intent
from assistant.dialogue.actions.care import care_slots, in_care
from assistant.dialogue.actions.context import ActionContext
from assistant.errors import ConfigError

FORM = "turns_form"


def begin(conv: taketurns.TakeTurns) -> EventList:
    """Hand a new conversation over to the form."""
    return [SlotSet("turns_state", conv.to_slot()), SlotSet("turns_answer", None), SlotSet("offer", None),
            FollowupAction(FORM)]


class StartTurns(CompanionAction):
    """`take_turns`: the floor to each partner in turn (the length asked for, else the configured one). Said with a
    topic ("take turns on appreciation"), a gentle starter on it comes first, for both to answer in turn."""

    action_name = "action_start_turns"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        text = str(tracker.latest_message.get("text") or "")
        seconds = taketurns.turn_seconds(self.ctx.settings.conversation.turn_seconds, text)
        starter = self._starter(dispatcher, tracker)
        return starter + begin(taketurns.start(self.ctx.state, self.ctx.partners, seconds,
                                               self.ctx.clock().timestamp()))

    def _starter(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """The starter on the topic named, said before the floors (none without a topic, or after a disclosure)."""
        topic = latest_entity(tracker, "topic")
        if topic is None or in_care(tracker):
            return []
        try:
            prompt = self.ctx.rotation.next(topic, exclude=tracker.get_slot("last_prompt_id"))
        except ConfigError:
            return []  # every starter on it retired: the turns go ahead on whatever they choose
        dispatcher.utter_message(text=prompt.text)
        return [SlotSet("last_prompt_id", prompt.id), SlotSet("topic", topic)]


class StartMutuality(CompanionAction):
    """`start_mutuality`: the guided mutuality conversation, each step to both partners on timed floors."""

    action_name = "action_start_mutuality"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        script = guided.load()
        dispatcher.utter_message(text=script.opening)
        conv = guided.start(self.ctx.state, self.ctx.partners, self.ctx.settings.conversation.turn_seconds,
                            self.ctx.clock().timestamp(), script)
        return begin(conv)


class AskTurnsAnswer(CompanionAction):
    """The form's step: a note (paused, more time) or the next floor or offer, by name."""

    action_name = "action_ask_turns_answer"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        conv = taketurns.TakeTurns.from_slot(tracker.get_slot("turns_state"))
        if conv is None or conv.done:
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        if conv.note:
            dispatcher.utter_message(text=conv.note)
            return [SlotSet("turns_state", dataclasses.replace(conv, note=None).to_slot())]
        dispatcher.utter_message(text=taketurns.line(conv))
        return []


def next_step(conv: taketurns.TakeTurns, text: str, intent: str, confidence: float, now: float) -> taketurns.TakeTurns:
    """One message in the conversation: a control, the loop's report that time is up, a typed turn, or an answer."""
    spoken, text = taketurns.split_during(text)
    control = taketurns.control(text)
    talk = taketurns.reported_talk(text)
    if control == "stop":
        return taketurns.stop(conv)
    if conv.floor is not None:
        if talk is not None:
            return taketurns.finish_floor(conv, talk, now)
        if control == "pause":
            return taketurns.pause(conv)
        if control == "resume":
            return taketurns.resume(conv)
        if control == "more_time":
            return taketurns.more_time(conv)
        if spoken or conv.paused:
            return taketurns.keep_floor(conv) if not conv.paused else taketurns.pause(conv)
        typed = now - conv.started_at if conv.started_at is not None else 0.0  # typed chat: time as a plain measure
        return taketurns.finish_floor(conv, typed, now)
    if talk is not None:
        return conv
    return taketurns.answer_offer(conv, consent.is_yes(intent == "affirm", confidence, text), now)


class ValidateTurns(FormValidationAction):
    """Moves the conversation on by one message; the form ends when it closes or stops."""

    def __init__(self, ctx: ActionContext) -> None:
        self.ctx = ctx

    def name(self) -> Text:
        """The validation action Rasa looks for."""
        return "validate_turns_form"

    def validate_turns_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        """Record the step and ask the next one."""
        if value is None:
            return {"turns_answer": None}
        conv: Optional[taketurns.TakeTurns] = taketurns.TakeTurns.from_slot(tracker.get_slot("turns_state"))
        if conv is None or conv.done:
            return {"turns_answer": "done"}
        if taketurns.control(taketurns.split_during(str(value))[1]) is None and care.is_disclosure(
                tracker.latest_message, in_answer=True):
            for line in care.care_reply(self.ctx.settings.care.helpline):
                dispatcher.utter_message(text=line)
            return {"turns_state": taketurns.stop(conv).to_slot(), "turns_answer": "done", **care_slots()}
        conv = next_step(conv, str(value), latest_intent(tracker), latest_confidence(tracker),
                         self.ctx.clock().timestamp())
        return {"turns_state": conv.to_slot(), "turns_answer": "done" if conv.done else None}


class CloseTurns(CompanionAction):
    """The warm close (or a short one after a stop); the talk times are kept, never compared aloud."""

    action_name = "action_close_turns"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        conv = taketurns.TakeTurns.from_slot(tracker.get_slot("turns_state"))
        if conv is not None and conv.records:
            taketurns.remember(self.ctx.state, conv)
        stopped = conv is None or conv.stage == "stopped"
        closing = guided.load().closing if conv is not None and conv.guided else taketurns.CLOSE
        if not (stopped and in_care(tracker)):  # after a disclosure the care reply was the last word
            dispatcher.utter_message(text=taketurns.STOPPED if stopped else closing)
        return [SlotSet("turns_state", None), SlotSet("turns_answer", None)]
