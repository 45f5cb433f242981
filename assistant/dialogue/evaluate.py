"""Score an NLU parse function against a held-out Rasa NLU YAML file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, FrozenSet, List, Tuple

import yaml

from assistant.dialogue.addressee import names_what_it_needs
from assistant.errors import ConfigError
from assistant.messages import Parse

EntitySet = FrozenSet[Tuple[str, str]]

# [text](entity) | [text](entity:value) | [text]{"entity": "...", "value": "..."}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True)
class Example:
    """One held-out utterance with its expected intent and (entity, value) pairs."""

    text: str
    intent: str
    entities: EntitySet = frozenset()


@dataclass(frozen=True)
class EvalError:
    """One example the parser got wrong (intent, entities or both)."""

    text: str
    expected_intent: str
    predicted_intent: str
    expected_entities: EntitySet
    predicted_entities: EntitySet

    def __str__(self) -> str:
        def fmt(ents: EntitySet) -> str:
            return "{" + ", ".join(f"{e}={v}" for e, v in sorted(ents)) + "}"

        return (
            f"{self.text!r}: intent {self.expected_intent} -> {self.predicted_intent}, "
            f"entities {fmt(self.expected_entities)} -> {fmt(self.predicted_entities)}"
        )


@dataclass(frozen=True)
class EvalResult:
    """Accuracy over the held-out examples, and the examples that failed."""

    intent_accuracy: float
    entity_accuracy: float
    n: int
    entity_n: int
    errors: List[EvalError] = field(default_factory=list)

    def summary(self) -> str:
        """One line for logs and reports."""
        return (
            f"intent accuracy {self.intent_accuracy:.3f} (n={self.n}), "
            f"entity accuracy {self.entity_accuracy:.3f} (n={self.entity_n}), {len(self.errors)} errors"
        )


def parse_annotated(line: str) -> Tuple[str, EntitySet]:
    """Plain text and the (entity, value) pairs of one annotated training line."""
    entities = set()

    def replace(match: "re.Match[str]") -> str:
        text = match.group("text")
        if match.group("json"):
            try:
                spec = json.loads(match.group("json"))
            except json.JSONDecodeError as err:
                raise ConfigError(f"bad entity annotation {match.group(0)!r}: {err.msg}") from err
            name, value = spec.get("entity"), spec.get("value", text)
        else:
            name, _, value = match.group("short").partition(":")
            value = value or text
        if not name:
            raise ConfigError(f"entity annotation without an entity name: {match.group(0)!r}")
        entities.add((str(name), str(value)))
        return text

    plain = _ANNOTATION.sub(replace, line)
    return " ".join(plain.split()), frozenset(entities)


def read_examples(path: Path) -> List[Example]:
    """All intent examples of a Rasa 3.x NLU YAML file, annotations resolved."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"cannot read NLU examples from {path}: {err}") from err
    examples: List[Example] = []
    for block in data.get("nlu") or []:
        intent = block.get("intent") if isinstance(block, dict) else None
        if not intent:
            continue
        for raw in str(block.get("examples") or "").splitlines():
            raw = raw.strip()
            if not raw.startswith("- "):
                continue
            text, entities = parse_annotated(raw[2:].strip())
            if text:
                examples.append(Example(text, str(intent), entities))
    return examples


def evaluate(parse: Callable[[str], Parse], heldout: Path) -> EvalResult:
    """Intent accuracy and per-example entity-set accuracy of `parse` on `heldout`."""
    examples = read_examples(heldout)
    intent_hits = entity_hits = entity_n = 0
    errors: List[EvalError] = []
    for example in examples:
        result = parse(example.text)
        predicted: EntitySet = frozenset((e.entity, e.value) for e in result.entities)
        intent_ok = result.intent == example.intent
        intent_hits += intent_ok
        entities_ok = predicted == example.entities
        if example.entities or predicted:
            entity_n += 1
            entity_hits += entities_ok
        if not (intent_ok and entities_ok):
            errors.append(EvalError(example.text, example.intent, result.intent, example.entities, predicted))
    n = len(examples)
    return EvalResult(
        intent_accuracy=intent_hits / n if n else 0.0,
        entity_accuracy=entity_hits / entity_n if entity_n else 1.0,
        n=n,
        entity_n=entity_n,
        errors=errors,
    )


@dataclass(frozen=True)
class ReliabilityBin:
    """Predictions whose confidence fell in [low, high): how many, how many right, their mean confidence."""

    low: float
    high: float
    n: int
    correct: int
    mean_confidence: float

    @property
    def accuracy(self) -> float:
        """Fraction right in this bin (0 when empty)."""
        return self.correct / self.n if self.n else 0.0


def reliability(parse: Callable[[str], Parse], heldout: Path, edges: Tuple[float, ...] = (
        0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)) -> List[ReliabilityBin]:
    """Intent confidence bins against intent accuracy on `heldout` (a reliability table)."""
    scored = []
    for example in read_examples(heldout):
        result = parse(example.text)
        scored.append((result.confidence, result.intent == example.intent))
    bins = []
    for low, high in zip(edges, edges[1:]):
        inside = [(c, ok) for c, ok in scored if low <= c < high]
        mean = sum(c for c, _ in inside) / len(inside) if inside else 0.0
        bins.append(ReliabilityBin(low, min(high, 1.0), len(inside), sum(ok for _, ok in inside), mean))
    return bins


def expected_calibration_error(bins: List[ReliabilityBin]) -> float:
    """Mean |accuracy - confidence| over the bins, weighted by their size."""
    total = sum(b.n for b in bins)
    return sum(b.n * abs(b.accuracy - b.mean_confidence) for b in bins) / total if total else 0.0


def reliability_table(bins: List[ReliabilityBin]) -> str:
    """The bins as a Markdown table, with the expected calibration error under it."""
    rows = ["| confidence | n | accuracy | mean confidence |", "|---|---|---|---|"]
    rows += [f"| {b.low:.2f}-{b.high:.2f} | {b.n} | {b.accuracy:.3f} | {b.mean_confidence:.3f} |" for b in bins if b.n]
    return "\n".join(rows) + f"\n\nexpected calibration error {expected_calibration_error(bins):.3f}"


NOT_FOR_ME = frozenset({"couple_talk", "nlu_fallback"})
COMMAND_INTENTS = frozenset({
    "stop", "retire_prompt", "save_prompt", "start_checkin", "request_prompt", "skip", "repeat", "affirm", "deny",
    "help", "greet", "goodbye", "thanks",
})


def read_lines(path: Path) -> List[str]:
    """Non-empty, non-comment lines of a plain text file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read {path}: {err.strerror or err}") from err
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class TalkResult:
    """How lines partners say to each other parse: not for me (couple_talk, fallback, an answer naming nothing) or
    taken as a command."""

    n: int
    not_for_me: int
    commands: List[Tuple[str, str, float]]

    def summary(self) -> str:
        """One line for logs and reports."""
        return (f"couple talk: {self.not_for_me}/{self.n} not for me "
                f"({self.not_for_me / max(self.n, 1):.3f}), {len(self.commands)} commands at confidence >= 0.6 "
                f"({len(self.commands) / max(self.n, 1):.3f})")


def evaluate_talk(parse: Callable[[str], Parse], path: Path, threshold: float = 0.6) -> TalkResult:
    """Parse each line of `path`; count the not-for-me parses (couple_talk, fallback, or an answer that names no
    topic or check-in kind, which no window takes) and the confident command parses."""
    lines = read_lines(path)
    ignored, commands = 0, []
    for line in lines:
        result = parse(line)
        ignored += result.intent in NOT_FOR_ME or not names_what_it_needs(result)
        if result.intent in COMMAND_INTENTS and result.confidence >= threshold:
            commands.append((line, result.intent, result.confidence))
    return TalkResult(len(lines), ignored, commands)
