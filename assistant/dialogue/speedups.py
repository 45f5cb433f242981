"""Two per-turn costs in Rasa 3.6 that do the same work every time, done once (same results, measured in bench/).

- Each custom action's result is checked with `jsonschema.validate`, which first re-validates the constant
  response schema itself: ~55% of a turn's time in a check-in. We check the schema once and keep the validator.
- Reading a tracker back from the tracker store looks up each event's class by walking every `Event` subclass:
  ~20% of a turn. We keep the name -> class table (rebuilt when a name is not in it).
Also, `saved_trackers()` hands the engine the tracker a turn just saved, instead of reading it back from the store.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Optional

_APPLIED = False
_LOCK = threading.Lock()


def fast_action_validation() -> None:
    """Validate action results against a validator built once for Rasa's constant response schema."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        error: Optional[ValidationError] = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result


def cached_event_types() -> None:
    """Look event classes up by type name in a table instead of walking all subclasses per event."""
    import rasa.shared.utils.common
    from rasa.shared.core.events import Event

    table: Dict[str, Any] = {}

    def rebuild() -> None:
        table.clear()
        for cls in rasa.shared.utils.common.all_subclasses(Event):
            table.setdefault(cls.type_name, cls)  # the first match wins, as in Rasa's loop

    def resolve_by_type(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
        found = table.get(type_name)
        if found is None:
            rebuild()
            found = table.get(type_name)
        if found is not None:
            return found
        if type_name == "topic":
            return None  # Rasa's backwards compatibility for old TopicSet events
        if default is not None:
            return default
        raise ValueError(f"Unknown event name '{type_name}'.")

    Event.resolve_by_type = staticmethod(resolve_by_type)


def saved_trackers(processor: Any) -> Dict[str, Any]:
    """sender id -> the tracker `processor` saved last for it (pop it once read); installed once per processor."""
    saved = processor.__dict__.get("_companion_saved")
    if saved is None:
        saved = {}
        save = processor.save_tracker

        async def save_tracker(tracker: Any) -> None:
            await save(tracker)
            saved[tracker.sender_id] = tracker

        processor.save_tracker = save_tracker
        processor._companion_saved = saved
    result: Dict[str, Any] = saved
    return result


def apply() -> None:
    """Install both, once per process."""
    global _APPLIED
    with _LOCK:
        if not _APPLIED:
            fast_action_validation()
            cached_event_types()
            _APPLIED = True
