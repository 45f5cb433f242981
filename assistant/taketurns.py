"""Take-turns conversations: the floor to one partner by name for a set time, then the same time for the other;
an optional mirroring round; a warm close. Plain data kept in a Rasa slot; who starts alternates (persisted)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Dict, Optional, Sequence, Tuple

from assistant import turns
from assistant.store import StateStore

STATE_KEY = "take_turns"
EXTRA_S = 60.0  # "more time" adds this much (at most one whole turn)
MIRROR_FACTOR = 0.5  # mirroring steps get half a turn
SHORTER_RATIO = 0.5  # a turn with less than half the other's talk gets a neutral offer of more time
MIN_TALK_FOR_NOTE_S = 10.0
CUE_S = 15.0  # the soft cue comes this long before the end of a floor (at most a quarter of it)
LENGTH_FACTORS = {"short": 0.5, "long": 2.0}
_SHORT = re.compile(r"\b(short|shorter|quick|brief)\b")
_LONG = re.compile(r"\b(long|longer)\b")
_REPORT = re.compile(r"^\(turn over after (\d+(?:\.\d+)?) s\)$")
# A control is the whole utterance, perhaps with a polite word or the wake word around it: "i'd like us to wait a
# moment before we kiss" or "keep going with the kissing" said as a turn or an answer is the turn, not a control.
_AROUND = (r"^(?:(?:hey |ok |okay )?companion |okay |ok |um |er |so |please |sorry |can we |could we |let's |we'd like to "
           r"|i'd like to |can i |could i )*(?:{})(?: please| now| then| companion| a (?:sec|second|moment|minute|bit)"
           r"| for a (?:sec|second|moment|minute|bit))*$")
CONTROLS: Dict[str, "re.Pattern[str]"] = {
    name: re.compile(_AROUND.format(pattern)) for name, pattern in {
        "pause": r"pause(?: it| that| this| the (?:turn|timer|clock))?|hold on|hang on|wait|one (?:sec|second|moment)"
                 r"|(?:wait|give us|give me) a (?:second|moment|minute|sec)|just a (?:sec|second|moment|minute)",
        "resume": r"go on|carry on|keep going|continue|resume|unpause|we're ready|i'm ready|ready now|ready"
                  r"|(?:let's )?go again|back to it",
        "more_time": r"(?:a (?:bit|little) )?more time|another minute|a (?:bit|little|minute) (?:more|longer)"
                     r"|extra time|longer|(?:can i have |i need )?(?:a )?(?:bit|little) longer",
    }.items()
}
PAUSED = "Paused. When you're ready, say hey companion, go on."
ONLY_CONTROLS = "During a turn I only listen for pause, go on, more time, or stop."
DURING = "(during a turn) "  # how the audio loop marks words said after the wake phrase while a floor is open
CLOSE = "Thank you both, for the talking and for the listening. I'll step back now."
STOPPED = "Okay, we'll stop there. Thank you both."


@dataclass(frozen=True)
class Floor:
    """One timed step: whose floor it is, what kind (turn, extra, mirror, confirm), for how long, and in a
    guided conversation which step and its question."""

    partner: str
    kind: str
    seconds: float
    step: Optional[str] = None
    question: Optional[str] = None


@dataclass(frozen=True)
class TalkRecord:
    """A finished floor and how long its partner spoke (voice activity, or typing time in chat)."""

    partner: str
    kind: str
    seconds: float
    talk_s: float
    step: Optional[str] = None


@dataclass(frozen=True)
class TakeTurns:
    """A take-turns conversation in progress."""

    order: Tuple[str, str]
    seconds: float
    queue: Tuple[Floor, ...]
    records: Tuple[TalkRecord, ...] = ()
    stage: str = "floor"  # floor | more_offer | mirror_offer | closed | stopped
    started_at: Optional[float] = None  # clock time the current floor began (typed chat's measure)
    paused: bool = False
    extended: float = 0.0  # seconds added to the current floor
    note: Optional[str] = None  # a line to say before the next step (pause, more time)
    extension: float = 0.0  # the last extension, for the window
    offered_more: Optional[str] = None
    guided: bool = False  # part of a guided conversation (its own closing)
    continuing: bool = False  # the current floor goes on (after "go on" or "more time"), rather than starting

    @property
    def floor(self) -> Optional[Floor]:
        """The floor now open (None between floors)."""
        return self.queue[0] if self.stage == "floor" and self.queue else None

    @property
    def done(self) -> bool:
        """Whether the conversation has ended."""
        return self.stage in ("closed", "stopped")

    def to_slot(self) -> Dict[str, Any]:
        """Plain data to keep in a Rasa slot."""
        return {"order": list(self.order), "seconds": self.seconds, "stage": self.stage,
                "queue": [[f.partner, f.kind, f.seconds, f.step, f.question] for f in self.queue],
                "records": [[r.partner, r.kind, r.seconds, r.talk_s, r.step] for r in self.records],
                "started_at": self.started_at, "paused": self.paused, "extended": self.extended, "note": self.note,
                "extension": self.extension, "offered_more": self.offered_more, "guided": self.guided,
                "continuing": self.continuing}

    @classmethod
    def from_slot(cls, data: Any) -> Optional["TakeTurns"]:
        """The conversation kept in a slot, or None if there is none or it is unreadable."""
        if not isinstance(data, dict):
            return None
        try:
            order = data["order"]
            return cls(order=(str(order[0]), str(order[1])), seconds=float(data["seconds"]),
                       queue=tuple(Floor(str(f[0]), str(f[1]), float(f[2]), *f[3:5]) for f in data.get("queue") or []),
                       records=tuple(TalkRecord(str(r[0]), str(r[1]), float(r[2]), float(r[3]), *r[4:5])
                                     for r in data.get("records") or []),
                       stage=str(data.get("stage") or "floor"), started_at=data.get("started_at"),
                       paused=bool(data.get("paused")), extended=float(data.get("extended") or 0.0),
                       note=data.get("note"), extension=float(data.get("extension") or 0.0),
                       offered_more=data.get("offered_more"), guided=bool(data.get("guided")),
                       continuing=bool(data.get("continuing")))
        except (KeyError, IndexError, TypeError, ValueError):
            return None


def turn_seconds(base: float, text: str) -> float:
    """The turn length asked for: "a short one" halves it, "a long one" doubles it."""
    words = text.lower()
    if _SHORT.search(words):
        return base * LENGTH_FACTORS["short"]
    if _LONG.search(words):
        return base * LENGTH_FACTORS["long"]
    return base


def start(store: StateStore, partners: Sequence[str], seconds: float, now: float) -> TakeTurns:
    """A new conversation; who speaks first alternates from one to the next (persisted)."""
    order, _ = turns.alternate(store, STATE_KEY, partners)
    queue = (Floor(order[0], "turn", seconds), Floor(order[1], "turn", seconds))
    return TakeTurns(order=order, seconds=seconds, queue=queue, started_at=now)


def control(text: str) -> Optional[str]:
    """A command inside a take-turns conversation: stop, pause, resume, more_time (None: a turn or an answer)."""
    from assistant.dialogue.commands import is_stop_command, normalise
    from assistant.meta_command import ends_the_talk

    if is_stop_command(text) or ends_the_talk(text):
        return "stop"
    words = normalise(text)
    for name, pattern in CONTROLS.items():
        if pattern.match(words):
            return name
    return None


def during_turn(text: str) -> str:
    """Words said after the wake phrase while a floor is open: only a control counts, never a turn's end."""
    return DURING + text


def split_during(text: str) -> Tuple[bool, str]:
    """Whether `text` was said by voice during a floor, and the words themselves."""
    if text.startswith(DURING.strip()):
        return True, text[len(DURING.strip()):].strip()
    return False, text


def keep_floor(conv: TakeTurns) -> TakeTurns:
    """Words that are no control, said during a floor by voice: the floor goes on, with one line saying so."""
    return replace(conv, note=ONLY_CONTROLS, extension=0.0, continuing=True)


def report(talk_s: float) -> str:
    """What the audio loop tells the dialogue when a floor's time is up: the talk it measured."""
    return f"(turn over after {max(0.0, talk_s):.1f} s)"


def reported_talk(text: str) -> Optional[float]:
    """The talk time in a floor report (None when `text` is not one)."""
    match = _REPORT.match(text.strip())
    return float(match.group(1)) if match else None


def pause(conv: TakeTurns) -> TakeTurns:
    """Hold the floor where it is."""
    return replace(conv, paused=True, note=PAUSED, extension=0.0, continuing=True)


def resume(conv: TakeTurns) -> TakeTurns:
    """Carry on with the rest of the floor."""
    floor = conv.floor
    return replace(conv, paused=False, note=f"Go on, {floor.partner}." if floor else None, extension=0.0,
                   continuing=True)


def more_time(conv: TakeTurns) -> TakeTurns:
    """A little longer for the partner who has the floor."""
    floor = conv.floor
    if floor is None:
        return conv
    extra = min(EXTRA_S, conv.seconds)
    return replace(conv, paused=False, extended=conv.extended + extra, extension=extra, continuing=True,
                   note=f"Of course. {duration_words(extra).capitalize()} more, {floor.partner}.")


def finish_floor(conv: TakeTurns, talk_s: float, now: Optional[float]) -> TakeTurns:
    """The floor is over: record its talk, move to the next step (the second turn gets the first's whole time)."""
    floor = conv.floor
    if floor is None:
        return conv
    granted = floor.seconds + conv.extended
    records = conv.records + (TalkRecord(floor.partner, floor.kind, granted, round(talk_s, 1), floor.step),)
    queue = conv.queue[1:]
    if floor.kind == "turn" and queue and queue[0].kind == "turn" and queue[0].step == floor.step:
        queue = (replace(queue[0], seconds=granted),) + queue[1:]
    conv = replace(conv, records=records, queue=queue, started_at=now, paused=False, extended=0.0, extension=0.0,
                   note=None, continuing=False)
    if queue:
        return conv
    if floor.kind in ("turn", "extra") and conv.offered_more is None:
        shorter = shorter_partner(records)
        if shorter is not None:
            return replace(conv, stage="more_offer", offered_more=shorter)
    if floor.kind in ("turn", "extra"):
        return replace(conv, stage="closed" if conv.guided else "mirror_offer")
    return replace(conv, stage="closed")


def shorter_partner(records: Sequence[TalkRecord]) -> Optional[str]:
    """The partner whose turn was much shorter than the other's, if one was."""
    talk: Dict[str, float] = {}
    for record in records:
        if record.kind in ("turn", "extra"):
            talk[record.partner] = talk.get(record.partner, 0.0) + record.talk_s
    if len(talk) != 2:
        return None
    (a, ta), (b, tb) = sorted(talk.items(), key=lambda kv: kv[1])
    return a if tb >= MIN_TALK_FOR_NOTE_S and ta < SHORTER_RATIO * tb else None


def answer_offer(conv: TakeTurns, yes: bool, now: Optional[float]) -> TakeTurns:
    """A yes or no (or silence) to "a little more time?" or to the mirroring round."""
    first, second = conv.order
    if conv.stage == "more_offer":
        if yes and conv.offered_more:
            extra = Floor(conv.offered_more, "extra", min(EXTRA_S, conv.seconds))
            return replace(conv, stage="floor", queue=(extra,), started_at=now, continuing=False)
        return replace(conv, stage="closed" if conv.guided else "mirror_offer")
    if conv.stage == "mirror_offer" and yes:
        step = conv.seconds * MIRROR_FACTOR
        queue = (Floor(second, "mirror", step), Floor(first, "confirm", step),
                 Floor(first, "mirror", step), Floor(second, "confirm", step))
        return replace(conv, stage="floor", queue=queue, started_at=now, continuing=False)
    return replace(conv, stage="closed")


def stop(conv: TakeTurns) -> TakeTurns:
    """Ended at once."""
    return replace(conv, stage="stopped", queue=(), note=None)


def duration_words(seconds: float) -> str:
    """A length as spoken: "two minutes", "a minute and a half", "forty seconds"."""
    whole = int(round(seconds))
    names = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 10: "ten", 15: "fifteen",
             20: "twenty", 30: "thirty", 40: "forty", 45: "forty-five"}
    if whole == 60:
        return "one minute"
    if whole == 90:
        return "a minute and a half"
    if whole % 60 == 0:
        minutes = whole // 60
        return f"{names.get(minutes, str(minutes))} minutes"
    return f"{names.get(whole, str(whole))} seconds"


def other(conv: TakeTurns, partner: str) -> str:
    """The partner who is not `partner`."""
    return conv.order[1] if partner == conv.order[0] else conv.order[0]


def line(conv: TakeTurns) -> str:
    """What the companion says to open the current step, addressed by name."""
    floor = conv.floor
    if floor is not None and floor.question:
        return guided_line(conv, floor, floor.question)
    if floor is not None:
        listener = other(conv, floor.partner)
        time = duration_words(floor.seconds)
        if floor.kind == "turn" and not conv.records:
            return f"Let's take turns, {time} each. {floor.partner}, the floor is yours. {listener}, just listen for now."
        if floor.kind == "turn":
            return f"Thank you, {listener}. {floor.partner}, now the same {time} for you. {listener}, over to listening."
        if floor.kind == "extra":
            return f"Take {time} more, {floor.partner}, if you'd like."
        if floor.kind == "mirror":
            return f"{floor.partner}, would you like to say back what you heard from {listener}?"
        return f"{floor.partner}, did that catch it? Is there more?"
    if conv.stage == "more_offer":
        return f"{conv.offered_more}, would you like a little more time?"
    if conv.stage == "mirror_offer":
        return "Thank you both. Would you like a mirroring round, each saying back what you heard?"
    return STOPPED if conv.stage == "stopped" else CLOSE


def guided_line(conv: TakeTurns, floor: Floor, question: str) -> str:
    """A guided step's question to one partner, by name; the second partner hears the same question."""
    text = question[0].lower() + question[1:] if question[:1].isupper() and not question.startswith("I ") else question
    time = duration_words(floor.seconds)
    if any(r.step == floor.step for r in conv.records):
        return f"Thank you. And {floor.partner}, {time} for the same: {text}"
    if conv.records:  # a new step: the partner who just spoke is thanked too, by name
        return f"Thank you, {conv.records[-1].partner}. {floor.partner}, {time} for you: {text}"
    return f"{floor.partner}, {time} for you: {text}"


def cue(partner: str) -> str:
    """The soft cue near the end of a floor."""
    return f"Nearly time, {partner}."


def cue_seconds(floor_seconds: float) -> float:
    """How long before the end the soft cue comes."""
    return min(CUE_S, floor_seconds / 4)


def remember(store: StateStore, conv: TakeTurns) -> None:
    """Keep the last conversation's talk times (per floor, no judgement) next to the turn order."""

    def put(state: Dict[str, Any]) -> None:
        turns.order_state(state, STATE_KEY)
        state[STATE_KEY]["last"] = [{"partner": r.partner, "kind": r.kind, "seconds": r.seconds, "talk_s": r.talk_s,
                                     "step": r.step} for r in conv.records]

    store.update(put)

