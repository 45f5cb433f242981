"""Whisper's words read: the shared spoken form, numbers and ratings half heard, stops half heard, loops undone."""

from __future__ import annotations

import difflib
import itertools
import re
from typing import List, Sequence, Tuple

from assistant.recognizers import clean_text

# Whisper spells the American way; the companion's phrasings are British ("favourite").
SPOKEN_FORMS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "ok": "okay", "%": "percent", "favorite": "favourite",
                "favorites": "favourites"}
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(digits: str) -> str:
    """0-99 as spoken words ("12" -> "twelve", "24" -> "twenty four"); other numbers as written."""
    if not digits.isdigit() or len(digits) > 2 or (len(digits) == 2 and digits[0] == "0"):
        return digits
    value = int(digits)
    if value < 20:
        return _UNITS[value]
    tens, unit = divmod(value, 10)
    return _TENS[tens - 2] + (f" {_UNITS[unit]}" if unit else "")


# Words Whisper writes for a rating it half heard, with the number each may stand for: homophones ("for", "to")
# and near misses in robotic voices ("free", "fine").
NUMBER_ALIKES = {"won": "one", "wan": "one", "want": "one", "what": "one", "to": "two", "too": "two", "free": "three",
                 "tree": "three", "thee": "three", "for": "four", "far": "four", "fore": "four", "fall": "four",
                 "floor": "four", "fine": "five", "file": "five", "fife": "five", "hive": "five", "type": "five",
                 "time": "five", "find": "five", "fight": "five", "if": "five"}


def rating_readings(text: str) -> List[str]:
    """`text` with one word that sounds like a number (a rating half heard) read as that number, or "the" before
    a number heard for "a" ("probably the two")."""
    words = text.split()
    readings = [words[:i] + [NUMBER_ALIKES[w]] + words[i + 1:] for i, w in enumerate(words) if w in NUMBER_ALIKES]
    readings += [words[:i] + ["a"] + words[i + 1:] for i, w in enumerate(words[:-1]) if w == "the" and
                 words[i + 1] in _UNITS[1:6] and words[i + 2:i + 3] != ["of"]]
    return [" ".join(reading) for reading in readings]


# "out of five" half heard ("how did five", "hour file", "how then fine"), and the word before it, which held the
# rating ("one" heard as "well").
_OUT_OF_HEARD = re.compile(r"(?:^|(?<= ))[\w']+ (?:how|hour|our|out)(?: [\w']+)? (?:five|fine|file|fife|hive)\b")


def scale_readings(text: str) -> List[str]:
    """`text` with an "out of five" half heard read as one, and the word before it as each rating from one to five
    ("well how did five we were" -> "one out of five we were", ... "five out of five we were"): the audio picks."""
    match = _OUT_OF_HEARD.search(text)
    if match is None:
        return []
    return [f"{text[:match.start()]}{number} out of five{text[match.end():]}" for number in _UNITS[1:6]]


# Words said where an "a" was meant before a rating ("I four", "the two").
SAID_FOR_A = frozenset({"i", "the", "and", "uh", "um", "oh"})


def number_readings(written: str, spots: Sequence[Tuple[int, str]]) -> List[str]:
    """Whisper's written answer with the word at each spot read as that spot's number, with a comma after it too
    ("Or I think we..." with (0, "four") -> "Four I think we...", "Four, I think we..."; "I too, we..." with
    (1, "two") -> "I two, we...", "A two, we...")."""
    words = written.split()
    readings = []
    for i, number in spots:
        if not 0 <= i < len(words):
            continue
        core, mark = re.fullmatch(r"(.*?)([.,!?;:]*)", words[i]).groups()  # type: ignore[union-attr]
        _, dash, tail = core.partition("-")
        for end in dict.fromkeys((mark, mark or ",")):
            said = f"{number.capitalize() if i == 0 else number}{dash}{tail}{end}"
            readings.append(words[:i] + [said] + words[i + 1:])
            if i and words[i - 1].lower().strip(".,!?;:") in SAID_FOR_A:
                readings.append(words[:i - 1] + ["A" if i == 1 else "a", said] + words[i + 1:])
    return [" ".join(reading) for reading in readings]


# A short utterance may be a stop Whisper half heard ("staff", "okay start", "companion star"): each of
# its words, and the whole, is tried as a stop word, and a reading that makes it a stop is taken when the audio
# fits it well enough.
STOP_WORDS = ("stop", "quiet", "enough", "cancel")
STOP_MAX_WORDS = 3
STOP_WORD_MAX_WORDS = 2  # a whole reading of three ("five out of") was a false stop: one word fits few tokens


# Only a word spelled like a stop word is read as one: each reading costs a forced alignment on every short command
# ("next one", "pass"), and a word with few letters in common ("okay", "please") never turned out to be a stop.
SOUNDS_LIKE = 0.4


def _sounds_like(word: str, stop: str) -> bool:
    """Whether `word` is spelled near enough to `stop` ("start", "star", "quite") to be tried as it."""
    return difflib.SequenceMatcher(None, word, stop).ratio() >= SOUNDS_LIKE


# A stop phrase half heard over a stretch of words ("don't ever mind" for "oh never mind", "and the check in" for
# "end the check in", "council that" for "cancel that"): in a transcript of at most STOP_SPAN_MAX_WORDS words, a
# stretch of one to three words spelled this near a stop phrase (letters only) is tried as it.
STOP_SPAN_PHRASES = ("stop", "enough", "that's enough", "never mind", "cancel", "be quiet", "forget it", "end", "hush")
STOP_SPAN_MAX_WORDS = 5
STOP_SPAN_LIKE = 0.6
# How Whisper writes the close of "enough" (its n heard as a t, its f as a p: "that's it up", "have to sit up"): a
# transcript ending in one may be "enough" or "that's enough" over its last words.
ENOUGH_ENDS = frozenset({"up", "off"})


def _letters(words: Sequence[str]) -> str:
    """The letters of `words`, run together ("that's enough" -> "thatsenough")."""
    return re.sub(r"[^a-z]", "", "".join(words))


def span_readings(words: Sequence[str]) -> List[str]:
    """`words` with one stretch of one to three words read as a stop phrase it is spelled near."""
    readings = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + 3, len(words)) + 1):
            heard = _letters(words[start:end])
            readings += [" ".join([*words[:start], phrase, *words[end:]]) for phrase in STOP_SPAN_PHRASES
                         if difflib.SequenceMatcher(None, heard, _letters([phrase])).ratio() >= STOP_SPAN_LIKE]
    if words and words[-1] in ENOUGH_ENDS:
        readings += [" ".join([*words[:start], phrase]) for start in range(len(words))
                     for phrase in ("enough", "that's enough")]
    return readings


def stop_readings(text: str) -> List[str]:
    """Readings of a short transcript with one word as a stop word that make it a stop ("okay start" -> "okay
    stop"), when it is not one already."""
    from assistant.dialogue.commands import heard_stop, is_stop_command

    words = text.split()
    if not words or len(words) > STOP_MAX_WORDS or heard_stop(text):
        return []
    readings = {" ".join(words[:i] + [stop] + words[i + 1:]) for i, word in enumerate(words) for stop in STOP_WORDS
                if _sounds_like(word, stop)}
    if len(words) <= STOP_WORD_MAX_WORDS:  # or the whole of it one stop word ("quite" for "quiet")
        readings.update(stop for stop in STOP_WORDS if _sounds_like("".join(words), stop))
    return sorted(r for r in readings if r != text and is_stop_command(r))


def phrase_stop_readings(text: str) -> List[str]:
    """Readings of a short transcript with a stretch of words as a stop phrase that make it a stop ("don't ever
    mind" -> "never mind", "okay now to sit up" -> "okay that's enough"), when it is not one already and no word
    reading (stop_readings) gives the same."""
    from assistant.dialogue.commands import heard_stop, is_stop_command

    words = text.split()
    if not words or len(words) > STOP_SPAN_MAX_WORDS or heard_stop(text):
        return []
    readings = set(span_readings(words)) - set(stop_readings(text))
    return sorted(r for r in readings if r != text and is_stop_command(r))


def normalise(text: str) -> str:
    """Whisper's cased, punctuated text in the recognisers' shared form: lower case words, digits spelled."""
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    text = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", text)  # "a3", "f4": a number said after a word
    text = re.sub(r"[^\w' ]+", " ", text)
    words = (number_words(word) if word.isdigit() else SPOKEN_FORMS.get(word.lower(), word) for word in text.split())
    return clean_text(" ".join(words))


def _same(word: str, cut: str) -> bool:
    """Whether `cut` is `word`, or `word` cut short (where a runaway output hit its token budget)."""
    return word.startswith(cut)


def near_word(word: str, key: str) -> bool:
    """`word` is `key` but for one letter changed, added or dropped ("campanion", "companions")."""
    import difflib

    return word == key or (abs(len(word) - len(key)) <= 2 and
                           difflib.SequenceMatcher(None, word, key).ratio() >= 1 - 1 / max(len(key), 1))


# Words after which the opening word comes again on purpose ("turn by turn", "day after day"), not as a loop.
SAID_AGAIN_AFTER = frozenset({"by", "to", "after", "for", "upon"})


def collapse_repeats(text: str) -> str:
    """Whisper's loops undone: a phrase said again at once is said once; "five five" is "five".

    Consecutive repeats of two or more words go, as do runs of three or more of one word, a whole output that is one
    word twice, and the opening said again at the end, whole or cut short ("next one next", "probably a three
    today probably a"): on short clips Whisper loops back to the start far more often than people repeat themselves.
    """
    words = []
    for word, run in itertools.groupby(text.split()):
        count = len(list(run))
        words += [word] * (1 if count >= 3 else count)
    if len(words) == 2 and words[0] == words[1]:
        words = words[:1]
    changed = True
    while changed:
        changed = False
        for size in range(len(words) // 2, 1, -1):
            for start in range(0, len(words) - 2 * size + 1):
                unit, after = words[start:start + size], words[start + size:start + 2 * size]
                if unit == after:
                    del words[start + size:start + 2 * size]
                    changed = True
                    break
            if changed:
                break
    return " ".join(_without_opening_again(words))


# Contractions Whisper writes one way in a sentence and the other way when it loops back ("i'm good ... i am").
_SPELLED_OUT = {"i'm": "i am", "it's": "it is", "that's": "that is", "we're": "we are", "you're": "you are",
                "they're": "they are", "i've": "i have", "we've": "we have", "don't": "do not", "didn't": "did not",
                "i'd": "i would", "we'd": "we would", "can't": "can not", "isn't": "is not", "wasn't": "was not"}


def _without_opening_again(words: List[str]) -> List[str]:
    """`words` without the opening said again after the end, whole or cut short ("next one next"; "not really i'm
    good not really i am": contractions count spelled out)."""
    spelled: List[str] = []
    starts: List[int] = []  # the index in `words` each spelled-out word comes from
    for index, word in enumerate(words):
        parts = _SPELLED_OUT.get(word, word).split()
        spelled += parts
        starts += [index] * len(parts)
    for period in range(2, len(spelled)):
        if starts[period] == starts[period - 1]:
            continue  # inside one written word
        tail = spelled[period:]
        if len(tail) == 1 and spelled[period - 1] in SAID_AGAIN_AFTER:
            continue  # "turn by turn", "face to face": the word is said again on purpose
        if all(_same(spelled[i], cut) for i, cut in enumerate(tail)) and tail[:-1] == spelled[:len(tail) - 1]:
            return words[:starts[period]]  # the opening said again after the end
    return words


def looped_variants(text: str) -> List[str]:
    """The takes of a short output Whisper said two or three times over, each a word different ("stop talking start
    talking", "companion stop companion start companion star"), perhaps cut off mid-take by the token budget ("okay
    start okay stop okay start okay"): the audio holds one of them."""
    words = text.split()
    for size in range(STOP_MAX_WORDS, 1, -1):
        count, cut = divmod(len(words), size)
        if count not in (2, 3):
            continue
        takes = [words[i * size:(i + 1) * size] for i in range(count)]
        tail = words[count * size:]
        if cut and not any(take[:cut] == tail for take in takes):
            continue
        if all(sum(a != b for a, b in zip(takes[0], take)) <= 1 for take in takes[1:]):
            return list(dict.fromkeys(" ".join(take) for take in takes))
    return []


# A take said again must match the first this closely, letter for letter (difflib ratio), to be a loop.
TAKE_LIKENESS = 0.7
TAKE_MIN_WORDS = 3  # shorter takes a word apart are looped_variants', chosen by the audio ("stop talking start talking")


def takes(text: str) -> List[str]:
    """The takes of a sentence Whisper wrote twice, each time a little differently ("no we would rather not know we
    would rather not"), or cut short the second time ("add this to our favourites add the"): the whole take(s) to
    choose from (a take a word short counts as whole); [] when `text` is no such loop."""
    words = text.split()
    best, cut = TAKE_LIKENESS, 0
    for k in range(TAKE_MIN_WORDS, len(words) - TAKE_MIN_WORDS + 1):
        first, second = words[:k], words[k:]
        if len(second) > len(first) + 1:
            continue
        said = " ".join(second)
        likeness = max(difflib.SequenceMatcher(None, " ".join(first[:len(second)]), said).ratio(),
                       difflib.SequenceMatcher(None, " ".join(first), said).ratio())
        if likeness >= best:
            best, cut = likeness, k
    if not cut:
        return []
    first, second = words[:cut], words[cut:]
    return [" ".join(first)] + ([" ".join(second)] if len(second) >= len(first) - 1 else [])


def cut_short(readings: Sequence[str], scores: Sequence[float]) -> List[bool]:
    """Which readings stop early, their words only the start of a reading Whisper scored higher ("hold on" beside
    "hold on pause for a bit"): the audio held more words, and a short common command must not win on its phrasing."""
    words = [reading.split() for reading in readings]
    return [any(scores[j] > scores[i] and len(words[j]) > len(mine) and words[j][:len(mine)] == mine
                for j in range(len(words))) for i, mine in enumerate(words)]
