"""The care path: a disclosure gets a calm reply and the rest of the evening is gentle, with nothing offered."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant import care
from assistant.dialogue.actions.base import CompanionAction, EventList


def care_slots() -> Dict[Text, Any]:
    """The care path's mark on the evening: gentle for the rest of it, and nothing offered."""
    return {"gentle_tonight": True, "care_tonight": True, "offer": None}


def say_care(action: CompanionAction, dispatcher: CollectingDispatcher) -> EventList:
    """The calm reply and the helpline line; the evening turns gentle."""
    for line in care.care_reply(action.ctx.settings.care.helpline):
        dispatcher.utter_message(text=line)
    return [SlotSet(name, value) for name, value in care_slots().items()]


def in_care(tracker: Tracker) -> bool:
    """Whether someone disclosed distress earlier this evening (then nothing is offered)."""
    return bool(tracker.get_slot("care_tonight"))


class Care(CompanionAction):
    """`disclose_distress`: the calm reply, an offer to pause, the helpline line; gentle for the evening."""

    action_name = "action_care"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        return say_care(self, dispatcher)
