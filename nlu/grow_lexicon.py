"""Grow the topic lexicon from WordNet (Debian package wordnet-base): writes nlu/lexicon.yml, reviewed by hand.

    python3 nlu/grow_lexicon.py [--wordnet /usr/share/wordnet]

Only a development tool: training reads the committed nlu/lexicon.yml, never WordNet itself.
For each topic, the words sharing a synset with one of its seed senses become synonyms of the topic,
minus the words in SKIP (too general, or naming another topic).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Set, Tuple

# (lemma, part of speech, sense numbers to take) per topic: senses chosen by reading WordNet's glosses.
SEEDS: Dict[str, List[Tuple[str, str, Tuple[int, ...]]]] = {
    "mutuality": [("mutuality", "n", (1,)), ("reciprocity", "n", (1, 2)), ("equality", "n", (1,)),
                  ("fairness", "n", (1, 2)), ("partnership", "n", (1,)), ("equal", "a", (1,))],
    "desire": [("desire", "n", (1, 2, 3)), ("libido", "n", (1,)), ("lust", "n", (1, 2)), ("longing", "n", (1,)),
               ("arousal", "n", (1,)), ("passion", "n", (1, 2)), ("crave", "v", (1,))],
    "initiation": [("initiate", "v", (1, 2)), ("initiative", "n", (1, 2)), ("advance", "n", (5,)),
                   ("overture", "n", (3,))],
    "power": [("power", "n", (1, 3)), ("control", "n", (1, 2)), ("dominance", "n", (1,)),
              ("authority", "n", (1,)), ("submission", "n", (1,)), ("consent", "n", (1,))],
    "body": [("body", "n", (1,)), ("physique", "n", (1,)), ("embodiment", "n", (1,)), ("skin", "n", (1,))],
    "pleasure": [("pleasure", "n", (1, 2)), ("enjoyment", "n", (1,)), ("delight", "n", (1,)),
                 ("satisfaction", "n", (1,)), ("gratification", "n", (1,))],
    "communication": [("communication", "n", (1, 2)), ("conversation", "n", (1,)), ("candor", "n", (1,)),
                      ("honesty", "n", (1,)), ("listen", "v", (1,))],
    "appreciation": [("appreciation", "n", (1, 2, 3)), ("gratitude", "n", (1,)), ("admiration", "n", (1,)),
                     ("praise", "n", (1,)), ("compliment", "n", (1,)), ("cherish", "v", (1,))],
}
SKIP: Set[str] = {
    "body", "organic structure", "physical structure", "soundbox", "trunk", "torso", "consistency", "eubstance",
    "power", "powerfulness", "control", "ascendance", "ascendence", "ascendancy", "ascendency", "say-so",
    "communication", "communicating", "conversation", "listen", "hear", "take heed", "delight", "pleasure",
    "joy", "satisfaction", "advance", "initiative", "enterprise", "go-ahead", "opening", "hire", "tolerate",
    "advancement", "overture", "approach", "feeler", "rise", "cozy up", "shine up", "suck up", "send",
    "phallus", "leadership", "agency", "mastery", "command", "authority", "potency", "pleasance", "gladden",
    "please", "kick", "boot", "charge", "flush", "bang", "rush", "thrill", "frisson", "candour", "silver",
    "skin", "tegument", "cutis", "hide", "pelt", "spirit", "soul", "human body", "physical body", "material body",
    "personify", "incarnation", "embodiment", "praise", "kudos", "congratulations", "extolment", "prize",
    "value", "treasure", "appreciate", "enjoy", "savor", "savour", "relish", "discernment", "perceptiveness",
}

# Words WordNet puts in a seed's synset that mean something else here (by topic).
SKIP_FOR: Dict[str, Set[str]] = {
    "mutuality": {"candor"},
    "desire": {"heat", "starve", "warmth", "rousing", "luxuria"},
    "initiation": {"cash advance", "enterprisingness", "originate", "pioneer", "start"},
    "power": {"ability", "authorisation", "authorization", "entry", "laterality"},
    "body": {"avatar", "build", "body-build", "habitus"},
    "communication": {"fairness", "fair-mindedness"},
    "appreciation": {"grasp", "hold", "taste", "care for"},
}


def _index(wordnet: Path, pos: str) -> Dict[str, List[str]]:
    """Lemma -> synset offsets, in sense order, from index.<pos>."""
    name = {"n": "noun", "v": "verb", "a": "adj"}[pos]
    table: Dict[str, List[str]] = {}
    for line in (wordnet / f"index.{name}").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        parts = line.split()
        count, pointers = int(parts[2]), int(parts[3])
        table[parts[0]] = parts[6 + pointers:6 + pointers + count]
    return table


def _synset_words(wordnet: Path, pos: str, offset: str) -> List[str]:
    """The words of one synset (from data.<pos>, read at its byte offset)."""
    name = {"n": "noun", "v": "verb", "a": "adj"}[pos]
    with (wordnet / f"data.{name}").open("rb") as data:
        data.seek(int(offset))
        parts = data.readline().decode("latin-1").split()
    count = int(parts[3], 16)
    return [parts[4 + 2 * i].split("(")[0].replace("_", " ").lower() for i in range(count)]


def grow(wordnet: Path) -> Dict[str, List[str]]:
    """Topic -> sorted new synonym words."""
    indexes = {pos: _index(wordnet, pos) for pos in "nva"}
    grown: Dict[str, List[str]] = {}
    for topic, seeds in SEEDS.items():
        words: Set[str] = set()
        for lemma, pos, senses in seeds:
            offsets = indexes[pos].get(lemma, [])
            for sense in senses:
                if sense <= len(offsets):
                    words.update(_synset_words(wordnet, pos, offsets[sense - 1]))
        grown[topic] = sorted(w for w in words if w not in SKIP and w not in SKIP_FOR.get(topic, set()) and w != topic)
    return grown


def main() -> int:
    """Write nlu/lexicon.yml as Rasa synonym blocks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("lexicon.yml"))
    args = parser.parse_args()
    grown = grow(args.wordnet)
    lines = ['version: "3.1"', "", "# Topic words grown from WordNet 3.0 (Debian wordnet-base) by nlu/grow_lexicon.py,",
             "# reviewed by hand. Synonyms of the canonical topics; the sentence topic classifier also trains on them.",
             "nlu:"]
    for topic, words in grown.items():
        if words:
            lines += [f"- synonym: {topic}", "  examples: |", *(f"    - {w}" for w in words)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: " + ", ".join(f"{t} {len(w)}" for t, w in grown.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
