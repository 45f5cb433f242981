"""Wording rules for commands: what a plain "stop" looks like, and the words a state-changing intent needs."""

from __future__ import annotations

import re
from typing import Dict, Pattern, Sequence

from assistant.dialogue.entity_values import canonical_value

_LEAD = re.compile(
    r"^(?:(?:hey|hi|okay|ok|oh) companion|companion|okay|ok|alright|all right|right|oh|um+|uh+|er+|hmm+|so|well|"
    r"yeah|no|sorry|actually|just|please|kindly|abeg|pls|hey|guys|wait|look|honestly|hold on|hang on|whoa|woah|oi|ugh|"
    r"och|ach|aw|nah|nope|erm+|uhm+|mm+|meh|like|aye|yep|yup)\s+"
)
_TAIL = re.compile(
    r"\s+(?:please|abeg|pls|thanks|thank you|now|for now|for tonight|tonight|right now|there|companion|then|already|"
    r"okay|ok|all|everything|thing|anyway|for a bit|(?:for )?a (?:sec|second|minute|moment|mo)|actually|at (?:this|that) point"
    r")$"
)
_CORE = re.compile(
    r"^(?:(?:can|could|would|will) (?:you|we) (?:please )?(?:just )?|let's (?:just )?|(?:i|we) (?:want|need|'d like|"
    r"would like) to |i think we'd like to |(?:please )?)?"
    r"(?:stop(?: it| that| this| talking| speaking| the check ?in| the questions| there| here| now)*"
    r"|(?:stop|cancel|end|quit|finish)(?: the| this| our)?(?: [a-z']+){0,3} check ?-?ins?"
    r"|stop stop(?: stop)*|(?:that's|that is|ok that's|okay that's) enough(?: of that| questions| for tonight)?"
    r"|enough(?: of that| now| already| questions)?|cancel(?: it| that| this| the check ?in)?"
    r"|(?:be )?quiet|hush|shh+|shush|whisht|wheesht|(?:haud|hold) (?:yer|your) (?:wheesht|whisht|tongue)|silence|never ?mind(?: that| it| then| forget it)?|forget it|forget about it"
    r"|end(?: it| this| the check ?in)|quit(?: it)?|that's all(?: for now)?|that'll do|that will do|enough is enough)$"
)

# "never mind let's not"; not "i never mind that", nor a thing of theirs let go of ("never mind the washing up")
_NEVER_MIND = re.compile(r"^(?:never ?mind|forget it)\b(?! (?:about )?(?:the|my|your|our|his|her|their|a|all) (?!(?:question|questions"
                         r"|check ?-?ins?|rest|last|whole)\b)[\w']+)")
# What may follow "never mind" in a stop: talk about the talk, a pronoun, a polite word or another command ("never mind
# then", "never mind, i'll pass"); a word of their own life after it is a thing let go of ("never mind the rain" is
# above; "never mind work, it was a lovely evening").
_LET_GO_OF = re.compile(r"^(?:never ?mind|forget it) (?:about )?(?!(?:then|that|it|this|these|those|me|us|you|let's|lets|let|forget"
                        r"|sorry|okay|ok|please|stop|leave|i|i'll|i'm|i'd|we|we'll|we're|just|actually|no|don't|do|not|skip|move"
                        r"|go|pass|honestly|anyway|now|the|my|your|our|his|her|their|a|all|so|and|what|it's|that's|about|forget"
                        r"|cancel|end|quit|enough|never|mind|question|questions|check|checkin|check-in)\b)[\w']+")
# "enough" measured ("just enough", "more than enough", "close enough", "enough said"): a quantity, never a stop.
MEASURED_ENOUGH = re.compile(r"\b(?:just|more than|not|nearly|almost|barely|hardly|good|close|long|fair|big|far|never|sure|only"
                             r"|was|were|been|be)\s+enough\b|\benough\s+(?:said|to|of (?:a|an|each)\b)")


def normalise(text: str) -> str:
    """Lower case, words only (apostrophes kept), single spaces."""
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


# Contractions typed or transcribed without the apostrophe ("i dont", "didnt", "im scared"): the rules read them with it.
_BARE = {"dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "cant": "can't", "couldnt": "couldn't",
         "wouldnt": "wouldn't", "shouldnt": "shouldn't", "wont": "won't", "isnt": "isn't", "wasnt": "wasn't",
         "arent": "aren't", "werent": "weren't", "havent": "haven't", "hasnt": "hasn't", "im": "i'm", "ive": "i've",
         "id": "i'd", "hes": "he's", "shes": "she's", "theyre": "they're", "theyll": "they'll", "theres": "there's",
         "youre": "you're", "thats": "that's", "whats": "what's", "youve": "you've", "weve": "we've",
         "theyve": "they've", "hed": "he'd", "theyd": "they'd", "itll": "it'll"}
_BARE_WORD = re.compile(r"\b(?:" + "|".join(_BARE) + r")\b")


def with_apostrophes(words: str) -> str:
    """`words` with contractions said without their apostrophe written with it."""
    return _BARE_WORD.sub(lambda m: _BARE[m.group()], words)


def peeled(text: str) -> str:
    """The words of `text` with polite words and wake words peeled off both ends."""
    words = normalise(text)
    for _ in range(4):
        shorter = _TAIL.sub("", _LEAD.sub("", words))
        if shorter == words:
            break
        words = shorter
    return words


def polite_only(text: str) -> bool:
    """Whether `text` is nothing but polite or wake words ("actually", "please", "okay companion")."""
    words = normalise(text)
    return bool(words) and (peeled(f"{words} x") == "x" or peeled(f"x {words}") == "x")


# "that's all for now", "that's all from us tonight": the contract's way of ending the session, a goodbye, not a stop.
_ALL_FOR_NOW = re.compile(r"^(?:that's|that is) all (?:for (?:now|tonight|today|the night|this evening)|from us)\b")


def is_stop_command(text: str) -> bool:
    """Whether `text` is plainly a stop: "stop", "okay stop", "that's enough", "cancel", "never mind", "please be quiet"."""
    said = normalise(text)
    if _ALL_FOR_NOW.match(_LEAD.sub("", said)) or MEASURED_ENOUGH.search(said):
        return False
    words = peeled(text)
    if _CORE.match(words):
        return True
    return bool(_NEVER_MIND.match(words)) and not _LET_GO_OF.match(words) and len(words.split()) <= 5


# A recogniser's mishearing of a stop: the stop word heard, then a word or two of noise ("stop that you do" for "stop
# the check in", "cancel learned") or noise first ("a stop now", "phone never mind"). Short, with no speaker of its
# own ("i'll stop", "you stop") and no negation; "stop asking" is retire_prompt, "stop tickling me" and "stop by the
# shop" are talk, and "quiet" leads answers ("quiet night in").
# A stop word leading a sentence of its own ("stop sooner", "stop and talk", "stop there next time") is no mishearing:
# a comparison, a joined verb or a time to come follows it, which noise never makes.
_HEARD_HEAD = re.compile(r"^(?:stop|stopped|cancel|cancelled|hush)\b"
                         r"(?! (?:asking|being|you|me|him|her|us|by|off|at|over|for|in|on|\w+ing"
                         r"|earlier|sooner|later|less|more|first|before|after|when|whenever|once|and|if|so|too|till|until"
                         r"|every|sometimes|halfway|(?:\w+ )?next time)\b)")
_HEARD_END = re.compile(r"(?<!\bi'll )(?<!\bi )(?<!\byou )(?<!\bwe )(?<!\bwe'll )\b(?:stop(?: it| now| please| talking)?"
                        r"|never ?mind|that's enough|be quiet|quiet please)$")
# A short transcript of a stop has no speaker of its own and no past ("i'll stop", "didn't stop").
_NOT_HEARD = frozenset({"i", "i'm", "i'll", "i'd", "i've", "my", "me", "can't", "didn't", "couldn't", "wouldn't"})
HEARD_MAX_WORDS = 4

# Words that turn what follows into its opposite: "i don't want it to stop", "no need to repeat it", "not so spicy".
NEGATIONS = frozenset({"not", "no", "never", "don't", "won't", "without", "nothing", "didn't", "doesn't", "can't",
                       "cannot", "couldn't", "wouldn't", "shouldn't", "isn't", "wasn't", "aren't", "weren't"})


def negated(words: Sequence[str], at: int, reach: int, also: frozenset[str] = frozenset()) -> bool:
    """Whether one of the `reach` words before words[at] is a negation (or one of `also`)."""
    return any(w in NEGATIONS or w in also for w in words[max(0, at - reach):at])


def heard_stop(text: str) -> str:
    """The stop in a recogniser's short transcript ("stop that you do" -> "stop"), or "" when there is none."""
    if is_stop_command(text):
        return text
    words = peeled(text)
    count = len(words.split())
    tokens = re.sub(r"\bnever ?mind\b", "mind", words).split()  # "never mind" is a stop, not a negation
    if not words or count > HEARD_MAX_WORDS or negated(tokens, len(tokens), count, also=_NOT_HEARD):
        return ""
    head = _HEARD_HEAD.match(words)
    if head:
        return {"stopped": "stop", "cancelled": "cancel"}.get(head.group(), head.group())
    end = _HEARD_END.search(words) if count <= 3 else None
    return end.group() if end else ""


# Words a stop is asked for with; after a negation ("don't stop", "never stop now") they ask to go on.
_STOP_VERBS = frozenset({"stop", "stopping", "quit", "end", "finish", "cancel"})


def refuses_stop(text: str) -> bool:
    """Whether `text` asks not to stop ("don't stop", "please don't stop now"): a stop word a negation comes just
    before, in words that are no stop."""
    if is_stop_command(text):
        return False
    words = normalise(text).split()
    return any(word in _STOP_VERBS and negated(words, i, 3) for i, word in enumerate(words))


# A state-changing intent is only believed when the sentence says so in words of its own kind.
DIRECTED_CUES: Dict[str, Pattern[str]] = {
    intent: re.compile(pattern)
    for intent, pattern in {
        "stop": r"\bstop|enough|cancel|quiet|\bhush|\bshh|shush|whisht|wheesht|silen|never ?mind|forget (it|about it)|\bend\b(?! of)|\bquit"
                r"|that's all|\bhalt\b|\bpause\b|finish"
                r"|\b(wrap|wind) (it |things |this |that |us )?up\b|\bpack it in\b|\bleave it (there|at that)\b"
                r"|\bshut (it |this |that |yourself |the (\w+ ){1,2})?(down|off)\b|\bkill the (session|questions|chat)\b|^exit$"
                r"|\b(we're|we are|i'm|i am) (all )?done( (here|now|for (tonight|the night|today)))?$"
                r"|\bend of (the )?session\b|\bno more questions\b"
                r"|\b(switch|turn) (yourself |it )?off\b(?! (the|that|this|your|my|his|her|our|their|at|before|when)(\s|$))",
        "retire_prompt": r"\bagain\b|\bnever\b.*\b(ask|use|hear|show|bring|want|say|give)\b.*\b(that|this|it|one|question|us)\b"
                         r"|\bnever\b.*\b(that one|this one|that question)"
                         r"|\b(any ?more|no more)\b|remove|delete|retire|\bdrop|\bban\b|forever|for good|get rid"
                         r"|take (it|that|this)\b.*\bout|\bbin\b|scrap|throw|stop asking|(don't|do not) ask"
                         r"|hate (that|this) (one|question)|off the list|permanently|in (the )?future|from now on"
                         r"|(don't|do not) (use|bring|show|give|pick|repeat)|\berase|\bwipe|\bstrike|\bditch|\bblock"
                         r"|\blose (it|that|this)\b"
                         r"|\bcross (it|that|this)( one| question)? off|\btake (that|this)( one| question)? off\b|blacklist"
                         r"|\b(dislike|(don't|do not|doesn't|does not) (really )?(like|care for)|likes?) (that|this)( one| question)"
                         r"|(isn't|is not|not) (really )?(for )?us\b.*\b(ever|take it away|never)"
                         r"|not keen on (that|this)|\b(that|this) (one|question) (ever|coming back)|never list"
                         r"|out of (the )?rotation|(bother|rather not) ever",
        "save_prompt": r"\bsave|\bkeep\b(?! (on|up|going|at|\w+ing)\b)|favou?rite|\bfaves?\b|\bfavs?\b|bookmark|\bmark\b|\bstore\b|\bstar\b|hold on to|hang on to|\badd\b"
                       r"|for later|\bpin\b|put (that|this|it)( one| question)? (aside|away)|remember (this|that|it)( one| question| starter| prompt| for us| for later)*$"
                       r"|remember (this|that) (one|question|starter|prompt)"
                       r"|\ba keeper\b|(don't|do not) (lose|forget) (that|this|it)|\bfile (that|this|it)|on (our|the) list\b"
                       r"|\bsaving\b|\b(remember|hold) (the|that|this) (\w+ )?(one|question)\b",
        "start_checkin": r"check ?-?in|checkin|how (we're|we are)( each| both)?( \w+)? (feeling|doing)"
                         r"|how (each of us|we each|we both|both of us) (is|are|feel)|ask (us )?how we are"
                         r"|how (that|it|tonight|today) was for (both of us|us|each of us)|ask us each how",
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


_STRONG = r"(?:intense|spicy|racy|bold|daring|heavy|full on|naughty|steamy|hot|raunchy|risqu\w*|explicit|saucy|wild|deep|edgy)"
# Asking for less: "gentler", "tone it down", "less intense", "too spicy", "nothing too heavy" (not "not gentler", "too tame").
_GENTLER = re.compile(
    r"\b(?:gentler|softer|milder|tamer|calmer|lighter|easier|(?:more )?(?:gentle|soft|mild|calm|tame|cosy|cozy|"
    r"tender|mellow|wholesome|sweet)|less " + _STRONG + r"|(?:tone|dial|turn|bring|take|calm) "
    r"(?:it |things |that |this |them |the questions )?(?:down|back)\b|ease (?:off|up)\b|go easy\b|"
    r"(?:not (?:so|too|as)|nothing(?: too)?|no|too) " + _STRONG + r")\b"
)
_UNSAID = frozenset({"less", "any", "too"})  # besides a negation: "no more gentle", "less tame", "too tame"


def asks_gentler(text: str) -> bool:
    """Whether `text` asks for gentler questions in so many words: a request_bold parse of it must not stand."""
    words = normalise(text)
    for match in _GENTLER.finditer(words):
        before = words[:match.start()].split()
        if not negated(before, len(before), 2, also=_UNSAID):
            return True
    return False
