"""Check-in turn order: both partners, the same questions, equal turns, alternating who starts."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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


# Inside a check-in or a guided conversation what the partner asked says is their answer: "maybe stop rushing the
# end a little", "skip the phone in bed", "next time more kissing", "help with the shopping" and "say it again
# tomorrow" are answers, whatever the classifier thinks of them. Only a clearly directed command is not: a plain
# stop (assistant/dialogue/commands.py, also as a recogniser tends to mishear it), or an utterance that is nothing
# but one of the commands below once the wake word and polite words are peeled off both ends.
_CONTROL_PATTERNS: Dict[str, str] = {
    "stop": r"stop asking(?: questions| me| us)?|(?:let's |we can |can we )?(?:end|finish|stop|leave it)(?: (?:this|it|that"
            r"|the check ?in|the questions))?(?: (?:here|there|now|for tonight|for today))?",
    "skip": r"(?:(?:can|could|may) (?:i|we) |i'd like to |let me |i'll |i will |i think i'll |i'd rather |we'll )?"
            r"(?:pass|skip)(?: (?:on )?(?:this|that|it|me)(?: one| question)?| (?:the|this|that) question| for now"
            r"| on (?:this|that)(?: one)?)?"
            r"|next(?: question| one)?|(?:i'd )?rather not (?:answer|say)(?: (?:that|this|it)(?: one)?)?|no comment"
            r"|(?:can we |let's )?move on(?: to the next (?:one|question))?|not this one|i'll sit this one out"
            r"|(?:i'm )?not (?:answering|doing) (?:that|this)(?: one| question)?|i(?: won't|'d rather not) answer (?:that|this)"
            r"(?: one| question)?|(?:i'll )?leave (?:that|this) one|(?:i'd like to |can i |let me |i'll )?sit (?:this|that) one out",
    "help": r"(?:(?:can|could|would) you )?help(?: me| us)?(?: out)?(?: here| with (?:this|that)(?: one| question)?)?"
            r"|i need (?:some )?help (?:with|answering) (?:this|that)(?: one| question)?"
            r"|(?:what|how) (?:do|should|can|could|must|would) (?:i|we) (?:say|answer|put it)(?: here| now| to (?:this|that))?"
            r"|(?:what|how) (?:am i|are we) (?:supposed|meant|expected) to (?:say|answer|do)(?: here| now| to (?:this|that))?"
            r"(?: (?:this|that|it))?|how does (?:this|it|that|the check ?-?in)(?: bit| part| one)? work"
            r"|i (?:don't|do not) (?:understand|get)(?: it| (?:the|this|that) question)?|what do you mean|what does that mean"
            r"|i'm (?:lost|confused)|what are (?:my|our|the) options|what (?:do|would) you (?:want|like) (?:me|us) to say"
            r"|what (?:kind|sort|type) of (?:answer|thing|things)(?: do you want| are you after| should i say| do i say)?"
            r"|(?:i'm |i am )?not sure (?:what|how) to (?:say|answer)(?: (?:this|that|it|here|to (?:this|that)))?"
            r"|i (?:don't|do not) know (?:what|how) to (?:say|answer) (?:here|to (?:this|that))",
    "repeat": r"(?:(?:can|could|would|will) you (?:please )?)?(?:say (?:that|it|the question) again|repeat(?: that| it| the"
              r" question)?|ask (?:that|it|me|us)(?: again| one more time)|read (?:that|it) again"
              r"|(?:run|go|read) (?:that|it|the question)(?: (?:by|past|over|through|for)(?: (?:me|us))?)? (?:again|once more"
              r"|one more time)|go over (?:that|it|the question) again|give (?:me|us) (?:that|the question) again)"
              r"|again|pardon(?: me)?|come again|sorry"
              r"|what|huh|what was (?:that|the question)(?: again)?|what's the question|what did you (?:say|ask)"
              r"|(?:i )?(?:didn't|did not|couldn't) (?:catch|hear)(?: that| it| the question| you)?|one more time",
}
ANSWER_CONTROLS: Dict[str, Pattern[str]] = {name: re.compile(f"^(?:{pattern})$") for name, pattern in
                                            _CONTROL_PATTERNS.items()}
# Quiet as a thing wished for ("what would help tomorrow?" - "peace and quiet"), not a hush.
_ANSWER_NOT_STOP = frozenset({"peace and quiet", "some quiet", "a bit of quiet", "some peace and quiet"})
# A command said in a few clauses ("stop please, i'm done", "huh? repeat"): every other clause is one of these.
_CLAUSES = re.compile(r"\s*(?:[,.;:!?]+|\s-\s)\s*")
_FILLER_CLAUSE = re.compile(
    r"^(?:i'm done|we're done|i'm finished|we're finished|thanks|thank you|(?:we're|i'm) (?:going|off|heading) to "
    r"(?:sleep|bed)|good ?night|that's all|huh|eh|hmm+|um+|sorry|please|okay|ok|companion|i missed that"
    r"|i didn't get that)$")


def _control_of(text: str) -> Optional[str]:
    """The command one clause is, or None."""
    from assistant.dialogue.commands import heard_stop, peeled

    if heard_stop(text):
        return "stop"
    words = peeled(text)
    return next((name for name, pattern in ANSWER_CONTROLS.items() if pattern.match(words)), None)


def answer_control(text: str) -> Optional[str]:
    """A directed command said instead of an answer (stop, skip, help, repeat), or None: the words are the answer.
    Last, an utterance of nothing but talk about the talk names its command (assistant/meta_command.py)."""
    from assistant.dialogue.commands import normalise, peeled, with_apostrophes
    from assistant.meta_command import meta_control

    if normalise(text) in _ANSWER_NOT_STOP:
        return None
    whole = _control_of(text)
    if whole is not None:
        return whole
    clauses = [c for c in _CLAUSES.split(text) if normalise(c)]
    found = [_control_of(c) for c in clauses]
    named = {f for f in found if f}
    if len(clauses) >= 2 and len(named) == 1 and all(f or _FILLER_CLAUSE.match(peeled(c)) for f, c in zip(found, clauses)):
        return named.pop()
    return meta_control(with_apostrophes(normalise(text)))
