"""Run Rasa custom actions in this process: no action server, no socket."""

from __future__ import annotations

import json
from typing import Any, Optional

from assistant import telemetry  # noqa: F401
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException


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

    def copy(self) -> "InProcessActionEndpoint":
        """Rasa copies endpoints; keep the executor."""
        return InProcessActionEndpoint(self.executor)
