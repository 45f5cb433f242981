"""Is this for us? Which follow-ups a turn invites, whether words in a window are addressed, whether a
partial transcript is already a whole turn. Plain Python over the NLU reading; the only place outside Rasa's
own files that knows intent names, so the audio loop never does.

The room mostly holds two people talking to each other. Without the wake phrase the companion acts only on
what its last turn invited, said briefly and confidently; everything else is "not for me": no reply, no change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Pattern

from assistant.care import DISCLOSURE
from assistant.dialogue.commands import is_directed, is_stop_command
from assistant.messages import CLOSED, ListenMode, Parse, Window
from assistant.settings import ListenSettings
from assistant.topics import theme_statement

CHECKIN_FORM = "checkin_form"
CONSENT_FORM = "consent_form"
TURNS_FORM = "turns_form"
NOT_ADDRESSED = frozenset({"couple_talk", "nlu_fallback"})
# Intents that change something (a prompt retired or saved, an activity started or ended): inside a window
# without the wake phrase they need clearly directed, confident wording.
STATE_CHANGING = frozenset({"stop", "retire_prompt", "save_prompt", "start_checkin", "request_prompt", "skip",
                            "play_favourite", "take_turns", "start_mutuality"})
FOLLOWUP_MAX_WORDS = 7  # "could you say that again please" — longer is talk between the two of them
CONFIDENCE = {"state": 0.8, "other": 0.7, "addressed": 0.5}

# What each kind of turn invites next (intents the followup window accepts).
# Without the wake phrase the companion takes only commands, never the little words two people say to each
# other all the time: "yes", "no", "okay", "thank you", "goodnight", "help me" are theirs. A "no" needs no reply
# anyway: silence closes the window, which is what "no thanks" asks for.
AFTER_STARTER = frozenset({"skip", "repeat", "save_prompt", "retire_prompt", "stop", "request_prompt",
                           "play_favourite", "take_turns"})
AFTER_KIND_QUESTION = frozenset({"inform", "start_checkin", "stop", "repeat"})
AFTER_BEDTIME_OFFER = frozenset({"affirm", "deny", "start_checkin", "stop", "repeat"})  # the offer asked yes or no
AFTER_OFFER = frozenset({"request_prompt", "start_checkin", "inform", "stop", "repeat", "play_favourite", "take_turns",
                         "start_mutuality"})
# An answer to "which one?" counts only when it names one (a check-in kind or a topic); free talk does not.
NEEDS_ENTITY = {"inform": ("checkin", "topic")}
# Words a follow-up of each kind is said with, when it is meant for the companion and not for the partner.
CUES: Dict[str, Pattern[str]] = {
    # "pass" as in "can you pass my glasses" is a request to the partner, not a skip
    "skip": re.compile(r"\b(next|another|different|skip|pass(?! (?:me|my|the|your|us|some|a|an|it over)\b)|else|new one"
                       r"|other one|change|move on)\b"),
    "repeat": re.compile(r"\b(again|repeat|pardon|come again|one more time|what was (that|the question)|say that"
                         r"|(didn't|did not|couldn't) (catch|hear))\b"),
    "request_prompt": re.compile(r"\b(question|starter|prompt|topic|another|one (about|on)|ask us|give us"
                                 r"|something (else|different|about|on)|something to (talk|chat) about)\b"),
    "play_favourite": re.compile(r"\b(favou?rites?|saved|we liked|we loved|our list)\b"),
    "take_turns": re.compile(r"\b(turns?|talk (about|through) (this|that|it)|help us (talk|discuss))\b"),
}
# Words that place a state change elsewhere in time, or put it as a suggestion between the two of them ("can we
# try something different next time", "we should save this for the weekend", "maybe we could do it tomorrow"):
# without the wake phrase that is their plan, not a request for now.
TALK_MARKERS = re.compile(
    r"\b(next|last|every) (time|week|weekend|month|year|night)\b|\bsome ?(time|day)\b|\bone day\b|\btomorrow\b"
    r"|\byesterday\b|\b(another|some other) (time|day|night)\b|\b(at|on|this|for the) weekend\b"
    r"|\bin the mornings?\b|\bwhen (we|you|i)\b|\balways\b"
    r"|\busually\b|^(maybe |i think |i guess )?(we|you) (should|could|might|ought)\b|\bmaybe (we|you)\b"
)
TIMELESS_INTENTS = frozenset({"stop", "retire_prompt"})  # "never ask that again", "stop, we'll do it tomorrow"
# An answer to "which one?" names a kind; a statement about themselves ("i think we're pretty equal actually",
# "i'd say the same thing honestly") is talk, even when the sentence is about a topic.
STATEMENT = re.compile(r"\b(i|we|you|it|that|they)('re|'m|'ve| am| are| was| were| feel| felt)\b|\bi'd say\b"
                       r"|\bwhen (we|you|i)\b|\b(it|that)'s (not|so|really|just|kind|a bit|true|fair)\b")

# Early endpoint: intents that are a whole turn by themselves, per listening mode, and the entity some need
# first ("give us a conversation starter" may still be followed by "about desire"; in an open answer "yes"
# usually begins a longer reply). Tuned with bench/endpointing.py on turns with a pause inside.
EARLY_INTENTS: Dict[str, Dict[str, Optional[str]]] = {
    "command": {"skip": None, "repeat": None, "stop": None, "help": None, "save_prompt": None,
                "retire_prompt": None, "affirm": None, "deny": None, "goodbye": None,
                "request_prompt": "topic", "start_checkin": "checkin", "play_favourite": None, "take_turns": None,
                "start_mutuality": None},
    "open": {"skip": None, "stop": None, "inform": "rating"},
}
EARLY_MAX_WORDS = {"affirm": 2, "deny": 2, "inform": 3}  # longer ones are more often a pause mid-sentence
EARLY_MAX_WORDS_DEFAULT = 8
DANGLING_WORDS = frozenset("a an the our my your their his her its to about of for with and or but so because if "
                           "when um uh er like".split())


@dataclass(frozen=True)
class Judgement:
    """Whether words heard in a window are for the companion, and why (for logs and tests)."""

    for_me: bool
    reason: str
    parse: Optional[Parse] = None


def window_after(listen: ListenSettings, parse: Parse, active_loop: Optional[str], offer: Optional[str],
                 over: bool, addressee: Optional[str], turns_state: Any = None, rating: bool = False) -> Window:
    """The listening window the turn just taken opens (`rating`: the check-in question asks for one to five)."""
    if active_loop == TURNS_FORM:
        return turns_window(listen, turns_state)
    if active_loop == CHECKIN_FORM:
        return Window("answer", listen.answer_window_s, "open", addressee, expects="rating" if rating else None)
    if active_loop == CONSENT_FORM:  # a yes or no from the partner asked; silence counts as no
        from assistant.consent import SILENCE

        seconds = listen.followup_window_s or listen.addressed_window_s
        return Window("answer", seconds, "command", addressee, on_silence=SILENCE, expects="yes_no")
    # after the care reply nothing is offered, so nothing is listened for while the two of them talk
    if over or listen.followup_window_s <= 0 or parse.intent == DISCLOSURE:
        return CLOSED
    if offer == "another":
        invites = AFTER_STARTER
    elif offer == "checkin_type":
        invites = AFTER_KIND_QUESTION
    elif offer == "bedtime":
        invites = AFTER_BEDTIME_OFFER
    elif parse.intent == "save_prompt":
        invites = AFTER_STARTER - {"save_prompt"}
    else:
        invites = AFTER_OFFER
    return Window("followup", listen.followup_window_s, "command", None, invites,
                  expects="yes_no" if offer == "bedtime" else None)


def turns_window(listen: ListenSettings, turns_state: Any) -> Window:
    """In a take-turns conversation: a floor (voice activity only), a held floor, or a yes/no to an offer."""
    from assistant import taketurns
    from assistant.consent import SILENCE

    conv = taketurns.TakeTurns.from_slot(turns_state)
    if conv is None or conv.done:
        return CLOSED
    floor = conv.floor
    if floor is not None and conv.paused:
        return Window("paused", 0.0, "command", floor.partner)
    if floor is not None and conv.continuing:
        return Window("floor", conv.extension, "command", floor.partner, extends=True)
    if floor is not None:
        return Window("floor", floor.seconds, "command", floor.partner, cue=taketurns.cue(floor.partner),
                      cue_s=taketurns.cue_seconds(floor.seconds))
    seconds = listen.followup_window_s or listen.addressed_window_s
    return Window("answer", seconds, "command", conv.offered_more if conv.stage == "more_offer" else None,
                  on_silence=SILENCE)


def addressed_window(listen: ListenSettings) -> Window:
    """The window after the wake phrase said on its own ("hey companion" ... "next one")."""
    return Window("addressed", listen.addressed_window_s, "command")


def judge(parse: Parse, window: Window) -> Judgement:
    """Whether `parse` (words heard in `window`, without the wake phrase) is addressed to the companion."""
    words = parse.text.split()
    if window.kind == "none":
        return Judgement(False, "no window open", parse)
    if not words:
        return Judgement(False, "nothing said", parse)
    if window.kind == "answer":
        return Judgement(True, f"the answer of {window.addressee or 'the partner asked'}", parse)
    if parse.intent in NOT_ADDRESSED:
        return Judgement(False, f"{parse.intent} ({parse.confidence:.2f})", parse)
    if window.kind == "addressed":
        ok = parse.confidence >= CONFIDENCE["addressed"]
        return Judgement(ok, f"after the wake phrase: {parse.intent} ({parse.confidence:.2f})", parse)
    if parse.intent not in window.invites:
        return Judgement(False, f"{parse.intent} was not invited", parse)
    if len(words) > FOLLOWUP_MAX_WORDS:
        return Judgement(False, f"{len(words)} words: talk, not a follow-up", parse)
    unmet = _unmet_wording(parse)
    if unmet:
        return Judgement(False, unmet, parse)
    needed = CONFIDENCE["state"] if parse.intent in STATE_CHANGING else CONFIDENCE["other"]
    if parse.confidence < needed:
        return Judgement(False, f"{parse.intent} at {parse.confidence:.2f} < {needed}", parse)
    return Judgement(True, f"invited {parse.intent} ({parse.confidence:.2f})", parse)


def names_what_it_needs(parse: Parse) -> bool:
    """Whether a parse names the entity its intent needs to count in a window (an answer: a topic or kind)."""
    needed = NEEDS_ENTITY.get(parse.intent)
    return not needed or any(e.entity in needed for e in parse.entities)


def _unmet_wording(parse: Parse) -> Optional[str]:
    """Why a follow-up's words are not clearly for the companion (None when they are)."""
    text = parse.text.lower()
    if parse.intent == "stop" and not is_stop_command(text):
        return "not a plain stop (stop what? said to the partner)"
    needed = NEEDS_ENTITY.get(parse.intent)
    if needed and not names_what_it_needs(parse):
        return f"{parse.intent} without a {' or '.join(needed)}"
    if needed and STATEMENT.search(text):
        return f"{parse.intent} said as a statement, not an answer"
    if parse.intent in STATE_CHANGING - TIMELESS_INTENTS and TALK_MARKERS.search(text):
        return f"{parse.intent} placed at another time or put as a suggestion: their plan"
    if parse.intent == "request_prompt" and theme_statement(text):
        return "a statement about themselves (after the wake phrase a wish; here their talk)"
    cue = CUES.get(parse.intent)
    if cue is not None and not cue.search(text):
        return f"{parse.intent} without the words it is said with"
    if not is_directed(parse.intent, text):
        return f"{parse.intent} without directed wording"
    return None


def completes_turn(parse: Parse, mode: ListenMode, min_confidence: float) -> bool:
    """Whether a partial transcript already makes a whole turn (then the trailing silence need not run out)."""
    words = parse.text.split()
    if not words or words[-1] in DANGLING_WORDS or len(words) > EARLY_MAX_WORDS_DEFAULT:
        return False
    allowed = EARLY_INTENTS.get(mode, {})
    if parse.intent not in allowed or parse.confidence < min_confidence:
        return False
    if len(words) > EARLY_MAX_WORDS.get(parse.intent, EARLY_MAX_WORDS_DEFAULT):
        return False
    needed = allowed[parse.intent]
    return needed is None or any(e.entity == needed for e in parse.entities)

