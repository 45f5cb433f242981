"""Get a ready dialogue engine: train if the data changed, load, recover from a broken model."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from assistant.dialogue.actions.context import ActionContext
from assistant.errors import DialogueError
from assistant.settings import Settings
from assistant.store import StateStore

if TYPE_CHECKING:
    from assistant.dialogue.engine import RasaDialogueEngine


def ensure_model(settings: Settings, model_dir: Optional[Path] = None, quiet: bool = False) -> Path:
    """The current model's path, training it first if its data or config changed."""
    from assistant.dialogue import training

    model_dir = model_dir or training.default_model_dir(settings.model_dir)
    return training.train(model_dir, quiet=quiet).path


def open_journal(settings: Settings) -> Optional[object]:
    """The opt-in journal as a session sees it: its switch is re-read before every answer."""
    from assistant.live_journal import LiveJournal

    return LiveJournal()


def open_engine(
    settings: Settings,
    model_dir: Optional[Path] = None,
    quiet: bool = False,
    clock: Callable[[], datetime] = datetime.now,
    sender_id: Optional[str] = None,
) -> RasaDialogueEngine:
    """A loaded engine; a model that will not load is set aside and retrained once."""
    from assistant.dialogue.engine import RasaDialogueEngine
    from assistant.dialogue import training

    ctx = ActionContext(settings=settings, state=StateStore(), clock=clock, journal=open_journal(settings))
    model = ensure_model(settings, model_dir, quiet)
    try:
        return RasaDialogueEngine.load(model, ctx, sender_id)
    except DialogueError as err:
        print(f"companion: {err}; retraining it", file=sys.stderr)
        try:
            model.replace(model.with_name(model.name + ".corrupt"))
        except OSError:
            model.unlink(missing_ok=True)
        model = training.train(model.parent, force=True, quiet=quiet).path
        return RasaDialogueEngine.load(model, ctx, sender_id)
