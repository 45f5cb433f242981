"""Check-in turn order: both partners, the same questions, equal turns, alternating who starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Pattern, Sequence, Tuple

from assistant.store import StateStore

STATE_KEY = "checkin"


@dataclass(frozen=True)
class Turn:
    """One question put to one partner."""

    partner: str
    question_id: str
    text: str
    index: int
    is_second: bool


@dataclass(frozen=True)
class CheckinPlan:
    """Who goes first, which phrasing variant, and the answers so far."""

    kind: str
    order: Tuple[str, str]
    variant: int
    answers: Tuple[Dict[str, Any], ...] = ()

    def to_slot(self) -> Dict[str, Any]:
        """Plain data to keep in a Rasa slot."""
        return {"kind": self.kind, "order": list(self.order), "variant": self.variant, "answers": list(self.answers)}

    @classmethod
    def from_slot(cls, data: Optional[Dict[str, Any]]) -> Optional["CheckinPlan"]:
        """The plan kept in a slot, or None if there is none."""
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return None
        order = data.get("order")
        if not isinstance(order, (list, tuple)) or len(order) != 2 or not all(isinstance(p, str) for p in order):
            return None
        variant = data.get("variant")
        answers = data.get("answers")
        answers = tuple(a for a in answers if isinstance(a, dict)) if isinstance(answers, (list, tuple)) else ()
        return cls(data["kind"], (order[0], order[1]), variant if isinstance(variant, int) else 0, answers)

    def with_answer(self, turn: Turn, text: str, rating: Optional[str]) -> "CheckinPlan":
        """A copy with one more answer recorded."""
        answer = {"partner": turn.partner, "question": turn.question_id, "text": text, "rating": rating}
        return CheckinPlan(self.kind, self.order, self.variant, self.answers + (answer,))


def start(store: StateStore, kind: str, partners: Sequence[str]) -> CheckinPlan:
    """Begin a check-in: the partner who went second last time goes first now (persisted)."""
    order, count = alternate(store, STATE_KEY, partners)
    return CheckinPlan(kind, order, count)


def alternate(store: StateStore, key: str, partners: Sequence[str]) -> Tuple[Tuple[str, str], int]:
    """(who first, who second) for the next activity kept under `key`, and how many came before; flips it (persisted)."""

    def flip(state: Dict[str, Any]) -> Tuple[int, int]:
        first, count = order_state(state, key)
        state[key] = {**state.get(key, {}), "next_first": 1 - first, "count": count + 1}
        return first, count

    first, count = store.update(flip)
    return (partners[first], partners[1 - first]), count


def order_state(state: Dict[str, Any], key: str = STATE_KEY) -> Tuple[int, int]:
    """(who goes first, activities so far) from state, repairing a malformed section `key` in place."""
    entry = state.get(key)
    if not isinstance(entry, dict):
        entry = state[key] = {}
    first, count = entry.get("next_first"), entry.get("count")
    first = first if first in (0, 1) and not isinstance(first, bool) else 0
    count = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else 0
    entry.update(next_first=first, count=count)
    return first, count


def total_turns(question_count: int) -> int:
    """Every question goes to both partners."""
    return 2 * question_count


def next_turn(plan: CheckinPlan, questions: Sequence[Any]) -> Optional[Turn]:
    """The next question and who it is for, or None when everyone has answered everything."""
    index = len(plan.answers)
    if index >= total_turns(len(questions)):
        return None
    question = questions[index // 2]
    is_second = index % 2 == 1
    partner = plan.order[1 if is_second else 0]
    phrasing = question.phrasings[plan.variant % len(question.phrasings)]
    return Turn(partner, question.id, phrasing, index, is_second)


def address(turn: Turn) -> str:
    """The question as spoken to its partner, by name."""
    text = turn.text.strip()
    if text[:1].isupper() and not text.startswith(("I ", "I'")):
        text = text[0].lower() + text[1:]
    lead = f"And {turn.partner}" if turn.is_second else turn.partner
    return f"{lead}, {text}"


def turns_per_partner(answers: Sequence[Dict[str, Any]]) -> Dict[str, int]:
    """How many answers each partner has given."""
    counts: Dict[str, int] = {}
    for answer in answers:
        counts[answer["partner"]] = counts.get(answer["partner"], 0) + 1
    return counts


def pick(options: Sequence[str], variant: int) -> str:
    """A phrasing chosen by the check-in counter, so consecutive nights differ."""
    return options[variant % len(options)]


CONTROL_CONFIDENCE = 0.8
CONTROL_WORDS = {
    "stop": {"stop", "enough", "quit", "cancel", "end"},
}
# Inside a check-in every answer is free speech, and a misheard answer often looks like a confident command
# ("how patient you were with my mum" heard as "others should do with what mom" -> help at 0.83): the
# companion then read out help, asked again, and every later answer went to the question before. So help,
# repeat and skip must be said with their own words; confidence alone never takes an answer away.
CONTROL_CUES: Dict[str, Pattern[str]] = {
    "repeat": re.compile(r"\b(again|repeat|pardon|come again|what was (that|the question)|say that"
                         r"|(didn't|did not|couldn't) (catch|hear))\b"),
    # "help" alone or nearly ("help", "um help me please"): answers say it too ("help with the shopping", "you
    # helped me", and "that you held me on the sofa" heard as "they you help me on the sofa")
    "help": re.compile(r"^(\w+ )?help( me| us)?( please)?$|\bhow does (this|it) work\b"
                       r"|\bwhat (do|should|can) (i|we) say\b|\bi don't (understand|get it)\b"),
    "skip": re.compile(r"\b(skip|pass|next)\b"),
}


def control_in_checkin(intent: str, confidence: float, text: str) -> Optional[str]:
    """Whether words said during a check-in are a command (stop, repeat, help, skip) or an answer.

    A plain stop ("stop", "okay stop", "that's enough", "cancel", "never mind") always stops, whatever the
    classifier says. Other answers are free speech: a stop must be confident or say its own keyword ("some quiet
    time" and "i never mind that" are answers even if the classifier leans towards `stop`), and help, repeat
    and skip need their own words whatever the confidence.
    """
    from assistant.dialogue.commands import is_stop_command

    if is_stop_command(text):
        return "stop"
    cue = CONTROL_CUES.get(intent)
    if cue is not None:
        return intent if cue.search(text.lower()) else None
    keywords = CONTROL_WORDS.get(intent)
    if keywords is None:
        return None
    said = set(text.lower().split())
    if confidence >= CONTROL_CONFIDENCE or said & keywords:
        return intent
    return None
