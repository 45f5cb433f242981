"""Consent before a bolder prompt: each partner, asked by name, says yes aloud; anything else keeps it gentle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

from assistant import turns
from assistant.store import StateStore

STATE_KEY = "consent"
# Said to the dialogue when the answer window closes with nobody speaking (typed chat: an empty line).
SILENCE = "(no answer)"
YES_WORDS = frozenset("yes yeah yep yup sure okay ok absolutely definitely alright".split())
NO_WORDS = frozenset("no nope nah not don't rather pass".split())
AFFIRM_CONFIDENCE = 0.5
OPENING = "A bolder one needs a yes from each of you, out loud."
GRANTED = "Thank you both. Here's a bolder one."
GENTLE = "Here's a gentle one instead."
HELD_GENTLE = "We're keeping it gentle tonight. Here's a gentle one."
KEEP_GENTLE = "Of course. Only gentle questions for the rest of tonight."
GENTLE_ON_TOPIC = "Of course, gentle ones only tonight. Here's one."


@dataclass(frozen=True)
class ConsentAsk:
    """Who is asked first and second, how many said yes, and how it ended (granted, gentle or stopped)."""

    order: Tuple[str, str]
    yes: int = 0
    outcome: Optional[str] = None

    def to_slot(self) -> Dict[str, Any]:
        """Plain data to keep in a Rasa slot."""
        return {"order": list(self.order), "yes": self.yes, "outcome": self.outcome}

    @classmethod
    def from_slot(cls, data: Any) -> Optional["ConsentAsk"]:
        """The ask kept in a slot, or None if there is none."""
        if not isinstance(data, dict):
            return None
        order, yes, outcome = data.get("order"), data.get("yes"), data.get("outcome")
        if not isinstance(order, (list, tuple)) or len(order) != 2 or not all(isinstance(p, str) for p in order):
            return None
        yes = yes if isinstance(yes, int) and not isinstance(yes, bool) and 0 <= yes <= 2 else 0
        return cls((order[0], order[1]), yes, outcome if outcome in ("granted", "gentle", "stopped") else None)

    @property
    def asking(self) -> Optional[str]:
        """The partner whose answer is awaited (None once it has ended)."""
        return self.order[self.yes] if self.outcome is None and self.yes < 2 else None

    def answered(self, said_yes: bool) -> "ConsentAsk":
        """After one answer: the next partner is asked, both said yes (granted), or it stays gentle."""
        if not said_yes:
            return ConsentAsk(self.order, self.yes, "gentle")
        yes = self.yes + 1
        return ConsentAsk(self.order, yes, "granted" if yes == 2 else None)

    def stopped(self) -> "ConsentAsk":
        """Ended by a plain stop: no prompt at all."""
        return ConsentAsk(self.order, self.yes, "stopped")


def start(store: StateStore, partners: Sequence[str]) -> ConsentAsk:
    """A new ask; who is asked first alternates from one bolder request to the next (persisted)."""
    order, _ = turns.alternate(store, STATE_KEY, partners)
    return ConsentAsk(order)


def question(ask: ConsentAsk) -> str:
    """The question to the partner being asked, by name."""
    name = ask.asking or ask.order[0]
    return f"{name}, are you up for a bolder one?" if ask.yes == 0 else f"And {name}, are you up for it too?"


def is_yes(affirmed: bool, confidence: float, text: str) -> bool:
    """Only a clear yes counts: a no word, silence, or anything unclear is not a yes (`affirmed`: the NLU read
    it as a yes, with `confidence`)."""
    from assistant.dialogue.commands import normalise

    words = set(normalise(text).split())
    if not words or words & NO_WORDS:
        return False
    return bool(words & YES_WORDS) or (affirmed and confidence >= AFFIRM_CONFIDENCE)
