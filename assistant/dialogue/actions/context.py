"""What the in-process actions may use: settings, state, content, journal and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Callable, Dict, Optional, Tuple

from assistant.settings import Settings
from assistant.store import StateStore


@dataclass
class ActionContext:
    """Shared by every action of one dialogue engine."""

    settings: Settings
    state: StateStore = field(default_factory=StateStore)
    clock: Callable[[], datetime] = datetime.now
    journal: Optional[Any] = None

    def __post_init__(self) -> None:
        """Hold the session lock of this data dir while the context lives, so `forget` refuses meanwhile."""
        from assistant.store import SessionLock

        self.session = SessionLock(self.state.path.parent).hold()

    @property
    def partners(self) -> Tuple[str, str]:
        """The two partners' names."""
        return self.settings.partners

    @cached_property
    def library(self) -> Any:
        """The prompt library, built-in and the couple's own."""
        from assistant.content import load_library

        return load_library()

    @cached_property
    def checkins(self) -> Dict[str, Any]:
        """The check-in scripts by kind."""
        from assistant.content import load_checkins

        return load_checkins()

    @cached_property
    def rotation(self) -> Any:
        """No-repeat rotation over the library, remembered across sessions."""
        from assistant.rotation import Rotation

        return Rotation(self.state, self.library)

    def is_night(self) -> bool:
        """Late evening or small hours, by the bedtime hour in settings."""
        hour = self.clock().hour
        return hour >= self.settings.voice.bedtime_hour or hour < 5
