"""The opt-in bedtime offer: at the set hour, once per night, when the room has been quiet, one soft line
offering the bedtime check-in (a yes or no needs no wake phrase for a short while)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, Optional

from assistant.store import StateStore

STATE_KEY = "bedtime_offer"
OFFER_MESSAGE = "/offer_bedtime"  # what the audio loop says to the dialogue when the moment has come
MORNING_HOUR = 5  # a night runs from the offer hour to this hour next morning


def night_of(now: datetime) -> str:
    """The night a moment belongs to (small hours count as the evening before)."""
    return (now - timedelta(hours=MORNING_HOUR)).date().isoformat()


def in_offer_hours(now: datetime, hour: int) -> bool:
    """Whether `now` is between the offer hour and the morning."""
    if hour >= MORNING_HOUR:
        return now.hour >= hour or now.hour < MORNING_HOUR
    return hour <= now.hour < MORNING_HOUR


class BedtimeOffer:
    """When to offer: the hour has come, the room has been quiet long enough, and not yet tonight (any process)."""

    def __init__(self, store: StateStore, hour: int, quiet_s: float) -> None:
        self.store = store
        self.hour = hour
        self.quiet_s = quiet_s
        self._offered_night: Optional[str] = None

    def due(self, now: datetime, quiet_for_s: float) -> bool:
        """Whether to offer now (cheap: the state file is read only once the hour and the quiet are there)."""
        if quiet_for_s < self.quiet_s or not in_offer_hours(now, self.hour):
            return False
        night = night_of(now)
        if self._offered_night == night:
            return False
        last = (self.store.read().get(STATE_KEY) or {}).get("night")
        if last == night:
            self._offered_night = night
            return False
        return True

    def claim(self, now: datetime) -> bool:
        """Take tonight's offer (False if another process already has): at most one offer a night."""
        night = night_of(now)

        def take(state: Dict[str, Any]) -> bool:
            entry = state.get(STATE_KEY)
            if isinstance(entry, dict) and entry.get("night") == night:
                return False
            state[STATE_KEY] = {"night": night}
            return True

        self._offered_night = night
        return bool(self.store.update(take))


def from_settings(settings: Any, store: Optional[StateStore] = None) -> Optional[BedtimeOffer]:
    """The offer the settings ask for, or None when it is off (the default)."""
    conversation = settings.conversation
    if not conversation.bedtime_offer:
        return None
    return BedtimeOffer(store or StateStore(), conversation.bedtime_offer_hour, conversation.bedtime_quiet_s)
