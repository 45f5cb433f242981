"""No-repeat rotation through the prompt library, with favourites and retired prompts, kept in state.json."""

from __future__ import annotations

import random
from typing import Any, Dict, List, Optional

from assistant.content import TOPICS, Library, Prompt, check_topic
from assistant.errors import ConfigError
from assistant.store import StateStore

STATE_KEY = "rotation"


def _section(state: Dict[str, Any]) -> Dict[str, Any]:
    """The rotation part of the state, repaired in place to the expected shape."""
    rot = state.get(STATE_KEY)
    if not isinstance(rot, dict):
        rot = state[STATE_KEY] = {}
    used: Dict[Any, Any] = rot["used"] if isinstance(rot.get("used"), dict) else {}
    rot["used"] = {str(t): [str(i) for i in ids] for t, ids in used.items() if isinstance(ids, list)}
    served: Dict[Any, Any] = rot["served"] if isinstance(rot.get("served"), dict) else {}
    rot["served"] = {str(t): n for t, n in served.items() if isinstance(n, int)}
    for key in ("favourites", "retired"):
        value = rot.get(key)
        rot[key] = [str(i) for i in value] if isinstance(value, list) else []
    if not isinstance(rot.get("last"), str):
        rot["last"] = None
    return rot


def level_matches(prompt: Prompt, level: Optional[str]) -> bool:
    """Whether `prompt` is of `level`: "bold" only bold ones, "gentle" every other one, None any."""
    if level is None:
        return True
    return (prompt.level == "bold") == (level == "bold")


class Rotation:
    """Serves prompts without repeats until a topic is used up, remembered across processes."""

    def __init__(self, store: StateStore, library: Library, rng: Optional[random.Random] = None) -> None:
        self.store = store
        self.library = library
        self.rng = rng or random.Random()

    def _available(self, topic: str, retired: "set[str]", level: Optional[str] = None) -> List[Prompt]:
        """The prompts about `topic` that have not been retired (only those of `level`, when given)."""
        return [p for p in self.library.for_topic(topic) if p.id not in retired and level_matches(p, level)]

    def _choose_topic(self, rot: Dict[str, Any], retired: "set[str]", level: Optional[str] = None) -> str:
        """The least-served topic that still has prompts (ties broken at random)."""
        open_topics = [t for t in TOPICS if self._available(t, retired, level)]
        if not open_topics:
            raise ConfigError("every prompt has been retired; add your own with 'companion prompts add'")
        fewest = min(rot["served"].get(t, 0) for t in open_topics)
        return self.rng.choice([t for t in open_topics if rot["served"].get(t, 0) == fewest])

    def next(self, topic: Optional[str] = None, exclude: Optional[str] = None, level: Optional[str] = None) -> Prompt:
        """The next unused prompt about `topic` (any topic if None) of `level` (any if None), never `exclude` when
        another exists."""
        wanted = check_topic(topic) if topic is not None else None

        def pick(state: Dict[str, Any]) -> Prompt:
            rot = _section(state)
            retired = set(rot["retired"])
            chosen_topic = wanted or self._choose_topic(rot, retired, level)
            candidates = self._available(chosen_topic, retired, level)
            if not candidates:
                raise ConfigError(f"every prompt about {chosen_topic} has been retired; try another topic")
            used = rot["used"].setdefault(chosen_topic, [])
            avoid = {exclude, rot["last"]}
            choices = [p for p in candidates if p.id not in used and p.id not in avoid]
            if not choices:
                used.clear()
                choices = [p for p in candidates if p.id not in avoid] or candidates
            prompt = self.rng.choice(choices)
            used.append(prompt.id)
            rot["served"][chosen_topic] = rot["served"].get(chosen_topic, 0) + 1
            rot["last"] = prompt.id
            return prompt

        return self.store.update(pick, keep_going=True)  # a full disk never costs the starter

    def _known(self, prompt_id: str) -> Prompt:
        """The prompt with this id; ConfigError if the library has none."""
        prompt = self.library.by_id(prompt_id)
        if prompt is None:
            raise ConfigError(f"there is no prompt with the id {prompt_id!r}")
        return prompt

    def favourite(self, prompt_id: str) -> Prompt:
        """Mark a prompt as a favourite."""
        prompt = self._known(prompt_id)

        def mark(state: Dict[str, Any]) -> None:
            rot = _section(state)
            if prompt.id not in rot["favourites"]:
                rot["favourites"].append(prompt.id)

        self.store.update(mark)
        return prompt

    def retire(self, prompt_id: str) -> Prompt:
        """Never serve this prompt again (it also leaves the favourites)."""
        prompt = self._known(prompt_id)

        def mark(state: Dict[str, Any]) -> None:
            rot = _section(state)
            if prompt.id not in rot["retired"]:
                rot["retired"].append(prompt.id)
            rot["favourites"] = [i for i in rot["favourites"] if i != prompt.id]

        self.store.update(mark)
        return prompt

    def next_favourite(self, exclude: Optional[str] = None, topic: Optional[str] = None) -> Optional[Prompt]:
        """The next saved favourite in turn (about `topic` when one is given; not `exclude` when another exists), or
        None when none is saved (on that topic)."""
        wanted = topic.strip().lower() if topic else None

        def pick(state: Dict[str, Any]) -> Optional[Prompt]:
            rot = _section(state)
            saved = self._saved(rot)
            if not saved:
                return None
            turn = rot.get("favourite_next")
            turn = turn if isinstance(turn, int) and not isinstance(turn, bool) and turn >= 0 else 0
            if wanted is not None:  # the first one on the topic from here on, in the same turn order
                on_topic = [i for i in range(turn, turn + len(saved)) if saved[i % len(saved)].topic == wanted]
                if not on_topic:
                    return None
                turn = next((i for i in on_topic if saved[i % len(saved)].id != exclude), on_topic[0])
            elif saved[turn % len(saved)].id == exclude and len(saved) > 1:
                turn += 1
            prompt = saved[turn % len(saved)]
            rot["favourite_next"] = (turn + 1) % len(saved)
            rot["last"] = prompt.id
            return prompt

        return self.store.update(pick, keep_going=True)  # a full disk never costs the starter

    def _saved(self, rot: Dict[str, Any]) -> List[Prompt]:
        """Favourites still in the library and not retired, oldest first."""
        retired = set(rot["retired"])
        found = (self.library.by_id(i) for i in rot["favourites"] if i not in retired)
        return [p for p in found if p is not None]

    def favourites(self) -> List[Prompt]:
        """Favourite prompts still in the library, oldest first."""
        return self._saved(_section(self.store.read()))
