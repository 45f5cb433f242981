"""Canonical entity values: map whatever span the extractor found to a value the dialogue knows."""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Pattern, Tuple

TOPICS: Tuple[str, ...] = (
    "mutuality", "desire", "initiation", "power", "body", "pleasure", "communication", "appreciation",
)
CHECKINS: Tuple[str, ...] = ("bedtime", "after_intimacy")
RATINGS: Tuple[str, ...] = ("1", "2", "3", "4", "5")
CANONICAL: Dict[str, Tuple[str, ...]] = {"topic": TOPICS, "checkin": CHECKINS, "rating": RATINGS}

_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_NUMBER = re.compile(r"\b(one|two|three|four|five|[1-5])\b")

# First match wins, so the more specific stems come first ("equal say" is power, "equal partners" mutuality).
_TOPIC_STEMS: Tuple[Tuple[str, Pattern[str]], ...] = tuple(
    (value, re.compile(pattern))
    for value, pattern in (
        # both partners' wishes counting the same, before desire's "want" and power's "say"
        ("mutuality", r"both (of us|our) (get\w*|hav\w*) (what|our|an? (equal |fair )?(say|turn|share|voice))|"
                      r"both our (wants|wishes|needs)|"
                      r"(wants?|wishes|needs|say|opinions?) count|counts? (as much|the same|equally|just as)|"
                      r"counting (as much|the same|equally|just as)|halfway|meet\w* (each other )?in the middle|"
                      r"even\w* (it|that|things|this) out"),
        ("initiation", r"initiat|first move|mak\w* (a |the )?move|start\w* (things|it|sex)|who starts|"
                       r"who (asks|goes first|reaches out)|reach\w* out first|ask\w* for sex|kick\w* (things|it) off|"
                       r"get\w* (things|it) going|the ball rolling|"
                       r"turn\w* (each other |me |you )?down|rejecti|signal|\bhint|"
                       r"let\w* (each other|you|me|them|him|her) know (that )?(we're|we are|i'm|i am|you're|you are) "
                       r"(in the mood|keen|interested|up for)"),
        ("power", r"power|decid|decision|equal say|(a|our|my|your) say\b|control|in charge|call\w* the shots|"
                  r"consent|boundar|agency|check\w* (in )?with each other|permission|"
                  r"lead\w*|follow|saying (yes|no)|say\w* no\b|dominan|dominat|submissi|the boss\b"),
        ("body", r"\bbod(y|ies)|skin\b|self image|body image|physical|getting older|\bage?ing\b|\bweight\b|naked|"
                 r"self[- ]conscious|how (i|we|he|she|they) looks?\b|"
                 # touch as ease in one's body is body; any other touch is pleasure (the evaluation contract)
                 r"touch\w* (that |which )?(feels? |makes? (us |me )?feel )?(safe|calm|comfort|relax)|"
                 r"(safe|calm|comfort\w*|comfy|relax\w*|at ease|tense|awkward) (being |when (i'm |we're )?)?touch"),
        ("appreciation", r"appreciat|gratitude|grateful|thank|love about|compliment|valu\w* each other"),
        ("communication", r"communicat|talk|honest|open\w* up|\bopenly|listen|heard|convers|express|"
                          r"ask\w* for|say\w* what|tell\w* (each other |you |me )?what|out loud|into words|"
                          r"speak\w* up|bring\w* (things|it|stuff|something|them) up|rais\w* (things|it|stuff|issues)"),
        ("desire", r"desir|libido|sex drive|drive\b|want|attract|arous|passion|lust|chemistry|spark|in the mood"),
        ("pleasure", r"pleasur|feels? good|feeling good|enjoy|\btouch(es)?\b|caress|strok|savou?r|relish|satisf|sensual|\bfun\b|orgasm|climax|fantas|"
                     r"turn\w*[ -](us |me |you |each other )?ons?\b|kinks?\b"),
        ("mutuality", r"mutual|equal|both of us|both our|partner|give and take|giv\w* and receiv|team|balance|"
                      r"fair|shared"),
    )
)
_AFTER_INTIMACY = re.compile(r"\bsex|love|intima|sleeping together|afterglow|aftercare")
_BEDTIME = re.compile(r"\bbed|night|nicht|sleep|end of (the )?day|evening|lights out|wind\w* down|turn\w* in\b"
                      r"|\bthe how (was|is) (your|our|the) day")  # named as a thing: "how was your day" alone is talk


# Whole-sentence cues for the kind of check-in asked for ("we just made love could you check in"), whole words only:
# "tonight" is no bedtime cue, "love" alone ("we'd love a check in") no after-intimacy one.
_AFTER_CUES = re.compile(
    r"\b(?:sex|sexy|made love|making love|make love|lovemaking|love making|intima\w*|afterglow|slept together|"
    r"sleeping together|been close|being close|cuddl\w*|just now|just happened|just did|we just|how that was|"
    r"after that|aftercare|post)\b"
)
_AFTER_WORD = re.compile(r"\b(?:after|afterwards|afterward)\b")
_BEDTIME_CUES = re.compile(
    r"\b(?:bed|beds|bedtime|sleep|sleeping|asleep|sleepy|evening|nightly|night|nighttime|goodnight|lights out|"
    r"end of (?:the|our|a) day|(?:the|our|my) day|today|turn in|turning in|wind down|winding down)\b"
)


# A check-in kind named on its own ("end of day", "the after sex one"), as an answer to "which check-in?": the words
# left once these are dropped must all be the kind's name.
_NAME_FILLER = frozenset("the a an one for please um uh er erm our that this just kind of check in checkin".split())
_KIND_NAMES = (
    ("after_intimacy", re.compile(r"(?:after|post) ?(?:sex|intimacy|making love|lovemaking|being intimate|we made love)"
                                  r"|afterglow|aftercare")),
    ("bedtime", re.compile(r"bed ?time|night ?time|nightly|end day|end the day|before (?:bed|sleep)")),
)


def bare_checkin(text: str) -> Optional[str]:
    """The check-in kind a short utterance is nothing but the name of ("end of day", "the nightly one"), or None."""
    words = [w for w in re.sub(r"[^\w' ]+", " ", text.lower()).split() if w not in _NAME_FILLER]
    if not 0 < len(words) <= 4:
        return None
    name = " ".join(words)
    return next((kind for kind, pattern in _KIND_NAMES if pattern.fullmatch(name)), None)


def find_checkin(text: str) -> Optional[str]:
    """The check-in kind a whole request names by its cue words, or None."""
    words = " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())
    if _AFTER_CUES.search(words):
        return "after_intimacy"
    if _BEDTIME_CUES.search(words):
        return "bedtime"
    return "after_intimacy" if _AFTER_WORD.search(words) else None


def canonical_value(entity: str, value: object) -> Optional[str]:
    """The canonical value for an extracted entity, or None if it names nothing we know."""
    allowed = CANONICAL.get(entity)
    if allowed is None:
        return None if value is None else str(value)
    text = " ".join(str(value).lower().replace("_", " ").split())
    if text.replace(" ", "_") in allowed:
        return text.replace(" ", "_")
    if entity == "rating":
        match = _NUMBER.search(text)
        return _NUMBERS.get(match.group(1), match.group(1)) if match else None
    if entity == "checkin":
        if _AFTER_INTIMACY.search(text):
            return "after_intimacy"
        if _BEDTIME.search(text):
            return "bedtime"
        return "after_intimacy" if re.search(r"\b(?:after|afterwards?|efter|post)\b", text) else None
    for topic, pattern in _TOPIC_STEMS:
        if pattern.search(text):
            return topic
    return None


# Words after which "one" is a pronoun ("that one", "the bedtime one"), not a score.
_ONE_AS_SCORE_AFTER = frozenset(
    "a about around say maybe probably just only solid honestly it it's is at like definitely guess think "
    "rate rated give gave me i'm we're feeling feel be".split()
)
# Words that may follow a score; anything else ("five hours", "two kids") means a count, not a score. The last row
# begins the reason given after it ("two it's been a long week", "four because you cooked").
_SCORE_FOLLOWERS = frozenset(
    "out i we i'd we'd i'm for tonight today now right maybe probably definitely really honestly easily please "
    "then overall too and or but so actually just on star stars yeah yes yep innit mate sorry love babe though o sha "
    "la lah na tbh "
    "it it's its i've we've i'll was been because cause cos coz since as considering given mostly kinda pretty "
    "that's not".split()
)


def _numbers(tokens: List[str]) -> Iterator[Tuple[int, str, str, str, str]]:
    """Each 1-5 number in `tokens`: (index, token, value "1"-"5", the word before, the word after)."""
    for i, token in enumerate(tokens):
        value = _NUMBERS.get(token, token if token in RATINGS else None)
        if value is not None:
            yield i, token, value, tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""


def find_rating(text: str) -> Optional[str]:
    """A 1-5 score said in `text` ("a four", "three out of five", "5"), or None."""
    tokens = text.lower().split()
    for i, token, value, before, after in _numbers(tokens):
        if before == "of" and i >= 2 and tokens[i - 2] == "out":
            continue  # the scale in "three out of five"
        if after and after not in _SCORE_FOLLOWERS:
            continue  # "two of us", "five hours"
        if before in ("the", "us", "we", "these", "those"):
            continue
        if token == "one" and before and before not in _ONE_AS_SCORE_AFTER:
            continue
        return value
    return None


# In the answer to a rating question a number is the rating unless it counts something or is a pronoun "one".
_COUNTED = frozenset(
    "of hours hour minutes minute times days day weeks week years year kids children people things drinks glasses "
    "o'clock am pm more hundred thousand percent".split()
)
# ... and after these verbs "one" is the thing had or wanted ("we want to get one", "didn't have one").
_ONE_AS_PRONOUN_AFTER = frozenset("that this the no every any each which another other last next some "
                                  "get gets got have has had want wants need needs take took make made buy bought "
                                  "pick picked".split())
# "out of five" as a recogniser half hears it after a number ("two hour five", "one how did five"), or anywhere with
# the "of" heard as a short word ("well how did five", "how than five"): the scale, not a second number. Only a top of five is read so: "two
# hours, five of us" keeps its count.
_OUT_OF_ALIKE = r"(?:out|outta|hour|hours|how|our)(?:\s+(?:of|a|o|to|the|did|then|that))?\s+(?:five|5)\b(?!\s+(?:of|hours?|minutes?))"
_AFTER_A_NUMBER = "".join(rf"(?<=\b{number} )|" for number in (*_NUMBERS, *RATINGS)).rstrip("|")
_SCALE_OR_RANGE = re.compile(rf"(?:{_AFTER_A_NUMBER}){_OUT_OF_ALIKE}|\b(?:hour|how|our)\s+[a-z]{{1,4}}\s+(?:five|5)\b"
                             r"|\b(?:out of|on a scale of|scale of)\s+(?:one|two|three|four|five|[1-5])(?:\s+to\s+(?:five|ten|5|10))?\b"
                             r"|\bfrom\s+(?:one|two|three|four|five|[1-5])\s+to\s+(?:five|ten|5|10)\b"
                             r"|\bbetween\s+(?:one|two|three|four|five|[1-5])\s+(?:and|or)\s+(?:one|two|three|four|five|[1-5])\b")
# "the" before a number names things ("the two dogs"), but not at the end of a thought ("probably the three today")
# nor in "just the one"; "the one" is otherwise a pronoun.
_THE_SCORE_BEFORE = frozenset("today tonight now overall really honestly , . ; : ! ?".split()) | {""}
# A change of mind: a number said after these words ("four and a half... no, five", "less than two, so one",
# "three or four, call it four") replaces the ones before it.
_REVISION = re.compile(r"(?:^|\s)(?:no|so|actually|say|call it|make it|go|going|go for|going for|go with|going with|"
                       r"settle on|settle for|or rather|i mean|round up to|round it up to|rounded up to)"
                       r"(?:\s+(?:[,.;:!?]|it's|its|with|a|an|maybe|probably|like))*\s*$")


def _scores(tokens: List[str]) -> Iterator[Tuple[int, str]]:
    """Each number of an answer's tokens that is a score: (index, "1"-"5"), not a count, a "we two" or a pronoun."""
    for i, token, value, before, after in _numbers(tokens):
        if after in _COUNTED or before in ("us", "we", "these", "those"):
            continue
        idiom = token == "one" and tokens[i - 2:i - 1] in (["just"], ["only"])  # "just the one"
        if before == "the" and not idiom and (token == "one" or after not in _THE_SCORE_BEFORE):
            continue
        if token == "one" and before != "the" and (before in _ONE_AS_PRONOUN_AFTER or
                                                   after in ("who", "thing", "another")):
            continue
        yield i, value


def rating_in_answer(text: str) -> Optional[str]:
    """The 1-5 rating in an answer to a question that asks for one ("four, the walk was lovely", "two-ish", "4/5",
    "between three and four, so four"): its first number that is neither a scale, a range, a count nor a pronoun,
    or a later one said after a change of mind ("three, no, four"), or of numbers far apart the one said as a rating
    ("one is three at five")."""
    return read_rating(text)[0]


def read_rating(text: str) -> Tuple[Optional[str], bool]:
    """The rating in an answer (rating_in_answer) and whether its numbers left it unclear: far apart, none of them
    said as its rating, so no rating is read and no other reading of the same words should give one."""
    words = re.sub(r"(?<=[1-5])\s*/\s*(?:5|five)\b", " ", text.lower())
    words = re.sub(r"(?<=\w)-ish\b|(?<=\w)ish\b", " ", words)
    words = _SCALE_OR_RANGE.sub(" , ", words)
    tokens = re.findall(r"[\w']+|[,.;:!?]", words)
    scores = list(_scores(tokens))
    if not scores:
        return None, False
    revised = [value for i, value in scores[1:] if _REVISION.search(" ".join(tokens[max(0, i - 4):i]))]
    if revised:
        return revised[-1], False
    # Numbers heard back to back with no pause between ("two four", "five four"): the last is the rating, the ones
    # before it a word half heard as a number ("ooh, four", "a high four"); but a run that ends in five is a rating
    # and its scale with the "out of" lost or half heard as a number ("three five", "two one five").
    last = 0
    while last + 1 < len(scores) and scores[last + 1][0] == scores[last][0] + 1:
        last += 1
    if last:
        return scores[0][1] if tokens[scores[last][0]] in ("five", "5") else scores[last][1], False
    values = sorted({int(value) for _, value in scores})
    if values[-1] - values[0] <= 1:  # one number, or two neighbours weighed ("three or four", "a four, maybe five")
        return scores[0][1], False
    said = _said_as_rating(tokens, scores)
    return said, said is None


# Numbers far apart with no change of mind are no rating weighed but a reading gone wrong ("honestly, a five" heard
# as "one is three at five"): the one said as a rating is taken ("a five", "five out of five", "four, ...", an
# "at five" for a half-heard "a five"), else none; a wrong rating is worse than none (a low one brings the soft word
# of a hard evening).
_RATING_ARTICLES = frozenset("a an".split())
_HALF_HEARD_ARTICLES = frozenset("at".split())
_FILLERS = frozenset("um uh er erm oh ah well so honestly i'd say maybe probably like just".split())
# ... a number opening the answer is said as its rating unless a clause goes on from it ("one is", "one of").
_CLAUSE_AFTER = frozenset("is was has had does did of who thing more time".split())


def _said_as_rating(tokens: List[str], scores: List[Tuple[int, str]]) -> Optional[str]:
    """Of an answer's numbers far apart, the one said as a rating: after "a", before a scale or pause, or opening
    the answer; else one after "at" or ending it; None when no one number is."""
    def opens(i: int) -> bool:
        return all(token in _FILLERS for token in tokens[:i]) and tokens[i + 1:i + 2] != [] and \
            tokens[i + 1] not in _CLAUSE_AFTER

    strong = {value for i, value in scores
              if tokens[i - 1:i] and tokens[i - 1] in _RATING_ARTICLES or tokens[i + 1:i + 2] == [","] or opens(i)}
    if strong:
        return strong.pop() if len(strong) == 1 else None
    weak = {value for i, value in scores if tokens[i - 1:i] and tokens[i - 1] in _HALF_HEARD_ARTICLES or
            i == len(tokens) - 1}
    return weak.pop() if len(weak) == 1 else None


_SUBJECT = re.compile(r"(?<!')\b(?:about|on|around|regarding|concerning|re)\s+(?P<rest>.+)$")
_NO_SUBJECT = frozenset("tonight please now for us to talk chat discuss with each other together then".split())


# "what should we talk about", "something to chat about tonight": the talk is what is asked for, not its subject.
_TALK_FRAME = re.compile(r"\b(?:talk|talking|chat|chatting|discuss|discussing|speak|speaking|think)\s+about"
                         r"(?:\s+(?:tonight|now|please|then|together|next|today))*\W*$")


def without_talk_frame(text: str) -> Optional[str]:
    """The words of a request left once a closing "... talk about" is dropped ("what should we"), or None when the
    request does not end on one."""
    lowered = text.lower().strip()
    return _TALK_FRAME.sub("", lowered).strip() if _TALK_FRAME.search(lowered) else None


def subject_of(text: str) -> Optional[str]:
    """What a request says it is about ("... about who decides" -> "who decides"), or None."""
    match = _SUBJECT.search(text.lower())
    while match:
        if set(match.group("rest").split()) - _NO_SUBJECT:
            return match.group("rest")
        match = _SUBJECT.search(match.group("rest"))
    return None


_NAMED_KIND = re.compile(r"\b(?:the|that|this)\s+(?P<kind>[\w' ]{2,40}?)\s+(?:one|question|prompt|starter)s?\b")


def named_kind(text: str) -> Optional[str]:
    """The words that name which prompt is meant ("that fantasy one" -> "fantasy"), or None."""
    match = _NAMED_KIND.search(text.lower())
    return match.group("kind") if match else None


def names_a_subject(text: str) -> bool:
    """Whether a request says what it is about ("... about who decides"), not just "something to talk about"."""
    return subject_of(text) is not None


_CONJUNCTION = re.compile(r"\s+(?:and also|and then|and|as well as|plus|or maybe|or)\s+")


# A part that ends on an auxiliary ("... and the other doesn't", "... or i do") is the rest of one situation's clause,
# not a second subject.
_ELLIPSIS_END = re.compile(r"\b(?:do|does|did|is|are|was|were|can|could|will|would|has|have|had|should|might)(?:n't| not)?$"
                           r"|\b(?:don't|doesn't|didn't|isn't|aren't|wasn't|weren't|can't|won't|wouldn't|hasn't|haven't)$")


def subject_parts(text: str) -> List[str]:
    """The parts of a request's subject joined by "and" / "or" ("about fairness and who decides": two parts); one
    situation told in two clauses ("when one of us wants it and the other doesn't") is one part."""
    subject = subject_of(text)
    if subject is None:
        return []
    parts = [part for part in _CONJUNCTION.split(subject) if set(part.split()) - _NO_SUBJECT]
    if any(_ELLIPSIS_END.search(part.strip()) for part in parts[1:]):
        return [subject]
    return parts
