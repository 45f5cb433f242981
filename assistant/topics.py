"""Honest about topics: a subject the library has no starters on is named as missing, with the nearest one offered."""

from __future__ import annotations

import re
from typing import Optional

from assistant.content import TOPICS

# Subjects a request names that are no topic of ours but lead to one: the nearest we have, said as such.
_NEAREST = (
    (r"money|financ|budget|bills|spending|chores|housework|cleaning|cooking|dishes|laundry|fair|balance|equal|division"
     r"|career|job|work", "mutuality"),
    (r"kid|child|baby|babies|parent|pregnan|fertility|family|in-?laws|mother|father|mum|mom|dad|friends|holiday"
     r"|vacation|moving|house|future|plans|religion|faith|politic|pets?\b|trust|jealous|cheat|affair|ex\b|exes"
     r"|argu|fight|conflict|row\b|rows\b|stress|anger|boundar|secrets|honest|phone|screen|social media", "communication"),
    (r"health|illness|ill\b|sick|pain|ageing|aging|menopause|pregnan|weight|fitness|sleep|tired|disabil|medic"
     r"|contracept|periods?\b|hormon", "body"),
    (r"fantas|kink|toys?\b|porn|role ?play|positions?|orgasm|foreplay|oral\b|massage", "pleasure"),
    (r"romance|romantic|date night|dates\b|dating|gifts?|birthday|anniversar|compliment|gratitude|thanks", "appreciation"),
    (r"libido|sex drive|spontan|passion|attraction|lust|frequency|how often", "desire"),
    (r"who starts|making the first move|rejection|turning down|saying no", "initiation"),
    (r"control|decid|decision|dominan|submiss|consent|lead\b|in charge", "power"),
)
_NEAREST_PATTERNS = tuple((re.compile(pattern), topic) for pattern, topic in _NEAREST)
DEFAULT_NEAREST = "communication"
# Words after "about" that name no subject of their own ("a question about us", "something about anything").
_NOT_A_SUBJECT = frozenset(
    "us each other anything something whatever anything else something else ourselves you it that this them "
    "the two of us both of us life love our relationship relationships tonight things stuff".split(" "))
_LEAD_WORDS = re.compile(r"^(?:the|our|my|your|a|an|some|how|what|why|when|whether|being|having|doing|to do with)\s+")
_TAIL_WORDS = re.compile(r"\s+(?:please|then|tonight|now|for us|for tonight|maybe|if you (?:have|can|could)"
                         r"|(?:if|that) you've got one|again)$")
MAX_SUBJECT_WORDS = 4
_SUBJECT = re.compile(r"(?<!')\b(?:about|on|around|regarding|concerning|re)\s+(?P<rest>.+)$")


def missing_subject(text: str) -> Optional[str]:
    """The subject a request names ("a question about money" -> "money") when it is none of our topics' names."""
    match = _SUBJECT.search(" ".join(re.sub(r"[^\w' -]+", " ", text.lower()).split()))
    if match is None:
        return None
    subject = match.group("rest")
    for _ in range(3):
        subject = _TAIL_WORDS.sub("", _LEAD_WORDS.sub("", subject))
    words = subject.split()
    if not words or subject in _NOT_A_SUBJECT or len(words) > MAX_SUBJECT_WORDS:
        return None
    if any(topic in words for topic in TOPICS):
        return None
    return subject


def nearest(subject: str) -> str:
    """The library topic nearest to a missing subject."""
    for pattern, topic in _NEAREST_PATTERNS:
        if pattern.search(subject):
            return topic
    return DEFAULT_NEAREST


def not_in_library(subject: str, near: str) -> str:
    """The kind line: we have no starters on this; what we have; the nearest is coming."""
    listed = ", ".join(TOPICS[:-1]) + " and " + TOPICS[-1]
    return (f"I don't have questions on {subject}, I'm sorry. I have ones on {listed}. "
            f"The nearest is probably {near}, so here's one on that.")
