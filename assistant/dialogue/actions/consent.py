"""Bolder prompts behind both partners' yes, as a Rasa form; "keep it gentle tonight" for the session."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from assistant import care, consent
from assistant.dialogue.actions.base import CompanionAction, EventList, latest_confidence, latest_entity, latest_intent
from assistant.dialogue.actions.context import ActionContext
from assistant.dialogue.actions.care import care_slots, in_care
from assistant.dialogue.actions.prompts import no_starter_tonight, serve_prompt
from assistant.dialogue.commands import is_stop_command

FORM = "consent_form"


class OfferBold(CompanionAction):
    """`request_bold`: ask each partner by name, unless the couple asked to keep it gentle tonight."""

    action_name = "action_offer_bold"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        if in_care(tracker):
            return no_starter_tonight(dispatcher)
        if tracker.get_slot("gentle_tonight"):
            dispatcher.utter_message(text=consent.HELD_GENTLE)
            return serve_prompt(self, dispatcher, tracker, tracker.get_slot("topic"))
        ask = consent.start(self.ctx.state, self.ctx.partners)
        dispatcher.utter_message(text=consent.OPENING)
        return [SlotSet("consent_state", ask.to_slot()), SlotSet("consent_answer", None), SlotSet("offer", None),
                FollowupAction(FORM)]


class AskConsentAnswer(CompanionAction):
    """The form's question: the next partner, by name."""

    action_name = "action_ask_consent_answer"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        ask = consent.ConsentAsk.from_slot(tracker.get_slot("consent_state"))
        if ask is None or ask.asking is None:
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(text=consent.question(ask))
        return []


class ValidateConsent(FormValidationAction):
    """One answer at a time: a clear yes asks the next partner; anything else ends the ask, with no reason asked."""

    def __init__(self, ctx: ActionContext) -> None:
        self.ctx = ctx

    def name(self) -> Text:
        """The validation action Rasa looks for."""
        return "validate_consent_form"

    def validate_consent_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        """Keep the answer; the form ends after a no, a silence, or the second yes."""
        if value is None:
            return {"consent_answer": None}
        ask = consent.ConsentAsk.from_slot(tracker.get_slot("consent_state"))
        if ask is None or ask.asking is None:
            return {"consent_answer": "done"}
        text = str(value)
        if not is_stop_command(text) and care.is_disclosure(tracker.latest_message, in_answer=True):
            for line in care.care_reply(self.ctx.settings.care.helpline):
                dispatcher.utter_message(text=line)
            return {"consent_state": ask.stopped().to_slot(), "consent_answer": "done", **care_slots()}
        if is_stop_command(text):
            ask = ask.stopped()
        else:
            ask = ask.answered(consent.is_yes(latest_intent(tracker) == "affirm", latest_confidence(tracker), text))
        return {"consent_state": ask.to_slot(), "consent_answer": None if ask.asking else "done"}


class CloseConsent(CompanionAction):
    """After the answers: a bolder prompt for two yeses, otherwise a gentle one; nothing after a stop."""

    action_name = "action_close_consent"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        ask = consent.ConsentAsk.from_slot(tracker.get_slot("consent_state"))
        done: EventList = [SlotSet("consent_state", None), SlotSet("consent_answer", None)]
        if ask is None or ask.outcome == "stopped":
            if not in_care(tracker):  # after a disclosure the care reply was the last word
                dispatcher.utter_message(text="Okay, stopping.")
            return done + [SlotSet("offer", None)]
        if ask.outcome == "granted":
            dispatcher.utter_message(text=consent.GRANTED)
            return done + serve_bold(self, dispatcher, tracker)
        dispatcher.utter_message(text=consent.GENTLE)
        return done + serve_prompt(self, dispatcher, tracker, tracker.get_slot("topic"))


def serve_bold(action: CompanionAction, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
    """A bold prompt on the current topic, or on any topic when that one has none."""
    topic = tracker.get_slot("topic")
    if topic and any(p.level == "bold" for p in action.ctx.library.for_topic(topic)):
        return serve_prompt(action, dispatcher, tracker, topic, level="bold")
    return serve_prompt(action, dispatcher, tracker, None, level="bold")


class KeepGentle(CompanionAction):
    """`keep_gentle`: no bolder prompts, and no asking, for the rest of this session; said with a topic ("something
    soft on touch"), a gentle starter on it as well."""

    action_name = "action_keep_gentle"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        topic = latest_entity(tracker, "topic")
        if topic is None or in_care(tracker):
            dispatcher.utter_message(text=consent.KEEP_GENTLE)
            return [SlotSet("gentle_tonight", True)]
        dispatcher.utter_message(text=consent.GENTLE_ON_TOPIC)
        return [SlotSet("gentle_tonight", True), *serve_prompt(self, dispatcher, tracker, topic)]
