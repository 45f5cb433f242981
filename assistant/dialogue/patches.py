"""Every change this project makes to Rasa's internals, behind one `install()` that checks the Rasa version.

The changes (each measured in bench/, each with the same results as plain Rasa):
- `lean_import.lean_rasa()`: load a TensorFlow-free model without importing TensorFlow (cold start, memory);
- `speedups.apply()`: validate action results with a validator built once; look event classes up in a table;
- `speedups.saved_trackers()`: reuse the tracker a turn just saved instead of reading it back;
- `forget_conversation()`: drop a finished conversation from the in-memory tracker store;
- `training()`: a forced training skips the training cache's fingerprints of every node's input and output
  (a quarter of our training time; a forced training never reads that cache, and we always force) and reads
  the NLU data once instead of twice.
On a Rasa version they were not written for, or when any of them fails, one line is logged and plain Rasa runs
(slower, correct). A failed patch never marks a model as corrupt.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Dict, Iterator, Optional

WRITTEN_FOR = "3.6.21"

_state: Dict[str, Any] = {"installed": None, "reason": ""}


def rasa_version() -> str:
    """The installed Rasa's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rasa")
    except PackageNotFoundError:
        return "unknown"


def _log(message: str) -> None:
    print(f"companion: {message}", file=sys.stderr, flush=True)


def install() -> bool:
    """Install the patches once per process; False (plain Rasa, one line logged) if they cannot be used."""
    if _state["installed"] is not None:
        return bool(_state["installed"])
    from assistant.settings import environment

    if not environment().rasa_patches:
        return _give_up("", quiet=True)
    found = rasa_version()
    if found != WRITTEN_FOR:
        return _give_up(f"Rasa {found} is not the {WRITTEN_FOR} our speed-ups were written for; running plain Rasa "
                        "(slower, same answers)")
    _state["installed"] = True
    return True


def after_load() -> bool:
    """The per-turn speed-ups, installed once the agent is loaded (importing their Rasa modules any earlier
    would import TensorFlow before the lean load); False, and plain Rasa, if they fail."""
    if not active():
        return False
    try:
        from assistant.dialogue import speedups

        speedups.apply()
    except Exception as err:
        return _give_up(f"Rasa speed-ups could not be installed ({type(err).__name__}: {err}); running plain Rasa")
    return True


def _give_up(message: str, quiet: bool = False) -> bool:
    _state.update(installed=False, reason=message)
    if message and not quiet:
        _log(message)
    return False


def disable(reason: str) -> None:
    """Stop using the patches for the rest of this process (after one misbehaved)."""
    _give_up(reason)


def active() -> bool:
    """Whether the patches are in use."""
    return bool(_state["installed"])


@contextlib.contextmanager
def loading() -> Iterator[bool]:
    """The block in which `Agent.load` runs: lean (no TensorFlow) when the patches are in use."""
    if not active():
        yield False
        return
    from assistant.dialogue.lean_import import lean_rasa

    with lean_rasa() as lean:
        yield lean


def _no_fingerprint(*_args: Any, **_kwargs: Any) -> Dict[str, Any]:
    """Stands in for the training cache's hooks: nothing to fingerprint, nothing to cache."""
    return {}


def _one_key(read: Any) -> Any:
    """`get_nlu_data` asked for with one cache key however it is called: the language, positionally."""

    def get_nlu_data(self: Any, language: Optional[str] = "en") -> Any:
        return read(self, language)

    return get_nlu_data


@contextlib.contextmanager
def training() -> Iterator[bool]:
    """The block in which a forced `rasa.model_training.train` runs: without the training cache when the patches
    are in use (the cache only serves a later unforced training, which this project never runs), and with the
    NLU data read once (Rasa's importers ask for it as `get_nlu_data()` and as `get_nlu_data(language)`, two
    cache keys, so every file was read, merged and de-duplicated twice)."""
    if not install():
        yield False
        return
    try:
        from rasa.engine.training.hooks import TrainingHook
        from rasa.shared.importers import importer

        readers = [importer.CombinedDataImporter, importer.ResponsesSyncImporter, importer.E2EImporter]
        swaps = [(TrainingHook, "on_before_node", _no_fingerprint), (TrainingHook, "on_after_node", _no_fingerprint)]
        swaps += [(cls, "get_nlu_data", _one_key(cls.__dict__["get_nlu_data"])) for cls in readers]
        originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in swaps]
    except (ImportError, AttributeError, KeyError) as err:
        _log(f"training runs with Rasa's cache ({type(err).__name__}: {err})")
        yield False
        return
    for owner, name, replacement in swaps:
        setattr(owner, name, replacement)
    try:
        yield True
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def saved_trackers(processor: Any) -> Dict[str, Any]:
    """Trackers the processor saved this turn (empty with plain Rasa: the engine then reads the store)."""
    if not active():
        return {}
    from assistant.dialogue import speedups

    return speedups.saved_trackers(processor)


def forget_conversation(agent: Any, sender_id: str) -> None:
    """Drop a finished conversation from Rasa's in-memory tracker store (its history only costs time)."""
    store: Optional[Any] = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
    memory = getattr(store, "store", None)
    if isinstance(memory, dict):
        memory.pop(sender_id, None)
