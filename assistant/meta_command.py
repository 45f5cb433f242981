"""A command about the check-in itself, told from an answer by its words: nothing in it but talk about the talk.

"sorry i wasn't listening, what was it", "skip me this time", "how should i answer that" hold only words about the
question, the speaking and the asking (pronouns, auxiliaries, polite words, say/ask/answer/repeat, question, again)
and one word that names a command. An answer always brings a word of its own ("stop at the bakery on sunday",
"enough sleep for once", "help getting the spare room sorted"), so a command word inside an answer stays the answer.
"""

from __future__ import annotations

import re
from typing import Optional

# Words that talk about the talk. "time" only in "this time" / "one more time" (said as phrases below), so "next time"
# stays an answer.
_META = frozenset("""
a again all am an and answer answering any are as ask asked asking at be bit but by can can't catch caught could did
didn't do don't done down for from get give go going got have hear heard help here how i i'd i'll i'm i've if in is
isn't it it's just kind know let let's listen listening lost me mean meant meh missed more my need no not now of oh
ok okay on once one options or out over part pass pardon please question questions quite rather really repeat right
run said say saying see should skip skipping so sorry sort start stop stopping supposed sure tell than thanks that
that's the then there this to understand up us wait want was wasn't we we're were what what's when which why will
with won't would wouldn't yeah yes you your companion check-in checkin check in um uh er hmm huh eh well actually
again come next end ending finish finished quit cancel enough moment second sec mind asking expected expecting leave
""".split())
_PHRASES = re.compile(r"\b(?:this time|one more time|next one|next question|the check ?-?in)\b")
# The command each word names, strongest first: a stop ends at once whatever else is said.
_KINDS = (
    ("stop", re.compile(r"\b(?:stop|stopping|quit|cancel|enough|end|ending|finish)\b")),
    ("skip", re.compile(r"\b(?:pass|skip|skipping|next)\b|\brather not\b|\b(?:don't|do not) want to answer\b"
                        r"|\bnot answering\b|\bwon't answer\b")),
    ("help", re.compile(r"\bhelp\b|\bhow (?:should|do|can|would) (?:i|we) answer\b|\bwhat do you want\b"
                        r"|\bwhat (?:do|does|did) (?:you|that|it|this|the question) mean\b|\b(?:meant|supposed|expected) to\b"
                        r"|\boptions\b|\b(?:don't|do not) understand\b|\bconfused\b|\bi'm lost\b"
                        r"|\bwhat(?:'s| is| are) (?:this|it|the question|this question|that question|you) asking\b|\bwhat kind of (?:answer|thing)\b")),
    ("repeat", re.compile(r"\bagain\b|\brepeat\b|\bonce more\b|\bone more time\b|\bpardon\b|\bmissed\b"
                          r"|\b(?:didn't|couldn't|can't|did not|could not|wasn't|not) (?:\w+ )?(?:hear|catch|listening)\b"
                          r"|\bwhat was (?:it|that)\b|\bcome again\b")),
)
MAX_WORDS = 10
SHORT = 3
_SPEECH = re.compile(r"\b(?:say|said|ask|asked|repeat|question|hear|heard|catch|caught|missed|listening|pardon|what was|come"
                     r" again|tell|read|run)\b")
# "i don't want to stop", "no need to repeat it": a command said not to be wanted is none.
_NEGATED = re.compile(r"\b(?:don't|do not|not|never|won't|no need to|no)(?: \w+){0,3} (?:stop|stopping|end|finish|quit"
                      r"|cancel|help|repeat|again|enough|skip|pass|next)\b|\b(?:i'll|i will|we'll|we will) stop\b"
                      r"|^(?:thanks|thank you)\b|\b(?:if|when) (?:you|we) (?:want|need)\b")


def meta_control(words: str) -> Optional[str]:
    """The command normalised `words` name when nothing but talk about the talk is said, or None (an answer)."""
    plain = _PHRASES.sub(" ", words)
    if not words or len(words.split()) > MAX_WORDS or any(w not in _META for w in plain.split()):
        return None
    kind = next((kind for kind, cue in _KINDS if cue.search(words)), None)
    if kind == "repeat" and len(words.split()) > SHORT and not _SPEECH.search(words):
        return None  # "let's do it again" is an answer; "can you ask me that again" is not
    return None if _NEGATED.search(words) else kind
