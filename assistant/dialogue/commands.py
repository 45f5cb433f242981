"""Wording rules for commands: what a plain "stop" looks like, and the words a state-changing intent needs."""

from __future__ import annotations

import re
from typing import Dict, Pattern

from assistant.dialogue.entity_values import canonical_value

_LEAD = re.compile(
    r"^(?:(?:hey|hi|okay|ok|oh) companion|companion|okay|ok|alright|all right|right|oh|um+|uh+|er+|hmm+|so|well|"
    r"yeah|no|sorry|actually|just|please|hey|guys|wait|look|honestly|hold on|hang on|whoa|woah|oi|ugh)\s+"
)
_TAIL = re.compile(
    r"\s+(?:please|thanks|thank you|now|for now|for tonight|tonight|right now|there|companion|then|already|"
    r"okay|ok|all|everything|thing|anyway|for a bit|(?:for )?a (?:sec|second|minute|moment|mo)"
    r")$"
)
_CORE = re.compile(
    r"^(?:(?:can|could|would|will) (?:you|we) (?:please )?(?:just )?|let's (?:just )?|(?:i|we) (?:want|need|'d like|"
    r"would like) to |i think we'd like to |(?:please )?)?"
    r"(?:stop(?: it| that| this| talking| speaking| the check ?in| the questions| there| here| now)*"
    r"|(?:stop|cancel|end|quit|finish)(?: the| this| our)?(?: [a-z']+){0,3} check ?-?ins?"
    r"|stop stop(?: stop)*|(?:that's|that is|ok that's|okay that's) enough(?: of that| questions| for tonight)?"
    r"|enough(?: of that| now| already| questions)?|cancel(?: it| that| this| the check ?in)?"
    r"|(?:be )?quiet|hush|shh+|shush|silence|never ?mind(?: that| it| then| forget it)?|forget it|forget about it"
    r"|end(?: it| this| the check ?in)|quit(?: it)?|that's all(?: for now)?|that'll do|that will do|enough is enough)$"
)

_NEVER_MIND = re.compile(r"^(?:never ?mind|forget it)\b")  # "never mind let's not"; not "i never mind that"


def normalise(text: str) -> str:
    """Lower case, words only (apostrophes kept), single spaces."""
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def is_stop_command(text: str) -> bool:
    """Whether `text` is plainly a stop: "stop", "okay stop", "that's enough", "cancel", "never mind", "please be quiet"."""
    words = normalise(text)
    for _ in range(4):  # peel polite words and wake words off both ends
        peeled = _TAIL.sub("", _LEAD.sub("", words))
        if peeled == words:
            break
        words = peeled
    if _CORE.match(words):
        return True
    return bool(_NEVER_MIND.match(words)) and len(words.split()) <= 5


# A state-changing intent is only believed when the sentence says so in words of its own kind.
DIRECTED_CUES: Dict[str, Pattern[str]] = {
    intent: re.compile(pattern)
    for intent, pattern in {
        "stop": r"\bstop|enough|cancel|quiet|\bhush|\bshh|shush|silen|never ?mind|forget (it|about it)|\bend\b(?! of)|\bquit"
                r"|that's all|\bhalt\b|\bpause\b|finish",
        "retire_prompt": r"\bagain\b|\bnever\b.*\b(ask|use|hear|show|bring|want|say|give|that one|this one|that question)"
                         r"|\b(any ?more|no more)\b|remove|delete|retire|\bdrop|\bban\b|forever|for good|get rid"
                         r"|take (it|that|this)\b.*\bout|\bbin\b|scrap|throw|stop asking|(don't|do not) ask"
                         r"|hate (that|this) (one|question)|off the list|permanently|in (the )?future|from now on"
                         r"|(don't|do not) (use|bring|show|give|pick)|\berase|\bwipe|\bstrike|\bditch",
        "save_prompt": r"\bsave|\bkeep\b|favou?rite|bookmark|\bmark\b|\bstore\b|\bstar\b|hold on to|hang on to|\badd\b"
                       r"|for later|\bpin\b|put (that|this|it)( one| question)? (aside|away)|remember (this|that|it)( one| question| starter| prompt| for us| for later)*$"
                       r"|remember (this|that) (one|question|starter|prompt)",
        "start_checkin": r"check ?-?in|checkin",
    }.items()
}


def is_directed(intent: str, text: str) -> bool:
    """Whether `text` has the wording `intent` needs (intents without a rule always pass).

    A check-in may also be asked for by its kind alone ("the after sex one").
    """
    cue = DIRECTED_CUES.get(intent)
    words = normalise(text)
    if cue is None or cue.search(words):
        return True
    return intent == "start_checkin" and canonical_value("checkin", words) is not None
