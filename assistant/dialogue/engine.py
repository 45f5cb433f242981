"""The Rasa dialogue engine: load once, then parse or respond one turn at a time."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path
from typing import Any, Dict, Optional, Protocol, Tuple

from assistant import telemetry  # noqa: F401  (before Rasa)
from assistant.dialogue.actions.context import ActionContext
from assistant.errors import DialogueError
from assistant.dialogue.addressee import CHECKIN_FORM, CONSENT_FORM, Judgement, completes_turn, judge, window_after
from assistant.messages import CLOSED, Entity, ListenMode, Parse, Reply, Window

MAX_TEXT = 2000
CARRIED_SLOTS = ("last_prompt_id", "topic", "gentle_tonight", "care_tonight", "stepped_back")
ENDING_ACTIONS = frozenset({"action_stop", "action_close_checkin", "utter_goodbye", "action_deny", "action_close_turns"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class DialogueEngine(Protocol):
    """Turns a couple's words into the companion's reply; the audio loop knows nothing else about dialogue."""

    def parse(self, text: str) -> Parse:
        """NLU only: no state changes."""
        ...

    def respond(self, text: str) -> Reply:
        """One full dialogue turn: the reply, whether the activity is over, and the window it opens."""
        ...

    def judge(self, text: str, window: Window) -> Judgement:
        """Whether words heard in a window (no wake phrase) are for the companion; changes nothing."""
        ...

    def completes_turn(self, partial: str, mode: ListenMode) -> bool:
        """Whether a partial transcript already makes a whole turn (an early endpoint)."""
        ...

    def warm_up(self) -> None:
        """Do now what the first turn would pay for."""
        ...

    def close(self) -> None:
        """Release what the engine holds."""
        ...


def clean_text(text: str) -> str:
    """What Rasa sees: no control characters, bounded length, single spaces."""
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_TEXT]


def _entities(parse_data: Dict[str, Any]) -> Tuple[Entity, ...]:
    return tuple(
        Entity(str(e.get("entity")), str(e.get("value")))
        for e in parse_data.get("entities") or []
        if e.get("entity") and e.get("value") is not None
    )


def _to_parse(text: str, data: Dict[str, Any]) -> Parse:
    intent = data.get("intent") or {}
    return Parse(text, intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), _entities(data))


class RasaDialogueEngine:
    """A loaded Rasa agent with our actions running in this process."""

    name = "rasa"

    def __init__(self, agent: Any, ctx: ActionContext, sender_id: Optional[str] = None) -> None:
        from assistant.dialogue.actions import build_executor
        from assistant.dialogue.inprocess import InProcessActionEndpoint

        self.agent = agent
        self.ctx = ctx
        self.sender_id = sender_id or f"couple-{uuid.uuid4().hex[:8]}"
        self._endpoint = InProcessActionEndpoint(build_executor(ctx))
        self._loop = asyncio.new_event_loop()
        self.window: Window = CLOSED  # the window the last reply opened

    @classmethod
    def load(cls, model: Path, ctx: ActionContext, sender_id: Optional[str] = None) -> "RasaDialogueEngine":
        """Load a trained model; a clear DialogueError if it is missing or broken (not if a speed-up failed)."""
        from assistant.dialogue import patches

        if not Path(model).is_file():
            raise DialogueError(f"the dialogue model {model} does not exist; run `companion train`")
        patches.install()
        try:
            agent = _load_agent(model)
        except Exception as err:
            if not patches.active():
                raise DialogueError(f"the dialogue model {model} could not be loaded ({type(err).__name__})") from err
            patches.disable(f"loading with our Rasa speed-ups failed ({type(err).__name__}); trying plain Rasa")
            try:
                agent = _load_agent(model)
            except Exception as plain_err:
                raise DialogueError(
                    f"the dialogue model {model} could not be loaded ({type(plain_err).__name__})") from plain_err
        if not agent.is_ready():
            raise DialogueError(f"the dialogue model {model} is not usable")
        patches.after_load()
        return cls(agent, ctx, sender_id)

    def warm_up(self) -> None:
        """Do now what the first turn would pay for: read the prompt library and check-ins, run the NLU once."""
        from assistant.errors import CompanionError

        try:
            _ = (self.ctx.library, self.ctx.checkins)  # read and cached now
        except CompanionError:
            pass  # the first turn that needs them reports the problem, as it would have
        self.parse("hello")

    def fork(self, ctx: ActionContext, sender_id: Optional[str] = None) -> "RasaDialogueEngine":
        """A new conversation with its own context, sharing this loaded model."""
        return RasaDialogueEngine(self.agent, ctx, sender_id)

    def _run(self, coro: Any) -> Any:
        return self._loop.run_until_complete(coro)

    def parse(self, text: str) -> Parse:
        """NLU only: intent, confidence and entities for `text`."""
        cleaned = clean_text(text)
        if not cleaned:
            return Parse(text, "nlu_fallback", 0.0)
        return _to_parse(text, self._run(self.agent.parse_message(cleaned)))

    def respond(self, text: str) -> Reply:
        """One dialogue turn for the couple's words."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        from assistant.dialogue import patches

        cleaned = clean_text(text)
        if not cleaned and self.window.on_silence:  # an empty typed line answers as silence would
            cleaned = self.window.on_silence
        if not cleaned:
            return Reply(text, Parse(text, "nlu_fallback", 0.0), ("I'm here whenever you're ready.",))
        channel = CollectingOutputChannel()
        self.agent.processor.action_endpoint = self._endpoint
        try:
            saved = patches.saved_trackers(self.agent.processor)
            self._run(self.agent.handle_message(UserMessage(cleaned, channel, self.sender_id)))
            tracker = saved.pop(self.sender_id, None) or self._run(self.agent.processor.get_tracker(self.sender_id))
        except DialogueError:
            raise
        except Exception as err:
            raise DialogueError(f"the dialogue failed on that turn ({type(err).__name__}: {err})") from err
        texts = tuple(m["text"] for m in channel.messages if m.get("text"))
        parse = _to_parse(text, _last_user_parse(tracker))
        loop = tracker.active_loop_name
        session_over = loop is None and _ended(tracker)
        window = window_after(self.ctx.settings.listen, parse, loop, tracker.get_slot("offer"), session_over,
                              self._addressee(tracker, loop), tracker.get_slot("turns_state"),
                              rating=self._asks_rating(tracker, loop))
        self.window = window
        if session_over:
            self._fresh_conversation(tracker, texts)
        return Reply(user=text, parse=parse, texts=texts, active_loop=loop, session_over=session_over, window=window)

    def slot(self, name: str) -> Any:
        """The value of one slot of the conversation now (for tests and benchmarks)."""
        return self._run(self.agent.processor.get_tracker(self.sender_id)).get_slot(name)

    def judge(self, text: str, window: Window) -> Judgement:
        """Whether words heard in `window` are addressed to the companion (NLU only, nothing changes)."""
        return judge(self.parse(text), window)

    def completes_turn(self, partial: str, mode: ListenMode) -> bool:
        """Whether the words so far already make a whole command."""
        if not partial.split():
            return False
        return completes_turn(self.parse(partial), mode, self.ctx.settings.listen.early_endpoint_confidence)

    def _asks_rating(self, tracker: Any, loop: Optional[str]) -> bool:
        """Whether the check-in question just asked wants a number from one to five."""
        from assistant import turns

        plan = turns.CheckinPlan.from_slot(tracker.get_slot("checkin_state")) if loop == CHECKIN_FORM else None
        turn = turns.next_turn(plan, self.ctx.checkins[plan.kind].questions) if plan else None
        questions = self.ctx.checkins[plan.kind].questions if plan else ()
        return bool(turn and any(q.id == turn.question_id and q.score for q in questions))

    def _addressee(self, tracker: Any, loop: Optional[str]) -> Optional[str]:
        """The partner the check-in or the consent ask just asked."""
        from assistant import consent, turns

        if loop == CONSENT_FORM:
            ask = consent.ConsentAsk.from_slot(tracker.get_slot("consent_state"))
            return ask.asking if ask else None
        if loop != CHECKIN_FORM:
            return None
        plan = turns.CheckinPlan.from_slot(tracker.get_slot("checkin_state"))
        if plan is None:
            return None
        turn = turns.next_turn(plan, self.ctx.checkins[plan.kind].questions)
        return turn.partner if turn else None

    def _fresh_conversation(self, tracker: Any, last_said: Tuple[str, ...]) -> None:
        """After an activity ends, go on in a new, short conversation: Rasa's per-turn cost grows with history.

        The couple notices nothing: the last starter (for "save that one", "next one") and the last words
        (for "say that again") come along; the old history is dropped from memory.
        """
        from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet

        from assistant.dialogue import patches

        old_id, self.sender_id = self.sender_id, f"couple-{uuid.uuid4().hex[:8]}"
        fresh = self._run(self.agent.processor.get_tracker(self.sender_id))
        events = [ActionExecuted("action_session_start"), SessionStarted()]
        events += [SlotSet(slot, tracker.get_slot(slot)) for slot in CARRIED_SLOTS if tracker.get_slot(slot) is not None]
        events += [BotUttered(text) for text in last_said]
        events.append(ActionExecuted("action_listen"))
        for event in events:
            fresh.update(event)
        self._run(self.agent.tracker_store.save(fresh))
        patches.forget_conversation(self.agent, old_id)

    def close(self) -> None:
        """Release the event loop and the journal (saving any answer it still holds)."""
        close_journal = getattr(self.ctx.journal, "close", None)
        if close_journal is not None:
            close_journal()
        if not self._loop.is_closed():
            self._loop.close()


def _load_agent(model: Path) -> Any:
    """Rasa's Agent for a model file (lean when the patches are in use)."""
    from assistant.dialogue import patches

    with patches.loading():
        from rasa.core.agent import Agent

        return Agent.load(str(model))


def _ended(tracker: Any) -> bool:
    """Whether this turn finished an activity (stop, goodbye, a closed check-in, a no-thanks)."""
    for event in reversed(tracker.events):
        name = type(event).__name__
        if name == "UserUttered":
            return False
        if name == "ActionExecuted" and event.action_name in ENDING_ACTIONS:
            return True
    return False


def _last_user_parse(tracker: Any) -> Dict[str, Any]:
    """The NLU data of this turn's user message (the stored tracker's `latest_message` can lag)."""
    for event in reversed(tracker.events):
        if type(event).__name__ == "UserUttered":
            data: Dict[str, Any] = event.parse_data
            return data
    return {}
