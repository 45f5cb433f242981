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
# Words after "about" that name no subject of their own ("a question about us", "something about anything").
_NOT_A_SUBJECT = frozenset(
    "us each other anything something whatever anything else something else ourselves you it that this them "
    "the two of us both of us life love our relationship relationships tonight things stuff".split(" "))
_LEAD_WORDS = re.compile(r"^(?:the|our|my|your|a|an|some|how|what|why|when|whether|being|having|doing|to do with)\s+")
_TAIL_WORDS = re.compile(r"\s+(?:please|then|tonight|now|for us|for tonight|maybe|honestly|really|actually|i guess"
                         r"|i think|if you (?:have|can|could)"
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
    if any(topic in words for topic in TOPICS) or named_topic(subject):
        return None
    return subject


def named_topic(subject: str) -> Optional[str]:
    """The library topic a subject's own words name ("orgasms" -> pleasure), by the NLU's synonym table."""
    from assistant.dialogue.entity_values import canonical_value

    return canonical_value("topic", subject)


def off_library(subject: str) -> Optional[str]:
    """The nearest topic to a subject we know lies outside the library ("money" -> mutuality), else None."""
    return next((topic for pattern, topic in _OFF_LIBRARY_PATTERNS if pattern.search(subject)), None)


def not_in_library(subject: str, near: str) -> str:
    """The kind line for a subject we know lies outside the library: none on it; what we have; the nearest comes."""
    listed = ", ".join(TOPICS[:-1]) + " and " + TOPICS[-1]
    return (f"I don't have questions on {subject}, I'm sorry. I have ones on {listed}. "
            f"The nearest is probably {near}, so here's one on that.")


def not_sure(subject: str) -> str:
    """The line for a subject no topic of ours was found for, but not known to lie outside the library either."""
    return f"I'm not sure I have questions on {subject}. Here's one you might like."
