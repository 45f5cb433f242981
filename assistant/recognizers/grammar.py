"""Command grammars: expressions with `[a, b]` choices, `(optional)` words and `$slot:name` references.

One grammar gives three things from the same source: annotated NLU training examples (slot values as
entities), plain sentences for a domain language model, and a JSGF grammar that PocketSphinx decodes against.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple, Union

from assistant.recognizers.language_model import normalize

_TOKEN = re.compile(r"\[[^\]]*\]|\([^)]*\)|\$[A-Za-z0-9_]+:[A-Za-z0-9_]+|[^\s\[\]()$]+")


@dataclass(frozen=True)
class Choice:
    """One of several phrases; `optional` adds "nothing" as a choice."""

    options: Tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class SlotRef:
    """A slot filled with one of its values; `entity` is the name it is reported under."""

    slot: str
    entity: str


Part = Union[str, Choice, SlotRef]
Expression = Tuple[Part, ...]


@dataclass(frozen=True)
class CommandGrammar:
    """Intents with their expressions, and each slot's values (all normalised to spoken words)."""

    expressions: Dict[str, Tuple[Expression, ...]]
    slots: Dict[str, Tuple[str, ...]]


def parse_expression(text: str) -> Expression:
    """The parts of one expression string."""
    parts: List[Part] = []
    for token in _TOKEN.findall(text):
        if token.startswith("["):
            parts.append(Choice(tuple(normalize(o) for o in token[1:-1].split(",") if normalize(o))))
        elif token.startswith("("):
            parts.append(Choice(tuple(normalize(o) for o in token[1:-1].split(",") if normalize(o)), True))
        elif token.startswith("$"):
            slot, entity = token[1:].split(":", 1)
            parts.append(SlotRef(slot, entity))
        elif normalize(token):
            parts.append(normalize(token))
    return tuple(parts)


def read_context(data: object) -> CommandGrammar:
    """A grammar from a parsed context.yaml ({"context": {"expressions": ..., "slots": ...}})."""
    context = data.get("context", data) if isinstance(data, dict) else None
    if not isinstance(context, dict) or not isinstance(context.get("expressions"), dict):
        raise ValueError("the context has no 'expressions' mapping")
    expressions = {str(intent): tuple(parse_expression(str(e)) for e in items or [])
                   for intent, items in context["expressions"].items()}
    slots = {str(name): tuple(dict.fromkeys(normalize(str(v)) for v in values or [] if normalize(str(v))))
             for name, values in (context.get("slots") or {}).items()}
    for intent, exprs in expressions.items():
        for expr in exprs:
            for part in expr:
                if isinstance(part, SlotRef) and not slots.get(part.slot):
                    raise ValueError(f"intent {intent} uses slot '{part.slot}', which has no values")
    return CommandGrammar(expressions, slots)


def sample(grammar: CommandGrammar, count: int, seed: int = 0) -> List[Tuple[str, str, Tuple[Tuple[str, str], ...]]]:
    """`count` random (intent, sentence, ((entity, value), ...)), spread evenly over all expressions."""
    rng = random.Random(seed)
    pool = [(intent, expr) for intent, exprs in sorted(grammar.expressions.items()) for expr in exprs]
    out = []
    for i in range(count):
        intent, expr = pool[i % len(pool)] if i < len(pool) else rng.choice(pool)
        words: List[str] = []
        entities: List[Tuple[str, str]] = []
        for part in expr:
            if isinstance(part, str):
                words.append(part)
            elif isinstance(part, Choice):
                options = part.options + (("",) if part.optional else ())
                words.append(rng.choice(options))
            else:
                value = rng.choice(grammar.slots[part.slot])
                words.append(value)
                entities.append((part.entity, value))
        out.append((intent, " ".join(w for w in words if w), tuple(entities)))
    return out


def annotate(sentence: str, entities: Sequence[Tuple[str, str]]) -> str:
    """A sentence in Rasa's markup: each entity value (in order, first free match) as [value](entity)."""
    out, rest = [], sentence
    for entity, value in entities:
        match = re.search(rf"(?<![a-z']){re.escape(value)}(?![a-z'])", rest)
        if match is None:
            continue
        out.append(rest[:match.start()] + f"[{value}]({entity})")
        rest = rest[match.end():]
    return "".join(out) + rest


def _alternatives(options: Iterable[str]) -> str:
    """A JSGF alternative list."""
    return " | ".join(options)


def to_jsgf(grammar: CommandGrammar, name: str = "command") -> str:
    """The grammar as JSGF text: one public rule over every expression of every intent."""
    rules: List[str] = []
    expr_rules: List[str] = []
    for slot, values in sorted(grammar.slots.items()):
        rules.append(f"<slot_{slot}> = {_alternatives(values)};")
    for intent, exprs in sorted(grammar.expressions.items()):
        for i, expr in enumerate(exprs):
            body = []
            for part in expr:
                if isinstance(part, str):
                    body.append(part)
                elif isinstance(part, Choice):
                    group = f"({_alternatives(part.options)})"
                    body.append(f"[{group}]" if part.optional else group)
                else:
                    body.append(f"<slot_{part.slot}>")
            rule = f"{re.sub(r'[^A-Za-z0-9_]', '_', intent)}_{i}"
            expr_rules.append(f"<{rule}>")
            rules.append(f"<{rule}> = {' '.join(body)};")
    header = ["#JSGF V1.0;", f"grammar {name};", f"public <{name}> = {_alternatives(expr_rules)};"]
    return "\n".join(header + rules) + "\n"


def sentences_jsgf(sentences: Iterable[str], name: str = "command") -> str:
    """JSGF accepting exactly the given (normalised) sentences."""
    unique = sorted({normalize(s) for s in sentences if normalize(s)})
    if not unique:
        raise ValueError("no sentences for the grammar")
    return f"#JSGF V1.0;\ngrammar {name};\npublic <{name}> = {_alternatives(unique)};\n"


def grammar_words(jsgf: str) -> List[str]:
    """The words a JSGF or FSG text uses (for its dictionary; fillers like <sil> are the model's own)."""
    if jsgf.startswith("FSG_BEGIN"):
        return sorted({line.split()[4] for line in jsgf.splitlines() if line.startswith("TRANSITION ")
                       and len(line.split()) > 4 and line.split()[4][0] not in "<["})
    body = re.sub(r"<[^>]*>|#JSGF[^;]*;|grammar [^;]*;|public", " ", jsgf)
    return sorted({w for w in re.split(r"[\s|;=()\[\]*+]+", body) if w})


Symbol = Tuple[str, ...]  # the phrases one part can be ("" for nothing)

# Silence in a word network, placed by us (the decoder's own filler loops are turned off for our networks):
# before the first word and after the last, noise or room sound is cheap to call silence; between words a
# pause costs what PocketSphinx charges by default. With PocketSphinx's uniform 0.005 everywhere, loud kitchen
# noise at the end of an order was cheaper to explain as the middle of the sentence followed by a long
# "silence" than as its last words: "make me a drip coffee with" + 3 s of <sil>. Measured on the
# speech-to-intent benchmark (every 5th clip, docs/benchmarks.md).
SILENCE_WORD = "<sil>"
EDGE_SILENCE_PROB = 0.5
PAUSE_SILENCE_PROB = 0.005


def symbol_sequences(grammar: CommandGrammar) -> List[Tuple[Symbol, ...]]:
    """Every expression as a sequence of symbols (fixed words, choices and slots all become phrase sets)."""
    out = []
    for exprs in grammar.expressions.values():
        for expr in exprs:
            seq: List[Symbol] = []
            for part in expr:
                if isinstance(part, str):
                    seq.append((part,))
                elif isinstance(part, Choice):
                    seq.append(part.options + (("",) if part.optional else ()))
                else:
                    seq.append(grammar.slots[part.slot])
            out.append(tuple(seq))
    return out


def minimal_dag(sequences: Iterable[Tuple[Symbol, ...]]) -> Tuple[List[Dict[Symbol, int]], List[bool]]:
    """The smallest deterministic acyclic automaton over symbols accepting exactly `sequences` (state 0 starts)."""
    trie: List[Dict[Symbol, int]] = [{}]
    final = [False]
    for seq in sequences:
        node = 0
        for sym in seq:
            if sym not in trie[node]:
                trie.append({})
                final.append(False)
                trie[node][sym] = len(trie) - 1
            node = trie[node][sym]
        final[node] = True
    canon: Dict[Tuple[object, ...], int] = {}
    merged: Dict[int, int] = {}
    edges: List[Dict[Symbol, int]] = []
    finals: List[bool] = []

    def visit(node: int) -> int:
        """The merged state of a trie node (children first)."""
        if node in merged:
            return merged[node]
        out = {sym: visit(child) for sym, child in trie[node].items()}
        key = (final[node], tuple(sorted(out.items())))
        if key not in canon:
            canon[key] = len(edges)
            edges.append(out)
            finals.append(final[node])
        merged[node] = canon[key]
        return merged[node]

    root = visit(0)
    order = [root] + [s for s in range(len(edges)) if s != root]  # renumber so the start state is 0
    index = {old: new for new, old in enumerate(order)}
    return ([{sym: index[t] for sym, t in edges[old].items()} for old in order], [finals[old] for old in order])


def to_fsg(grammar: CommandGrammar, name: str = "command") -> str:
    """The grammar as a compact PocketSphinx FSG: expressions merged into a minimal word network.

    Decoding against it is far cheaper than against the JSGF, whose expressions each repeat every choice
    and slot list (about 16 s of CPU for a 7 s clip on the benchmark's 110 expressions)."""
    return _dag_fsg(symbol_sequences(grammar), name)


def sentences_fsg(sentences: Iterable[str], name: str = "command") -> str:
    """A compact FSG accepting exactly the given sentences (normalised), e.g. an NLU file's examples."""
    return _dag_fsg(sentence_sequences(sentences), name)


def sentence_sequences(sentences: Iterable[str]) -> List[Tuple[Symbol, ...]]:
    """Each distinct (normalised) sentence as a sequence of one-word symbols; an error when there are none."""
    sequences = {tuple((w,) for w in normalize(s).split()) for s in sentences}
    sequences.discard(())
    if not sequences:
        raise ValueError("no sentences for the grammar")
    return sorted(sequences)


def _dag_fsg(sequences: Iterable[Tuple[Symbol, ...]], name: str) -> str:
    """FSG text for the minimal network over `sequences`: uniform choices, one chain of states per phrase."""
    edges, finals = minimal_dag(sequences)
    transitions: List[str] = []
    count = len(edges) + 1
    end = len(edges)
    for state, out in enumerate(edges):
        arcs = [(opt, target) for sym, target in out.items() for opt in sym]
        arcs += [("", end)] if finals[state] else []
        prob = 1.0 / max(1, len(arcs))
        for phrase, target in arcs:
            words = phrase.split()
            if not words:
                transitions.append(f"TRANSITION {state} {target} {prob:.6f}")
                continue
            current = state
            for i, word in enumerate(words):
                nxt = target if i == len(words) - 1 else count
                if nxt == count:
                    count += 1
                transitions.append(f"TRANSITION {current} {nxt} {prob if i == 0 else 1.0:.6f} {word}")
                current = nxt
    for state in range(count):
        prob = EDGE_SILENCE_PROB if state in (0, end) else PAUSE_SILENCE_PROB
        transitions.append(f"TRANSITION {state} {state} {prob:g} {SILENCE_WORD}")
    head = [f"FSG_BEGIN {name}", f"NUM_STATES {count}", "START_STATE 0", f"FINAL_STATE {end}"]
    return "\n".join(head + transitions + ["FSG_END"]) + "\n"
