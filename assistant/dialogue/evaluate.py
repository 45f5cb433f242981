"""Score an NLU parse function against a held-out Rasa NLU YAML file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, FrozenSet, List, Tuple

import yaml

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
