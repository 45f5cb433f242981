"""Check-in turn order: both partners, the same questions, equal turns, alternating who starts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, Optional, Sequence, Tuple

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
    other: str = ""  # the partner not asked, named where a question speaks of them


@dataclass(frozen=True)
class CheckinPlan:
    """Who goes first, which phrasing variant, and the answers so far."""

    kind: str
    order: Tuple[str, str]
    variant: int
    answers: Tuple[Dict[str, Any], ...] = ()
    hard: bool = False  # a hard answer or a low rating came: a soft closing
    said: Tuple[str, ...] = ()  # the acknowledgements said so far (none twice, and sparing)

    def to_slot(self) -> Dict[str, Any]:
        """Plain data to keep in a Rasa slot."""
        return {"kind": self.kind, "order": list(self.order), "variant": self.variant, "answers": list(self.answers),
                "hard": self.hard, "said": list(self.said)}

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
        said = data.get("said")
        said = tuple(str(s) for s in said) if isinstance(said, (list, tuple)) else ()
        return cls(data["kind"], (order[0], order[1]), variant if isinstance(variant, int) else 0, answers,
                   bool(data.get("hard")), said)

    def with_answer(self, turn: Turn, text: str, rating: Optional[str], hard: bool = False) -> "CheckinPlan":
        """A copy with one more answer recorded (and whether it was a hard one)."""
        answer = {"partner": turn.partner, "question": turn.question_id, "text": text, "rating": rating}
        return replace(self, answers=self.answers + (answer,), hard=self.hard or hard)

    def with_said(self, line: str) -> "CheckinPlan":
        """A copy that remembers an acknowledgement was said."""
        return replace(self, said=self.said + (line,))


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
    partner, other = plan.order[1 if is_second else 0], plan.order[0 if is_second else 1]
    phrasing = question.phrasings[plan.variant % len(question.phrasings)]
    return Turn(partner, question.id, phrasing, index, is_second, other)


def asked(turn: Turn) -> str:
    """The question's words as asked of this partner: the other partner by name where it speaks of them."""
    return turn.text.strip().replace(OTHER_PARTNER, turn.other or "each other")


OTHER_PARTNER = "{partner}"  # in a check-in phrasing: the other partner's name


def address(turn: Turn) -> str:
    """The question as spoken to its partner, by name."""
    text = asked(turn)
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
