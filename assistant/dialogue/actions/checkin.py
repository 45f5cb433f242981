"""Check-ins as a Rasa form: start, ask each partner in turn, record answers, close warmly."""

from __future__ import annotations

import sys
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from assistant import care, ratings, turns
from assistant.dialogue.actions.base import CompanionAction, EventList, latest_entity
from assistant.dialogue.actions.care import care_slots
from assistant.dialogue.actions.context import ActionContext
from assistant.dialogue.commands import normalise
from assistant.dialogue.entity_values import read_rating
from assistant.errors import StorageError
from assistant.meta_command import answer_control, classified_control

FORM = "checkin_form"
KINDS = ("bedtime", "after_intimacy")
ASK_KIND = "Would you like the bedtime check-in, or the one for after intimacy?"
PASSED = "(passed)"
STOPPED = "Okay, we'll stop there. Thank you both."


def begin_checkin(ctx: ActionContext, dispatcher: CollectingDispatcher, kind: str) -> EventList:
    """Open a check-in of `kind`, decide who goes first, and hand over to the form."""
    try:
        plan = turns.start(ctx.state, kind, ctx.partners)
    except StorageError as err:  # the order can't be saved: still check in, say so once
        print(f"companion: {err}", file=sys.stderr, flush=True)
        dispatcher.utter_message(text=err.spoken)
        first, count = turns.order_state(ctx.state.read())
        plan = turns.CheckinPlan(kind, (ctx.partners[first], ctx.partners[1 - first]), count)
    script = ctx.checkins[kind]
    dispatcher.utter_message(text=turns.pick(script.openings, plan.variant))
    return [
        SlotSet("checkin", kind),
        SlotSet("checkin_state", plan.to_slot()),
        SlotSet("checkin_answer", None),
        SlotSet("offer", None),
        FollowupAction(FORM),
    ]


def requested_kind(tracker: Tracker) -> Optional[str]:
    """The check-in type named in the latest message, if it is one we have."""
    kind = latest_entity(tracker, "checkin")
    return kind if kind in KINDS else None


class StartCheckin(CompanionAction):
    """`start_checkin`: the named type, bedtime at night, or ask which."""

    action_name = "action_start_checkin"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        kind = requested_kind(tracker) or ("bedtime" if self.ctx.is_night() else None)
        if kind:
            return begin_checkin(self.ctx, dispatcher, kind)
        dispatcher.utter_message(text=ASK_KIND)
        return [SlotSet("offer", "checkin_type")]


class AskCheckinAnswer(CompanionAction):
    """The form's question: the next partner, by name, the same question as the other."""

    action_name = "action_ask_checkin_answer"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        plan = turns.CheckinPlan.from_slot(tracker.get_slot("checkin_state"))
        if plan is None:
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        turn = turns.next_turn(plan, self.ctx.checkins[plan.kind].questions)
        if turn is not None:
            dispatcher.utter_message(text=turns.address(turn))
        return []


class ValidateCheckin(FormValidationAction):
    """Records each answer; the form keeps asking until both partners answered every question."""

    def __init__(self, ctx: ActionContext) -> None:
        self.ctx = ctx

    def name(self) -> Text:
        """The validation action Rasa looks for."""
        return "validate_checkin_form"

    def validate_checkin_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        """Keep the answer (or a pass), then ask the next turn; `repeat` asks the same turn again."""
        if value is None:  # the slot was only cleared (a check-in starting), nobody has answered yet
            return {"checkin_answer": None}
        plan = turns.CheckinPlan.from_slot(tracker.get_slot("checkin_state"))
        if plan is None:
            return {"checkin_answer": "done"}
        questions = self.ctx.checkins[plan.kind].questions
        turn = turns.next_turn(plan, questions)
        if turn is None:
            return {"checkin_answer": "done"}
        text = str(value or "").strip()
        control = answer_control(text) or classified_control(tracker.latest_message or {}, text)
        if control == "stop":
            return {"checkin_state": {**plan.to_slot(), "stopped": True}, "requested_slot": None}
        if control is None and care.is_disclosure(tracker.latest_message, in_answer=True,
                                                  intimate=plan.kind == "after_intimacy", asked=turn.question_id):
            for line in care.care_reply(self.ctx.settings.care.helpline):  # nothing of it is journaled
                dispatcher.utter_message(text=line)
            return {"checkin_state": {**plan.to_slot(), "stopped": True, "care": True}, "requested_slot": None,
                    **care_slots()}
        if control == "help":
            dispatcher.utter_message(response="utter_help_checkin")
        if control in ("repeat", "help"):
            return {"checkin_answer": None}
        question = next((q for q in questions if q.id == turn.question_id), None)
        rating = answer_rating(tracker, text) if control != "skip" and question is not None and question.score else None
        text = PASSED if control == "skip" else text
        heavy = control != "skip" and care.is_heavy(text, rating)
        plan = plan.with_answer(turn, text, rating, heavy)
        self.keep(dispatcher, plan.kind, turn, text, rating)
        done = turns.next_turn(plan, questions) is None
        ack = None if done else care.acknowledgement(heavy, plan.said, plan.variant, len(plan.answers))
        if ack:
            dispatcher.utter_message(text=ack)
            plan = plan.with_said(ack)
        return {"checkin_state": plan.to_slot(), "checkin_answer": "done" if done else None}

    def keep(self, dispatcher: CollectingDispatcher, kind: str, turn: turns.Turn, text: str,
             rating: Optional[str]) -> None:
        """Journal one answer with the question as it was asked; say once if the journal stopped."""
        if self.ctx.journal is None:
            return
        try:
            note = self.ctx.journal.record(kind, turn.partner, turn.question_id, text, rating,
                                          question=turns.asked(turn), turn=turn.index)
            if note:  # the journal was switched on or off meanwhile, or is busy: said once
                dispatcher.utter_message(text=note)
        except StorageError as err:  # keep the check-in going; say once that the journal stopped
            print(f"companion: {err}", file=sys.stderr, flush=True)
            dispatcher.utter_message(text=err.spoken)
            self.ctx.journal = None


def answer_rating(tracker: Tracker, text: str) -> Optional[str]:
    """The rating in an answer to a question that asks for one: a number ("four-ish", "4/5"), else closeness in
    words ("pretty close", "miles apart")."""
    rating, unclear = read_rating(normalise(text))
    if unclear:  # numbers far apart, none said as the rating: none rather than a wrong one
        return ratings.word_rating(text)
    return rating or latest_entity(tracker, "rating") or ratings.word_rating(text)


class CloseCheckin(CompanionAction):
    """After the last answer: thank both, warmly, with no scoring."""

    action_name = "action_close_checkin"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> EventList:
        data = tracker.get_slot("checkin_state") or {}
        plan = turns.CheckinPlan.from_slot(data)
        if data.get("care"):
            pass  # the care reply was the last word
        elif plan is None or data.get("stopped"):
            dispatcher.utter_message(text=STOPPED)
        else:
            script = self.ctx.checkins[plan.kind]
            closings = script.hard_closings if plan.hard and script.hard_closings else script.closings
            dispatcher.utter_message(text=turns.pick(closings, plan.variant))
        return [SlotSet("checkin_answer", None), SlotSet("checkin_state", None), SlotSet("checkin", None)]
