"""Loading the stack: what the parallel loaders need is imported before any of them starts (no import deadlock)."""

from __future__ import annotations

import sys
from typing import Any, List

import pytest

from assistant import stack
from assistant.settings import Settings


def test_the_loaders_own_modules_are_imported_before_the_threads_start(monkeypatch: pytest.MonkeyPatch) -> None:
    order: List[str] = []

    class Pool:
        """Stands in for the thread pool: records when it opens, runs each job at once."""

        def __init__(self, max_workers: int) -> None:
            order.append("pool")

        def __enter__(self) -> "Pool":
            return self

        def __exit__(self, *exc: Any) -> None:
            return None

        def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
            class Done:
                def result(self) -> Any:
                    return fn(*args, **kwargs)
            return Done()

    monkeypatch.setattr(stack, "ThreadPoolExecutor", Pool)
    monkeypatch.setattr(stack, "import_before_threads", lambda: order.append("imports"))
    monkeypatch.setattr(stack, "ready_recognizer", lambda listen, names: "recognizer")
    monkeypatch.setattr(stack, "ready_engine", lambda settings, quiet, clock: "engine")
    monkeypatch.setattr("assistant.speech.load_synthesizer", lambda voice, clock: "voice")
    loaded = stack.load_stack(Settings())
    assert order == ["imports", "pool"]
    assert (loaded.recognizer, loaded.engine, loaded.synthesizer) == ("recognizer", "engine", "voice")


def test_importing_first_skips_what_is_not_installed() -> None:
    stack.import_before_threads(("json", "no_such_module_for_companion"))
    assert "json" in sys.modules and "no_such_module_for_companion" not in sys.modules
    assert {"pyttsx3", "pocketsphinx", "assistant.recognizers.pocketsphinx"} <= set(stack.IMPORTED_BEFORE_THREADS)
