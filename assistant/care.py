"""The care path and an answer's tone: a calm reply to a disclosure, a soft word after a hard answer."""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Sequence, Tuple

from assistant.care_cues import has_answer_cue, has_consent_cue, has_distress_cue, is_ordinary
from assistant.heard_words import made_up_words

DISCLOSURE = "disclose_distress"
# Inside an answer (a check-in, a consent ask, a guided turn) the classifier alone must be fairly sure: answers use the
# words disclosures do ("help", "stop", "never wanted") far more often than they are disclosures (bench/care.py,
# bench/answers.py); a cue is sure by itself. Care comes first: no word of the answer is required besides.
ANSWER_CONFIDENCE = 0.65
# ... and the second opinion from whole words (assistant/dialogue/care_opinion.py) must not be against it: character
# n-grams give ordinary answers a disclosure's look ("he passed his driving test!"); no opinion counts as agreeing.
# Chosen on out-of-fold scores of the training data (bench/care_cv.py; no dev set), once the opinion stopped reading
# "i", "i'm" and other function words alone: on the disclosures and ordinary answers that were there before, 0.6
# took 0.664 of disclosures and 0.017 of answers, 0.5 took 0.714 and 0.027 (the old opinion at 0.6: 0.732 / 0.048);
# on all of today's training data 0.55 takes 0.691 and 0.033, 0.5 0.705 and 0.037 (the dev set blind18 leaned to 0.55
# too: three ordinary answers sat at 0.505-0.513).
OPINION_FLOOR = 0.55
# Anywhere, a disclosure the classifier alone found gives way when the word opinion is clearly against it: asks of the
# companion ("do you have anything in french?") caught a disclosure's look from character n-grams (bench/care.py: the
# addressed disclosures it finds score 0.46 and up, the asks it wrongly took 0.2-0.33).
OPINION_AGAINST = 0.35
# A spoken answer the recogniser half heard, holding a word it made up ("a hug before i leave" heard "a hernt before
# i leave"), rests on a guess: the classifier alone must be surer of a disclosure in it. The made-up word flips it
# (that reading 0.65, "asserned before i leave" 0.78, and 0.86 once nlu/care_train8.yml was trained in: a bar this
# near the classifier's drift is a stopgap; parsing the reading without its made-up words would be the lasting fix).
# Care first: of the dev sets' check-in answers that are disclosures the classifier alone finds (care_own_heldout,
# care10_fresh, care9_heldout, blind24: 69), 64 are 0.9 or more, and the two disclosures there that hold a word no
# dictionary has ("passcode", said to the companion; "stepdad", with a cue) do not rest on this bar.
HALF_HEARD_CONFIDENCE = 0.9
# The calm reply: no judgement, no side, none of their words repeated, an offer to pause; then the helpline line.
CARE_REPLY = ("Thank you for telling me. I'm glad you said it, and it matters. We can pause here for as long as you "
              "need, or stop for tonight; whatever feels right.")
# After a disclosure the companion offers nothing (no starter, no menu, no bolder question) for the rest of the
# evening; what it says instead of a menu.
QUIET = "I'm here. Take all the time you need."
NO_STARTER_TONIGHT = "Let's leave the questions for another evening. I'm here, and there's no rush."


def care_reply(helpline: str) -> Tuple[str, ...]:
    """The care path's reply: the calm line, then the one line naming support outside."""
    return (CARE_REPLY, helpline)


def doubted(message: Dict[str, Any]) -> bool:
    """Whether a disclosure the classifier alone found is doubtful: an ordinary ask or everyday worry, or words the
    second opinion is clearly against."""
    opinion = message.get("care_opinion")
    return is_ordinary(str(message.get("text") or "")) or (opinion is not None and float(opinion) < OPINION_AGAINST)


def is_disclosure(message: Dict[str, Any], in_answer: bool = False, intimate: bool = False,
                  asked: Optional[str] = None) -> bool:
    """Whether a parsed message tells the companion of distress: a cue in its words (`intimate`: said after
    intimacy, where "i didn't want to" is one; `asked`: the id of the check-in question it answers), else the
    classifier (inside an answer, a sure one, surer when a word of it was made up by the recogniser)."""
    text = str(message.get("text") or "")
    if has_distress_cue(text) or has_consent_cue(text, intimate) or has_answer_cue(text, asked):
        return True
    intent = message.get("intent") or {}
    if intent.get("name") != DISCLOSURE:
        return False
    if doubted(message):
        return False
    if not in_answer:
        return True
    opinion = message.get("care_opinion")
    needed = HALF_HEARD_CONFIDENCE if made_up_words(text) else ANSWER_CONFIDENCE
    sure = float(intent.get("confidence") or 0.0) >= needed
    return sure and (opinion is None or float(opinion) >= OPINION_FLOOR)


# Words of a hard answer: a soft acknowledgement follows it, and the closing is a quiet one.
_HEAVY = re.compile(
    r"\b(?:lonely|alone|on my own|sad|sadder|low|down|tired|exhausted|drained|worn out|hard|rough|tough|awful|"
    r"terrible|horrible|rubbish|crap|stressed|stressful|anxious|worried|distant|disconnected|apart|upset|hurt|"
    r"ignored|overwhelmed|grumpy|flat|meh|miserable|cried|crying|tears|heavy|struggl\w*|lost|empty|numb|"
    r"frustrated|angry|annoyed|sore|disappointed|left out|unheard|unseen|invisible)\b"
    r"|\bnot (?:great|good|much|really|the best|close|connected|so good|very good|brilliant|amazing)\b"
    r"|\bcould (?:have been|be) better\b|\bbit of a (?:mess|struggle)\b|\bfar away\b|\bmiles away\b")
# "Not really" or "not much" is a hard day only on its own: said with being fine ("not much, we're all good") it is
# the plain no to "anything you need?", and a soft line after it would be out of place.
_PLAIN_NO = re.compile(r"^not (?:really|much)$")
_FINE = re.compile(r"\b(?:(?:i'm|i am|we're|we are|i feel|feeling|i'm feeling) (?:(?!not |never )\w+ )?(?:good|fine|okay|ok|alright|all right"
                   r"|sorted|set|great)|(?<!not )all (?:good|fine|sorted)|(?<!not )doing (?:fine|good|okay|ok|alright))\b")
_NEGATED = re.compile(r"\b(?:not|never|wasn't|isn't|didn't|don't|no|nothing|hardly)\s+(?:\w+\s+)?$")
LOW_RATING = 2


def is_heavy(text: str, rating: Optional[str]) -> bool:
    """Whether an answer is a hard one: a low rating, or words of a hard day not negated ("not lonely at all")."""
    if rating is not None and rating.isdigit() and int(rating) <= LOW_RATING:
        return True
    words = " ".join(text.lower().split())
    fine = _FINE.search(words) is not None
    for match in _HEAVY.finditer(words):
        if fine and _PLAIN_NO.match(match.group()):
            continue
        if match.group().startswith(("not ", "could ")) or not _NEGATED.search(words[:match.start()]):
            return True
    return False


SOFT_LINES = (
    "Thank you for being honest about that.",
    "I hear you. Thank you for putting it into words.",
    "Thank you for sharing that; it's welcome here.",
    "That sounds like a lot. Thank you for saying it.",
)


def acknowledgement(heavy: bool, said: Sequence[str], variant: int, answered: int) -> Optional[str]:
    """The word after an answer, or None: a soft line after a hard answer (never the same twice in one check-in);
    nothing after an ordinary one, so it never becomes a tic."""
    if not heavy:
        return None
    fresh = [line for line in SOFT_LINES if line not in said]
    return fresh[(variant + answered) % len(fresh)] if fresh else None
