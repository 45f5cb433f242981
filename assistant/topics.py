"""Honest about topics: a subject the library has no starters on is named as missing, with the nearest one offered."""

from __future__ import annotations

import re
from typing import Optional

from assistant.content import TOPICS

# Subjects outside the library that a request may name, and the nearest topic we have, said as such.
_OFF_LIBRARY = (
    (r"money|financ|budget|bills|debt|loan|mortgage|saving|spending|chores|housework|cleaning|cooking|dishes"
     r"|washing up|laundry|career|jobs?\b|work\b|shifts?", "mutuality"),
    (r"kid|child|baby|babies|parent|pregnan|fertility|family|in-?laws|mother|father|mum|mom|dad|friends|holiday"
     r"|vacation|travel|christmas|wedding|moving|house|future|plans|religion|faith|politic|pets?\b|dogs?\b|cats?\b"
     r"|trust|jealous|cheat|infidel|affair|\bexe?s?\b|argu|fight|conflict|\brows?\b|stress|anger|secrets|phones?"
     r"|screens?|social media|sport|football|tv\b|telly|films?|movies?|music|food|diet", "communication"),
    (r"health|illness|\bill\b|sick|pain|ageing|aging|menopause|weight|fitness|exercise|gym|sleep|tired|disabil"
     r"|medic|contracept|periods?\b|hormon", "body"),
)
_OFF_LIBRARY_PATTERNS = tuple((re.compile(pattern), topic) for pattern, topic in _OFF_LIBRARY)
DEFAULT_NEAREST = "communication"
# Words after "about" that name no subject of their own ("a question about us", "something about anything").
_NOT_A_SUBJECT = frozenset(
    "us each other anything something whatever anything else something else ourselves you it that this them "
    "the two of us both of us life love our relationship relationships tonight things stuff".split(" "))
_LEAD_WORDS = re.compile(r"^(?:the|our|my|your|a|an|some|how|what|why|when|whether|being|having|doing|to do with)\s+")
_TAIL_WORDS = re.compile(r"\s+(?:please|then|tonight|now|for us|for tonight|maybe|if you (?:have|can|could)"
                         r"|(?:if|that) you've got one|again)$")
MAX_SUBJECT_WORDS = 6
_SUBJECT = re.compile(r"(?<!')\b(?:about|on|around|regarding|concerning|re|discuss|discussing)\s+(?P<rest>.+)$")


_CLAUSE_START = frozenset("we i you they it us each what how why when whether".split())


def missing_subject(text: str) -> Optional[str]:
    """The subject a request names ("a question about money" -> "money") when it is none of our topics' names."""
    match = _SUBJECT.search(" ".join(re.sub(r"[^\w' -]+", " ", text.lower()).split()))
    if match is None:
        return None
    subject = match.group("rest")
    for _ in range(3):
        subject = _TAIL_WORDS.sub("", _LEAD_WORDS.sub("", subject))
    words = subject.split()
    if not words or subject in _NOT_A_SUBJECT or len(words) > MAX_SUBJECT_WORDS or words[0] in _CLAUSE_START:
        return None
    if any(topic in words for topic in TOPICS):
        return None
    return subject


def off_library(subject: str) -> Optional[str]:
    """The nearest topic to a subject we know lies outside the library ("money" -> mutuality), else None."""
    return next((topic for pattern, topic in _OFF_LIBRARY_PATTERNS if pattern.search(subject)), None)


def nearest(subject: str) -> str:
    """The library topic nearest to a missing subject."""
    return off_library(subject) or DEFAULT_NEAREST


def not_in_library(subject: str, near: str) -> str:
    """The kind line: we have no starters on this; what we have; the nearest is coming."""
    listed = ", ".join(TOPICS[:-1]) + " and " + TOPICS[-1]
    return (f"I don't have questions on {subject}, I'm sorry. I have ones on {listed}. "
            f"The nearest is probably {near}, so here's one on that.")
