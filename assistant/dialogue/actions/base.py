"""The thin base every companion action shares: a context and a few tracker helpers."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.dialogue.actions.context import ActionContext

EventList = List[Dict[Text, Any]]


class CompanionAction(Action):
    """A Rasa action built with the shared context; subclasses set `action_name`."""

    action_name = ""

    def __init__(self, ctx: ActionContext) -> None:
        self.ctx = ctx

    def name(self) -> Text:
        """The action's name in the domain."""
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> EventList:
        """Rasa's entry point; delegates to `act`."""
        return self.act(dispatcher, tracker)

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        """The action's work."""
        raise NotImplementedError


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    """The value of an entity in the latest user message only."""
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return str(values[0]) if values and values[0] is not None else None


def latest_intent(tracker: Tracker) -> str:
    """The intent of the latest user message."""
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_confidence(tracker: Tracker) -> float:
    """The intent confidence of the latest user message."""
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def last_bot_turn(tracker: Tracker) -> List[str]:
    """What the companion said in its previous turn, in order."""
    events = tracker.events
    said: List[str] = []
    seen_user = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            seen_user += 1
            if seen_user == 2:
                break
        elif kind == "bot" and seen_user == 1 and event.get("text"):
            said.append(event["text"])
    return list(reversed(said))
