"""Stop, repeat, and answers to the companion's own offers (yes, no, a choice)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant import care
from assistant.dialogue.actions.base import CompanionAction, EventList, last_bot_turn, latest_entity
from assistant.dialogue.actions.care import in_care
from assistant.dialogue.actions.checkin import ASK_KIND, begin_checkin, requested_kind
from assistant.dialogue.actions.prompts import serve_prompt


BEDTIME_OFFER = "It's getting late. Would you like your bedtime check-in? Just say yes or no."
BEDTIME_DECLINED = "Okay. Sleep well, both of you."


class OfferBedtime(CompanionAction):
    """The opt-in bedtime offer, sent by the audio loop at the set hour: one soft line, yes or no."""

    action_name = "action_offer_bedtime"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        if in_care(tracker):
            return []  # nothing offered after a disclosure
        dispatcher.utter_message(text=BEDTIME_OFFER)
        return [SlotSet("offer", "bedtime")]


# Everything the companion does, in two short spoken breaths.
HELP = ("I can give you a conversation starter on a topic, a bolder one if you both say yes, or keep it gentle, "
        "and play your saved favourites.",
        "I also run bedtime and after-intimacy check-ins, time take-turns talks, guide a mutuality conversation, and "
        "keep a private journal if you switch it on. Say stop any time.")


class Help(CompanionAction):
    """`help` and "what can you do?": everything, in two short breaths."""

    action_name = "action_help"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        for line in HELP:
            dispatcher.utter_message(text=line)
        return []


class Stop(CompanionAction):
    """`stop`: end whatever is going on, at once."""

    action_name = "action_stop"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        dispatcher.utter_message(text="Okay, stopping.")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("checkin_answer", None),
            SlotSet("checkin_state", None),
            SlotSet("offer", None),
        ]


class Repeat(CompanionAction):
    """`repeat`: say the previous turn again, word for word."""

    action_name = "action_repeat"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        said = last_bot_turn(tracker)
        if not said:
            dispatcher.utter_message(text=care.QUIET if in_care(tracker) else
                                     "I haven't said anything yet. Ask me for a conversation starter or a check-in.")
        for text in said:
            dispatcher.utter_message(text=text)
        return []


class Affirm(CompanionAction):
    """`affirm`: yes to whatever was offered."""

    action_name = "action_affirm"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        offer = tracker.get_slot("offer")
        if offer == "another":
            return serve_prompt(self, dispatcher, tracker, tracker.get_slot("topic"))
        if offer == "bedtime":
            return begin_checkin(self.ctx, dispatcher, "bedtime")
        if offer == "checkin_type":
            kind = requested_kind(tracker)
            if kind:
                return begin_checkin(self.ctx, dispatcher, kind)
            dispatcher.utter_message(text=ASK_KIND)
            return []
        dispatcher.utter_message(text=care.QUIET if in_care(tracker) else
                                 "Okay. I'm here when you want a question or a check-in.")
        return []


class Deny(CompanionAction):
    """`deny`: no thanks, and the companion steps back."""

    action_name = "action_deny"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        offer = tracker.get_slot("offer")
        if offer == "another":
            text = "Okay. Take your time with that one."
        elif offer == "checkin_type":
            text = "No problem. Just ask whenever you'd like one."
        elif offer == "bedtime":
            text = BEDTIME_DECLINED
        else:
            text = "Okay."
        dispatcher.utter_message(text=text)
        return [SlotSet("offer", None)]


class Inform(CompanionAction):
    """`inform` outside a check-in: a choice we asked for, a topic, their talk after a starter, or a feeling to
    acknowledge."""

    action_name = "action_inform"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        kind = requested_kind(tracker)
        if kind:
            return begin_checkin(self.ctx, dispatcher, kind)
        topic = latest_entity(tracker, "topic")
        if topic:
            return serve_prompt(self, dispatcher, tracker, topic)
        if tracker.get_slot("offer") == "checkin_type":
            dispatcher.utter_message(text="Bedtime, or after intimacy?")
            return []
        if tracker.get_slot("offer") == "another":  # words after a starter are their talk about it, as couple_talk
            dispatcher.utter_message(response="utter_couple_talk")
            return []
        dispatcher.utter_message(text=care.QUIET if in_care(tracker) else
                                 "Thank you for telling me. Would you like a conversation starter, or a check-in?")
        return [SlotSet("offer", None)]
