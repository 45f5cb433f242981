"""A domain trigram LM (ARPA, Witten-Bell, backing off to a domain+generic unigram mix) and its dictionary.

Built from the NLU examples, the prompt library and the wake phrase; cached under a hash of its inputs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import math
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

BUILDER_VERSION = 6
NOT_COMMANDS = frozenset({"couple_talk"})
# Stop must never be missed: its phrasings count this many times in the command model (a prior, not a list of
# sentences the recogniser may say), so a new activity's phrasings don't crowd "quiet please" out.
EXAMPLE_WEIGHTS = {"stop": 10}
# Other ways of saying the stop words, beside CMUdict's American ones: non-rhotic "never" and "enough" with a schwa
# (British voices), the rounded British "stop", "quiet" in one syllable or with /ɪ/, "mind" without its /d/.
STOP_VARIANTS = {
    "stop": ("S T AO P",), "never": ("N EH V AH",), "enough": ("AH N AH F",), "quiet": ("K W AY IH T", "K W AY T"),
    "mind": ("M AY N",),
}
BOS, EOS = "<s>", "</s>"
ORDER = 3

_ANNOTATION = re.compile(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})")
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """Spoken form of 0..999 (larger numbers digit by digit)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    return " ".join(_ONES[int(d)] for d in str(n))


def normalize(text: str) -> str:
    """Spoken-style text: annotations stripped, lower case, numbers as words, no punctuation."""
    text = _ANNOTATION.sub(r"\1", text)
    text = text.lower().replace("\u2019", "'").replace("&", " and ").replace("%", " percent")
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    return " ".join(w for w in words if w)


def _read_yaml(path: Path) -> object:
    """Parsed YAML, or None when the file is missing or broken (the LM still builds)."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None


def nlu_examples(path: Path) -> List[str]:
    """Example texts from a Rasa NLU file (intents, synonyms, lookups), annotations stripped."""
    data = _read_yaml(path)
    items = data.get("nlu") if isinstance(data, dict) else None
    out: List[str] = []
    for item in items or []:
        if isinstance(item, dict) and item.get("intent") in NOT_COMMANDS:
            continue  # the couple's talk to each other: in the command model it only dilutes the commands
        examples = item.get("examples") if isinstance(item, dict) else None
        if isinstance(examples, str):
            lines = examples.splitlines()
        elif isinstance(examples, list):
            lines = [e.get("text", "") if isinstance(e, dict) else str(e) for e in examples]
        else:
            continue
        for line in lines:
            line = line.strip()
            if line.startswith("- "):
                line = line[2:]
            if line:
                out += [line] * EXAMPLE_WEIGHTS.get(str(item.get("intent")), 1)
    return out


def prompt_texts(path: Path) -> List[str]:
    """The `text` fields of a prompt library file."""
    data = _read_yaml(path)
    items = data.get("prompts") if isinstance(data, dict) else None
    return [str(p["text"]) for p in items or [] if isinstance(p, dict) and p.get("text")]


def domain_sentences(wake_phrase: str = "hey companion", nlu_files: Sequence[Path] = (),
                     prompt_files: Sequence[Path] = ()) -> List[str]:
    """Normalised domain sentences: each NLU example (alone and after the wake phrase), prompts, the wake phrase."""
    wake = normalize(wake_phrase)
    examples = [normalize(t) for f in nlu_files for t in nlu_examples(Path(f))]
    prompts = [normalize(t) for f in prompt_files for t in prompt_texts(Path(f))]
    sentences = [s for s in examples if s]
    if wake:
        sentences += [wake] * 3 + [f"{wake} {s}" for s in examples if s]
    return sentences + [s for s in prompts if s]


# NLU files the command model leaves out: nlu/variety.yml, variety2.yml, variety3.yml, care_more.yml (the longer
# disclosures) and wishes.yml (topics asked for as wishes) hold hundreds of long, varied phrasings written for the
# text classifier's sake; in the language model they would only thin out the short commands a recogniser must hear.
# commands_fresh.yml too (registers, hesitations, couple talk in command words): in the phrasings that choose among
# Whisper's command readings it turned "hey companion go on" into "you can go on" (tests/test_conversations_voice.py).
# commands_compound.yml (conversation commands that name a topic) and commands_registers.yml (commands in formal,
# slangy and regional registers) are long phrasings of the same kind.
LM_LEFT_OUT = frozenset({"variety.yml", "variety2.yml", "variety3.yml", "care_more.yml", "wishes.yml",
                         "commands_fresh.yml", "commands_compound.yml", "commands_registers.yml"})


def default_sources() -> Tuple[List[Path], List[Path]]:
    """The project's NLU files (but those in LM_LEFT_OUT) and prompt library."""
    from assistant import paths

    nlu = sorted(paths.NLU_DIR.glob("*.yml")) if paths.NLU_DIR.is_dir() else []
    return [p for p in nlu if "config" not in p.name and p.name not in LM_LEFT_OUT], [paths.DIALOGUES_DIR / "prompts.yml"]


def _base_word(line: str) -> str:
    """The word a dictionary line is for, without its "(2)" variant marker."""
    return line.split(" ", 1)[0].split("(", 1)[0]


@functools.lru_cache(maxsize=2)
def _dictionary_lines(path: str) -> Tuple[str, ...]:
    """A CMU-style dictionary's lines (sorted by base word, variants adjacent)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        return tuple(line for line in handle.read().splitlines() if line.strip())


def read_dictionary(path: Path, words: Optional[Iterable[str]] = None) -> Dict[str, List[str]]:
    """Pronunciations (alternates kept) from a CMU-style dictionary sorted by word: all, or only `words`."""
    lines = _dictionary_lines(str(path))
    prons: Dict[str, List[str]] = defaultdict(list)
    if words is None:
        for line in lines:
            prons[_base_word(line)].append(line.split(" ", 1)[1].strip())
        return dict(prons)
    for word in set(words):
        lo, hi = 0, len(lines)
        while lo < hi:  # bisect_left on the base word (bisect's key= needs Python 3.10)
            mid = (lo + hi) // 2
            if _base_word(lines[mid]) < word:
                lo = mid + 1
            else:
                hi = mid
        i = lo
        while i < len(lines) and _base_word(lines[i]) == word:
            prons[word].append(lines[i].split(" ", 1)[1].strip())
            i += 1
    return dict(prons)


def _respellings(word: str) -> List[str]:
    """American spellings of a British one (favour -> favor, realise -> realize)."""
    out = []
    if "our" in word:
        out.append(word.replace("our", "or"))
    if "is" in word:
        out.append(re.sub(r"is(e|es|ed|ing)$", r"iz\1", word))
    return [w for w in out if w != word]


def guess_pronunciations(words: Iterable[str], dict_path: Path) -> Dict[str, List[str]]:
    """Letter-to-sound guesses for words missing from the dictionary: a respelling or two known halves."""
    words = list(words)
    candidates = {c for w in words for c in _respellings(w)}
    candidates |= {part for w in words for i in range(2, len(w) - 1) for part in (w[:i], w[i:])}
    known = read_dictionary(dict_path, candidates)
    guesses: Dict[str, List[str]] = {}
    for word in words:
        for spelling in _respellings(word):
            if spelling in known:
                guesses[word] = known[spelling][:1]
                break
        else:
            splits = [(word[:i], word[i:]) for i in range(len(word) - 2, 1, -1)]
            for head, tail in splits:
                if head in known and tail in known:
                    guesses[word] = [known[head][0] + " " + known[tail][0]]
                    break
    return guesses


def generic_unigrams(model_dir: Path, top: int, cache_dir: Optional[Path] = None) -> Dict[str, float]:
    """The `top` most likely words of the bundled generic LM (log10 unigram probabilities), cached on disk."""
    lm_path, dict_path = model_dir / "en-us.lm.bin", model_dir / "cmudict-en-us.dict"
    key = hashlib.sha256(json.dumps([top, lm_path.stat().st_size, dict_path.stat().st_size]).encode()).hexdigest()
    cached = (cache_dir or cache_root()) / f"generic-{key[:16]}.json"
    try:
        loaded: Dict[str, float] = json.loads(cached.read_text(encoding="utf-8"))
        return loaded
    except (OSError, ValueError):
        pass
    import pocketsphinx as ps

    lm = ps.NGramModel(ps.Config(lm=None, hmm=None, dict=None, loglevel="FATAL"), ps.LogMath(), str(lm_path))
    scale = math.log10(1.0001)  # pocketsphinx's log base
    words = {_base_word(line) for line in _dictionary_lines(str(dict_path))}
    scored = sorted(((lm.prob([w]), w) for w in words if w.isascii() and "_" not in w), reverse=True)
    result = {w: p * scale for p, w in scored[:top]}
    try:
        _private_folder(cached.parent)
        _write_private_text(cached, json.dumps(result))
    except OSError:
        pass
    return result


def _ngram_counts(sentences: Iterable[str]) -> "List[Counter[Tuple[str, ...]]]":
    """Counts of 1..ORDER-grams over sentences padded with <s> and </s>."""
    counts: "List[Counter[Tuple[str, ...]]]" = [Counter() for _ in range(ORDER)]
    for sentence in sentences:
        tokens = [BOS] + sentence.split() + [EOS]
        for n in range(1, ORDER + 1):
            for i in range(len(tokens) - n + 1):
                gram = tuple(tokens[i:i + n])
                if gram != (BOS,):
                    counts[n - 1][gram] += 1
    return counts


def build_arpa(sentences: Sequence[str], generic: Dict[str, float], domain_weight: float = 0.9) -> str:
    """An interpolated Witten-Bell trigram LM in ARPA text; unigrams mix domain and generic distributions."""
    counts = _ngram_counts(sentences)
    vocab = sorted({g[0] for g in counts[0]} | set(generic) | {EOS})
    total = sum(counts[0].values())
    uni_types = len(counts[0])
    gen_mass = sum(10 ** p for w, p in generic.items())
    probs: List[Dict[Tuple[str, ...], float]] = [{} for _ in range(ORDER)]
    for w in vocab:
        dom = (counts[0].get((w,), 0) + uni_types / len(vocab)) / (total + uni_types)
        gen = 10 ** generic[w] / gen_mass if w in generic else 0.0
        probs[0][(w,)] = domain_weight * dom + (1 - domain_weight) * gen if generic else dom
    followers: "List[Dict[Tuple[str, ...], Counter[str]]]" = [defaultdict(Counter) for _ in range(ORDER)]
    for n in range(2, ORDER + 1):
        for gram, c in counts[n - 1].items():
            followers[n - 1][gram[:-1]][gram[-1]] = c

    def lower(gram: Tuple[str, ...]) -> float:
        """Probability of the last word of `gram` given a history shortened by one word."""
        n = len(gram) - 1
        if n == 1:
            return probs[0][gram[-1:]]
        return probs[n - 1].get(gram[1:]) or backoff_prob(gram[1:])

    def backoff_prob(gram: Tuple[str, ...]) -> float:
        """P(w|h) for an unseen n-gram through backoff weights."""
        if len(gram) == 1:
            return probs[0][gram]
        hist = gram[:-1]
        return bows.get(hist, 1.0) * (probs[len(gram) - 1].get(gram) or backoff_prob(gram[1:]))

    bows: Dict[Tuple[str, ...], float] = {}
    for n in range(2, ORDER + 1):
        for hist, nexts in followers[n - 1].items():
            c_h, t_h = sum(nexts.values()), len(nexts)
            for w, c in nexts.items():
                probs[n - 1][hist + (w,)] = (c + t_h * lower(hist + (w,))) / (c_h + t_h)
        for hist, nexts in followers[n - 1].items():
            seen = sum(probs[n - 1][hist + (w,)] for w in nexts)
            seen_lower = sum(lower(hist + (w,)) for w in nexts)
            bows[hist] = max(1e-12, 1.0 - seen) / max(1e-12, 1.0 - seen_lower)
    return _format_arpa(probs, bows)


def _format_arpa(probs: List[Dict[Tuple[str, ...], float]], bows: Dict[Tuple[str, ...], float]) -> str:
    """ARPA text for the given probabilities and backoff weights."""
    probs[0][(BOS,)] = 0.0
    lines = ["\\data\\"] + [f"ngram {n + 1}={len(p)}" for n, p in enumerate(probs)] + [""]
    for n, table in enumerate(probs):
        lines.append(f"\\{n + 1}-grams:")
        for gram in sorted(table):
            p = table[gram]
            logp = -99.0 if p <= 0 else math.log10(p)
            line = f"{logp:.5f}\t{' '.join(gram)}"
            if n < ORDER - 1:
                line += f"\t{math.log10(bows.get(gram, 1.0)):.5f}"
            lines.append(line)
        lines.append("")
    lines.append("\\end\\")
    return "\n".join(lines) + "\n"


def unigram_arpa(log10_probs: Mapping[str, float]) -> str:
    """ARPA text for a unigram model: each word with its log10 probability, the sentence end at -1."""
    unigrams: Dict[Tuple[str, ...], float] = {(word,): 10 ** logp for word, logp in log10_probs.items()}
    unigrams[(EOS,)] = 0.1
    return _format_arpa([unigrams], {})


def dictionary_text(prons: Mapping[str, Sequence[str]]) -> str:
    """A CMU-style dictionary: one line per pronunciation, alternates numbered word(2), word(3)..."""
    lines = [f"{word}{'' if i == 0 else f'({i + 1})'} {phones}"
             for word, variants in prons.items() for i, phones in enumerate(variants)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class DomainModel:
    """A built domain LM: ARPA file, dictionary file, and what went into it."""

    lm_path: Path
    dict_path: Path
    words: int
    sentences: int
    dropped_words: Tuple[str, ...]
    build_seconds: float
    cached: bool


def _write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file, 0600 whatever the umask (OSError if it cannot)."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _private_folder(folder: Path) -> None:
    """A cache folder readable by the user only."""
    from assistant import paths

    paths.private_dir(folder)


def cache_root() -> Path:
    """Where built LMs are kept: <data dir>/cache/lm, else a temp dir."""
    from assistant import paths

    for root in (paths.home() / "cache" / "lm", Path(tempfile.gettempdir()) / "companion-lm-cache"):
        try:
            return paths.private_dir(root)  # 0700 whatever the umask
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="companion-lm-"))


def split_on_unknown(sentences: Iterable[str], known: Dict[str, List[str]]) -> Tuple[List[str], List[str]]:
    """Sentences cut at words without a pronunciation, and the sorted list of those words."""
    kept: List[str] = []
    dropped = set()
    for sentence in sentences:
        run: List[str] = []
        for word in sentence.split():
            if word in known:
                run.append(word)
                continue
            dropped.add(word)
            if run:
                kept.append(" ".join(run))
            run = []
        if run:
            kept.append(" ".join(run))
    return kept, sorted(dropped)


def build_domain_model(sentences: Sequence[str], model_dir: Path, generic_top: int = 3000,
                       domain_weight: float = 0.9, cache_dir: Optional[Path] = None) -> DomainModel:
    """Build (or reuse from cache) the domain ARPA LM and its dictionary for the bundled en-us model."""
    start = time.perf_counter()
    model_dir = Path(model_dir)
    dict_file, lm_file = model_dir / "cmudict-en-us.dict", model_dir / "en-us.lm.bin"
    key_src = json.dumps([BUILDER_VERSION, list(sentences), generic_top, domain_weight, STOP_VARIANTS,
                          dict_file.stat().st_size, lm_file.stat().st_size])
    key = hashlib.sha256(key_src.encode("utf-8")).hexdigest()[:16]
    folder = (cache_dir or cache_root()) / key
    lm_path, dict_path, meta_path = folder / "domain.lm", folder / "domain.dict", folder / "meta.json"
    if meta_path.exists() and lm_path.exists() and dict_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            return DomainModel(lm_path, dict_path, meta["words"], meta["sentences"], tuple(meta["dropped"]),
                               time.perf_counter() - start, True)
        except (ValueError, KeyError, OSError):
            pass
    generic = generic_unigrams(model_dir, generic_top, cache_dir) if generic_top > 0 else {}
    prons = read_dictionary(dict_file, {w for s in sentences for w in s.split()} | set(generic))
    missing = {w for s in sentences for w in s.split()} - set(prons)
    prons.update(guess_pronunciations(missing, dict_file))
    for word, variants in STOP_VARIANTS.items():
        if word in prons:
            prons[word] = prons[word] + [v for v in variants if v not in prons[word]]
    kept, dropped = split_on_unknown(sentences, prons)
    arpa = build_arpa(kept, generic, domain_weight)
    vocab = sorted({w for s in kept for w in s.split()} | set(generic))
    _private_folder(folder)
    for path, text in ((lm_path, arpa), (dict_path, dictionary_text({w: prons[w] for w in vocab})),
                       (meta_path, json.dumps({"words": len(vocab), "sentences": len(kept), "dropped": dropped}))):
        _write_private_text(path, text)
    return DomainModel(lm_path, dict_path, len(vocab), len(kept), tuple(dropped), time.perf_counter() - start, False)
