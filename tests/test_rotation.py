"""No-repeat rotation over the real built-in library, remembered in a real state file."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from assistant.content import TOPICS, load_library
from assistant.errors import ConfigError
from assistant.rotation import Rotation
from assistant.store import StateStore


@pytest.fixture()
def library():
    return load_library(Path("/nonexistent/prompts.yml"))


def rotation(tmp_path: Path, library, seed: int = 0) -> Rotation:
    return Rotation(StateStore(tmp_path / "state.json"), library, rng=random.Random(seed))


def test_no_repeat_until_topic_used_up_across_instances(tmp_path, library):
    size = len(library.for_topic("desire"))
    seen = []
    for i in range(size):
        seen.append(rotation(tmp_path, library, seed=i).next("desire").id)
    assert len(set(seen)) == size
    assert all(pid.startswith("desire-") for pid in seen)
    state = json.loads((tmp_path / "state.json").read_text())
    assert sorted(state["rotation"]["used"]["desire"]) == sorted(seen)
    after = rotation(tmp_path, library, seed=99).next("desire")
    assert after.id != seen[-1]
    assert json.loads((tmp_path / "state.json").read_text())["rotation"]["used"]["desire"] == [after.id]


def test_exclude_never_given_twice_in_a_row_at_cycle_start(tmp_path, library):
    for seed in range(20):
        rot = rotation(tmp_path / str(seed), library, seed)
        ids = [rot.next("body").id for _ in range(len(library.for_topic("body")))]
        assert rot.next("body", exclude=ids[-1]).id != ids[-1]
    rot = rotation(tmp_path / "x", library)
    assert all(rot.next("power", exclude="power-01").id != "power-01" for _ in range(30))


def test_any_topic_prefers_least_used(tmp_path, library):
    rot = rotation(tmp_path, library)
    for _ in range(3):
        rot.next("desire")
    picked = Counter(rot.next().topic for _ in range(3 * (len(TOPICS) - 1)))
    assert "desire" not in picked
    assert set(picked.values()) == {3} and len(picked) == len(TOPICS) - 1
    assert Counter(rot.next().topic for _ in range(len(TOPICS))) == Counter(TOPICS)


def test_retire_and_favourite_persist(tmp_path, library):
    rot = rotation(tmp_path, library)
    rot.favourite("pleasure-02")
    rot.favourite("appreciation-05")
    rot.favourite("pleasure-02")
    retired = rot.retire("pleasure-03")
    assert retired.id == "pleasure-03"
    other = rotation(tmp_path, library, seed=7)
    assert [p.id for p in other.favourites()] == ["pleasure-02", "appreciation-05"]
    served = [other.next("pleasure").id for _ in range(3 * len(library.for_topic("pleasure")))]
    assert "pleasure-03" not in served
    assert len(set(served)) == len(library.for_topic("pleasure")) - 1
    other.retire("pleasure-02")
    assert [p.id for p in rot.favourites()] == ["appreciation-05"]


def test_unknown_ids_topics_and_everything_retired(tmp_path, library):
    rot = rotation(tmp_path, library)
    with pytest.raises(ConfigError, match="no prompt with the id"):
        rot.favourite("nope-01")
    with pytest.raises(ConfigError, match="choose one of"):
        rot.next("weather")
    for prompt in library.for_topic("power"):
        rot.retire(prompt.id)
    with pytest.raises(ConfigError, match="every prompt about power has been retired"):
        rot.next("power")
    assert all(rot.next().topic != "power" for _ in range(20))


def test_corrupt_rotation_state_is_repaired(tmp_path, library):
    (tmp_path / "state.json").write_text(json.dumps({"rotation": {"used": [1, 2], "retired": "x"}, "other": 1}))
    prompt = rotation(tmp_path, library).next("desire")
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["rotation"]["used"] == {"desire": [prompt.id]} and state["other"] == 1
