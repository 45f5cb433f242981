"""Honest about topics: a subject the library has no starters on is named as missing, with the nearest one offered."""

from __future__ import annotations

import functools
import re
from typing import Any, Dict, Optional

from assistant.content import TOPICS

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


# What the kind line adds for a lacking subject of some classes: health is met kindly and never with advice.
_NOTES = {"health": ", and I can't give medical advice"}


def not_in_library(subject: str, near: str, name: Optional[str] = None) -> str:
    """The kind line for a subject we know lies outside the library (of class `name`, if known): none on it, with
    its class's note; what we have; the nearest comes."""
    listed = ", ".join(TOPICS[:-1]) + " and " + TOPICS[-1]
    return (f"I don't have questions on {subject}, I'm sorry{_NOTES.get(name or '', '')}. I have ones on {listed}. "
            f"The nearest is probably {near}, so here's one on that.")


def not_sure(subject: str) -> str:
    """The line for a subject no topic of ours was found for, but not known to lie outside the library either."""
    return f"I'm not sure I have questions on {subject}. Here's one you might like."


# --- wishes: a topic asked for in the couple's own words ("we keep bottling things up, can we talk about that") ---

ELSEWHERE_FILE = "elsewhere.yml"
ELSEWHERE = "elsewhere:"  # the sentence topic model's label prefix for a subject the library lacks
# How a subject the library lacks is named in the kind line; a class without a name here is named by its words.
_SUBJECT_NAMES = {"home": "moving house and plans for the future", "holidays": "holidays and trips",
                  "health": "health and illness",
                  "screens": "phones and screens", "kids": "children", "in-laws": "family and in-laws",
                  "other": ""}

# Words that put a sentence as a wish to talk, work on or change something: the rest of it says what about.
_WISH = re.compile(
    r"\b(?:can|could|shall|may) we (?:please )?(?:talk|chat|speak|have a (?:talk|chat|think)|discuss|get into|go into"
    r"|look at|work on|explore|unpack|dig into|figure out|sort out|sort)\b(?: (?:about|through|over))?"
    r"|\b(?:i|we)(?:'d| would)? (?:really |honestly |just )?(?:(?:like|love|want|need|hope)(?: us)? to|wanna)"
    r" (?:talk|chat|speak|discuss|hear|get into|go into|explore|unpack|look at|work on|figure out|sort out|sort"
    r"|understand|get better at|be better at|get to the bottom of|think about|open up about|learn)"
    r"(?: (?:about|through|over))?(?=\s|$)"
    r"|\b(?:i|we)(?:'d| would)? (?:really |honestly |just )?(?:like|love|want|need|hope) us to\b"
    r"|\bi'd like us to\b|\bi want us to\b|\bwe should (?:talk|chat|discuss|work on|look at)\b"
    r"|\b(?:and|but) (?:would like|'d like|want|wanna) to (?:talk|chat)(?: about| through| over)?(?=\s|$)|\blet's (?:talk|chat|get into) (?:about |through )?"
    r"|\bhow (?:do|can|could|should|might) we (?:get better at |learn to |stop |start )?"
    r"|\bwe(?:'re| are) (?:really |so |pretty |just )?(?:rubbish|bad|terrible|hopeless|useless|awful|not (?:great|good))"
    r" at\b"
    r"|\bhelp with\b|\bsomething on\b|\bsumm?at (?:on|about|aboot)\b|\bowt (?:on|about|aboot)\b"
    # a bare fragment asking for one: "one about X", "maybe one on X", "a quick one about X" (never an answer)
    r"|^(?:(?:um+|uh+|er+|erm|so|okay|ok|and|maybe|just|hey companion|companion)\s+)*(?:a (?:quick |wee |short )?)?one"
    r" (?:about|on|aboot)(?=\s)|\bhave you got (?:anything|something) (?:on|for|about)\b"
    # a question put to the companion for one on a subject: "do you have anything about X", "what have you got on X"
    r"|\b(?:do you have|have you got|you got|is there|are there|what (?:have you got|do you have)|tell us|ask us)"
    r" (?:anything |something |any questions? |a question |questions |one |ones )?(?:a bit |more )?"
    r"(?:on|about|for|around|to do with)(?=\s|$)"
    r"|\b(?:anything|something|any questions?|a question|a prompt|a starter) (?:on|about|for)(?= (?:that|this|it)$)"
    r"|(?<!you )(?<!please )\bhelp us with(?= (?:that|this|it)$)")
# What the wish points back to, said after its words ("... can we talk about that", "we'd like to talk it through").
POINTER = re.compile(r"^(?:(?:all )?(?:it|that|this|those|these)(?: (?:through|over|out|more|a bit|one))*|things)\b")
_BACK_WORD = re.compile(r"\b(?:that|it|this)\b")
_BACK = re.compile(r"\s*\b(?:that's|that is|this is|it's) (?:what|something)$|\s*\b(?:and|so|but)$"
                   r"|\s*\b(?:give|get|ask|hit) (?:us|me)(?: with)?$")  # "X, give us a prompt on that": X
# Words that make it their own plan, not a wish for now, or a wish for the floor (take turns), or a word to the partner.
_NOT_NOW = re.compile(
    r"\b(?:next|last|every) (?:time|week|weekend|month|year|night)\b|\bsometime\b|\bsome time\b(?! we)|\btomorrow\b"
    r"|\b(?:another|some other) (?:time|day|night)\b|\bat some point\b|\blater\b|\btake turns\b|\bin turns?\b"
    r"|\bturns? each\b(?! of us on)|\btimer\b"
    r"|\btime (?:us|it|each)\b|\bone at a time\b"
    r"|\bhelp us\b(?! with (?:that|this|it)$)|\byou(?:'re| are| were| always| never| do| don't| did| didn't)\b|\b(?:for|with|to|at|than) you\b")
_FILLER = re.compile(r"^(?:(?:um+|uh+|er+|erm|like|you know|so|and|but|honestly|really|just|actually|please|companion)\b\s*)+"
                     r"|(?:\s*\b(?:um+|uh+|er+|erm|like|you know|so|and|but|honestly|really|just|actually|please|maybe|perhaps"
                     r"|companion|tonight|now|help us with (?:that|this|it)))+$")


def wish_content(text: str) -> Optional[str]:
    """What a wish to talk about something names ("we keep bottling things up and i'd like to talk about that" ->
    "we keep bottling things up"), or None when the sentence is no such wish, or is their plan for another time."""
    words = " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())
    match = _WISH.search(words)
    if match is None or _NOT_NOW.search(words):
        return None
    before, after = words[:match.start()].strip(), words[match.end():].strip()
    if POINTER.match(after) or not after or (len(before.split()) >= 3 and _BACK_WORD.search(after)):
        # the subject came first: "X, can we talk about that", "X, and i'd like us to share that more"
        after = POINTER.sub("", after).strip()
        content = _BACK.sub("", f"{before} {after}".strip())
    else:
        content = after
    content = " ".join(_FILLER.sub("", content).split())
    return content if len(content.split()) >= 1 else None


@functools.lru_cache(maxsize=1)
def elsewhere_subjects() -> Dict[str, Dict[str, Any]]:
    """The subjects the library lacks (dialogues/elsewhere.yml): name -> {nearest, phrasings}."""
    import yaml

    from assistant import paths

    data = yaml.safe_load((paths.DIALOGUES_DIR / ELSEWHERE_FILE).read_text(encoding="utf-8")) or {}
    subjects = data.get("subjects") or {}
    return {str(name): {"nearest": str(item.get("nearest") or "communication"),
                        "phrasings": [str(p) for p in item.get("phrasings") or []]}
            for name, item in subjects.items() if str(item.get("nearest") or "communication") in TOPICS}


def nearest_to(name: str) -> str:
    """The library topic nearest to a lacking subject ("money" -> mutuality)."""
    return str(elsewhere_subjects().get(name, {}).get("nearest") or "communication")


def said_as(name: str, text: str) -> str:
    """How a lacking subject is named in the kind line: its own name, else the words the request used."""
    said = _SUBJECT_NAMES.get(name, name)
    if said:
        return said
    named = re.search(_OTHER, text.lower())
    return named.group(0) if named else missing_subject(text) or "that"


# Words that name a subject the library lacks, by the name of its class in dialogues/elsewhere.yml (whose `nearest`
# is the topic offered instead): a request's subject ("a question about money") and a short subject the topic model
# is unsure of ("how we split the bills") are both read by these. First match wins, so the order matters.
_OTHER = (r"\b(?:dogs?|cats?|pets?|puppy|kitten|politics|religion|faith|church|football|sports?|the car|food|diet"
          r"|drinking|smoking|garden(?:ing)?|the news|music|films?|movies?)\b")
_LACKING = tuple((name, re.compile(pattern)) for name, pattern in (
    ("money", r"\bmoney|financ|budget|\bbills?\b|\bdebts?\b|\bloans?\b|mortgage|\bsavings?\b|\brent\b|salar"
              r"|\bspending\b(?! (?:more |less |quality |enough |some |any )?time)|\bwages?\b|pay ?checks?|\bafford"
              r"|\bcash\b|\bearn|overdraft|insurance|\btax(?:es)?\b|pension|\bbank|credit card"),
    ("chores", r"chores|housework|cleaning|\bcooking\b|dishes|washing up|laundry|hoover|vacuum|\btidy|tidying"
               r"|ironing|\bbins\b|\brota\b"),
    ("work", r"\bwork\b|\bjobs?\b|career|\bboss\b|\boffice\b|\bshifts?\b|overtime|\bcommute"),
    ("kids", r"\bkids?\b|\bchild|\bbaby|babies|pregnan|\bparent(?:ing|hood)?\b|starting a family|\bschool\b"
             r"|nursery|nappies|diapers"),
    ("health", r"\bhealth|\bill\b|illness|\bpoorly\b|\bsick(?:ness)?\b(?! (?:of|and tired))|\bpain(?:s|ful|killers?)?\b"
               r"|\b(?:head|back|stomach)?aches?\b|\bbad back\b|migraines?|\bchronic\b|\bcancer\b|\bchemo|radiother"
               r"|dementia|diabet|arthritis|heart attack|parkinson|multiple sclerosis|epilep|asthma|erectile|impoten"
               r"|\binjur|physio"
               r"|\bmedic|\bmeds\b|\bpills?\b|\btablets\b|prescri|\bdoctors?\b|\bgp\b|hospital|diagnos|\bsurgery\b"
               r"|\boperation\b|\bscans?\b|test results|blood tests?|fertility|contracept|\bperiods?\b|\bhormon"
               r"|menopaus|hot flush|night sweats|disab|wheelchair|fitness"
               r"|exercise|\bgym\b|\bsleep(?:ing)?\b(?! (?:together|with))|insomnia|snor|\btired\b(?! of)|exhaust"),
    ("in-laws", r"in-?laws|\bmum'?s?\b|\bmom'?s?\b|\bdad'?s?\b|\bmother|\bfather|\bparents\b|\bfamily\b|\bsister"
                r"|\bbrother"),
    ("friends", r"\bfriends?\b|\bmates\b|social life|neighbou?rs?"),
    ("jealousy", r"jealous|\benv(?:y|ious)|\bcheat|\baffairs?\b|infidel|\bexe?s?\b|\bflirt|\btrust\b"),
    ("holidays", r"holiday|vacation|\btravel|\btrips?\b|christmas|birthday|anniversar"),
    ("home", r"\bmoving\b|\bmove house|\bhouse\b|\bwhere (?:we|to) live|\bliving in\b|relocat|wedding|\bmarried"
             r"|\bengaged\b|\bfuture\b"),
    ("screens", r"\bphones?\b|\bscreens?\b|social media|scrolling|\bgaming\b|\btelly\b|\btv\b|netflix"),
    ("other", _OTHER + r"|\bargu|\bfight|\bconflict|\brows?\b|\bstress|\banger\b|\bsecrets\b"),
))


def lacking(subject: str) -> Optional[str]:
    """The class of a subject the library lacks that `subject`'s own words name ("how we split the bills" -> money,
    "my dad's illness" -> health, "his dad's visits" -> in-laws), else None; `nearest_to` gives the topic to offer."""
    return next((name for name, pattern in _LACKING if pattern.search(subject.lower())), None)


_TALK = re.compile(r"\b(?:talk|chat|speak|discuss|get into|go into|unpack|dig into|look at)\b")


def wishes_to_talk(text: str) -> bool:
    """Whether a wish is to talk about something ("..., can we talk about that"), not a wish for something itself
    ("i just want to feel safe"): only such a wish lifts what reads as a disclosure to a request."""
    return wish_content(text) is not None and bool(_TALK.search(text.lower()))


# Words said to the partner, not the companion ("i love it when you reach for me", "keep talking, i like your voice").
_TO_PARTNER = re.compile(r"\b(?:i|we)(?: really)? (?:want|need|'d like|would like|wish) you to\b"
                         r"|\b(?:when|for|with|at|than|love|miss) you\b|\byou(?:'re| are| were| always| never)\b|\byour\b"
                         r"|\bi (?:love|like) it when\b|\bkeep (?:going|talking)\b")
# Words of a request to the companion ("a question", "give us", "have you got", "something about").
_ASKED = re.compile(r"\b(?:question|starter|prompt|topic|another|ask us|give us|(?:have|got) you got|do you have"
                    r"|something (?:about|on|for|to|different|else|new|light|deep|bold|gentle|spic)\w*|anything (?:on|about|for)"
                    r"|one (?:about|on|for)|companion|please|start us off|get us (?:going|started|talking))\b")


def said_to_partner(text: str) -> bool:
    """Whether a sentence read as a request is words to the partner: it speaks to "you", asks for no question, and
    is no wish to talk about something."""
    words = " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())
    if _ASKED.search(words):
        return False
    return (bool(_TO_PARTNER.search(words)) and wish_content(words) is None) or names_nothing(words)


# --- a theme said as a statement: "we never seem to manage X", "one of us always Y", "i never know if Z" ---

# A sentence about themselves, said in the first person ("we ...", "i ...", "our ...", "one of us ...", "it's always
# me who ..."): after the wake phrase, naming a theme of ours, it is a wish to talk about that theme. Between the two of
# them in a window it is their talk, and the addressee gate keeps it unheard (assistant/dialogue/addressee.py).
_FIRST_PERSON = re.compile(r"\b(?:we|we're|we've|we'd|we'll|us|our|ours|ourselves|i|i'm|i've|i'd|i'll|me|my|myself"
                           r"|one of us|neither of us|both of us|either of us)\b")
# Words of a question or request put to the companion, or of a wish to talk: those are read as requests already.
_NOT_A_STATEMENT = re.compile(r"\b(?:can|could|would|will|shall) (?:you|we|i)\b|\b(?:give|tell|ask|show) (?:us|me)\b"
                              r"|\b(?:please|companion|question|starter|prompt|topic)\b|\?\s*$|^(?:let's|lets)\b"
                              r"|^(?:(?:um+|uh+|er+|erm|so|okay|ok|well|right|hmm+)\s+)*(?:what|which)\s+"
                              r"(?:should|shall|could|can|do|would|might)\s+(?:we|i)\b")  # a question, "?" unheard
MIN_STATEMENT_WORDS = 4  # "we're fine", "i know": too short to name a theme


def theme_statement(text: str) -> bool:
    """Whether `text` is a statement about themselves ("we keep missing each other's signals", "i never know what my
    partner likes"): first person, four words or more, not said to "you", no request, question or wish to talk."""
    raw = text.lower().strip()
    words = " ".join(re.sub(r"[^\w' ]+", " ", raw).split())
    if len(words.split()) < MIN_STATEMENT_WORDS or not _FIRST_PERSON.search(words):
        return False
    if _NOT_A_STATEMENT.search(raw) or _NOT_A_STATEMENT.search(words) or _ASKED.search(words):
        return False
    if re.search(r"\b(?:you|you're|you've|you'd|your|yours|yourself)\b", words):
        return False  # said to someone: the partner, or the companion asked something
    return wish_content(words) is None and not _NOT_NOW.search(words)


def names_nothing(text: str) -> bool:
    """Whether a wish to talk points only back at what they were saying ("let's talk about it properly"): no subject
    of its own, so it is theirs (or a wish for turns), not a request for a starter."""
    words = " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())
    match = _WISH.search(words)
    if match is None or _FILLER.sub("", words[:match.start()]).strip():
        return False
    after = words[match.end():].strip()
    pointer = POINTER.match(after)
    return pointer is not None and len(after[pointer.end():].split()) <= 1  # "it properly", not "it feeling equal"
