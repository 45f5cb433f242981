"""Guided conversations (the mutuality conversation): each step put to both partners in turn, by name, on
take-turns floors; who starts alternates from step to step and from one conversation to the next."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence, Tuple

from assistant import paths, taketurns, turns
from assistant.errors import ConfigError
from assistant.store import StateStore

SCRIPTS = paths.DIALOGUES_DIR / "conversations.yml"
LONG_SHARE, SHORT_SHARE = 0.5, 0.25  # of conversation.turn_seconds


@dataclass(frozen=True)
class Step:
    """One question of a guided conversation."""

    id: str
    question: str
    long: bool


@dataclass(frozen=True)
class GuidedScript:
    """Opening, steps, closing."""

    name: str
    opening: str
    steps: Tuple[Step, ...]
    closing: str


@lru_cache(maxsize=4)
def load(name: str = "mutuality", path: Path = SCRIPTS) -> GuidedScript:
    """A guided conversation's script; ConfigError naming what is wrong."""
    from assistant.content import _read_yaml

    data = _read_yaml(path)
    raw = (data.get("conversations") or {}).get(name) if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} has no conversation named {name!r}")
    steps = []
    for index, item in enumerate(raw.get("steps") or [], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("question"), str):
            raise ConfigError(f"{path}: {name} step {index} needs an id and a question")
        steps.append(Step(item["id"], " ".join(item["question"].split()), bool(item.get("long", True))))
    opening, closing = raw.get("opening"), raw.get("closing")
    if not steps or not isinstance(opening, str) or not isinstance(closing, str):
        raise ConfigError(f"{path}: {name} needs an opening, steps and a closing")
    return GuidedScript(name, " ".join(opening.split()), tuple(steps), " ".join(closing.split()))


def start(store: StateStore, partners: Sequence[str], turn_seconds: float, now: float,
          script: GuidedScript) -> taketurns.TakeTurns:
    """A guided conversation: every step to both partners, the one who starts alternating step by step."""
    order, _ = turns.alternate(store, f"guided_{script.name}", partners)
    queue = []
    for index, step in enumerate(script.steps):
        first, second = order if index % 2 == 0 else (order[1], order[0])
        seconds = turn_seconds * (LONG_SHARE if step.long else SHORT_SHARE)
        queue += [taketurns.Floor(p, "turn", seconds, step.id, step.question) for p in (first, second)]
    conv = taketurns.TakeTurns(order=order, seconds=turn_seconds * LONG_SHARE, queue=tuple(queue), started_at=now)
    return replace(conv, guided=True)
