"""Run Rasa custom actions in this process: no action server, no socket."""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, Optional

from assistant import telemetry  # noqa: F401
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from assistant.errors import CompanionError

# After a failed action: leave any form, so the next turn starts clean instead of repeating the failure.
RESET_EVENTS = (
    {"event": "active_loop", "name": None},
    {"event": "slot", "name": "requested_slot", "value": None},
    {"event": "slot", "name": "checkin_answer", "value": None},
    {"event": "slot", "name": "checkin_state", "value": None},
    {"event": "slot", "name": "offer", "value": None},
)


def failure_line(action: str, err: BaseException) -> str:
    """One printable line saying which action failed and why."""
    if isinstance(err, CompanionError):
        reason = err.message
    else:
        reason = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    return f"companion: {action or 'an action'} failed: {' '.join(reason.split())[:300]}"


def failure_response(action: str, err: BaseException) -> Dict[str, Any]:
    """What a failed action answers: a spoken apology and a clean slate; the reason goes to stderr."""
    print(failure_line(action, err), file=sys.stderr, flush=True)
    spoken = err.spoken if isinstance(err, CompanionError) and err.spoken else CompanionError.spoken
    return {"events": [dict(e) for e in RESET_EVENTS], "responses": [{"text": spoken}]}


class InProcessActionEndpoint(EndpointConfig):
    """An action endpoint whose `request()` hands the call straight to rasa_sdk's executor."""

    def __init__(self, executor: ActionExecutor) -> None:
        super().__init__(url="inprocess://actions")
        self.executor = executor

    async def request(
        self,
        method: str = "post",
        subpath: Optional[str] = None,
        content_type: Optional[str] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        """Run the action named in the JSON body; rejections look like the server's 400."""
        call = kwargs.get("json") or {}
        try:
            return await self.executor.run(call)
        except ActionExecutionRejection as err:
            body = json.dumps({"action_name": err.action_name, "error": err.message})
            raise ClientResponseError(400, "rejected", body) from err
        except ActionNotFoundException as err:
            body = json.dumps({"action_name": err.action_name, "error": err.message})
            raise ClientResponseError(404, "not found", body) from err
        except Exception as err:  # noqa: BLE001  (one bad action must not silence the companion)
            return failure_response(str(call.get("next_action") or ""), err)

    def copy(self) -> "InProcessActionEndpoint":
        """Rasa copies endpoints; keep the executor."""
        return InProcessActionEndpoint(self.executor)
