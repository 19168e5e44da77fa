"""The process APIs as one GraphQL request reaches them: runs, the exception queue, events.

Like the system APIs (`upstream.py`), they are called in-process through the gateway's edge
with the caller's own token, so their scopes, partner rules and rate limits apply unchanged.
An error answer raises httpx's `HTTPStatusError`, which `upstream.fetch` turns into a
`FieldError` carrying the problem's code.

The flows are found in the scope policy, not listed here: every `process/<flow>/v1` whose
operations include `list<Flow>Runs` is a flow whose runs can be listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from contracts.policies import ScopePolicy
from process_apis._runtime.runs import RunPage, RunView
from process_apis.events.v1.schemas import EventPage
from process_apis.exceptions.views import ExceptionPage, ExceptionView

M = TypeVar("M", bound=BaseModel)
Operation = tuple[str, str]  # (API version key, operationId)

EXCEPTIONS = "process/exceptions/v1"
EVENTS = "process/events/v1"
PAGE_LIMIT = 200  # the largest `limit` a process API accepts


def pascal(flow: str) -> str:
    """'time-to-cash' -> 'TimeToCash', as the flows' operation ids spell it."""
    return "".join(part.capitalize() for part in flow.split("-"))


def flow_operation(flow: str, verb: str) -> Operation:
    """('process/time-to-cash/v1', 'listTimeToCashRuns') for (flow, 'list')."""
    noun = "Runs" if verb == "list" else "Run"
    return (f"process/{flow}/v1", f"{verb}{pascal(flow)}{noun}")


def flows_of(policy: ScopePolicy) -> tuple[str, ...]:
    """Every flow whose runs the policy lets someone list, in name order."""
    found = []
    for version_key, operations in policy.operations.items():
        kind, _, rest = version_key.partition("/")
        name = rest.rpartition("/")[0]
        if kind == "process" and flow_operation(name, "list")[1] in operations:
            found.append(name)
    return tuple(sorted(found))


def flow_of_run(run_id: str) -> str:
    """The flow a run id belongs to: ids are '<flow>:<key>' (retries '<flow>:retry-…')."""
    return run_id.partition(":")[0]


def _params(**values: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value == []:
            continue
        params[name] = value.isoformat() if isinstance(value, datetime) else value
    return params


def _segment(value: str) -> str:
    """An id as one path segment (callers check ids first: `operations.run_id_of`)."""
    return quote(value, safe=":")


class ProcessClient:
    """One async method per process-API route the GraphQL layer uses."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _call(self, model: type[M], method: str, path: str, **request: Any) -> M:
        response = await self.http.request(method, path, **request)
        response.raise_for_status()
        return model.model_validate_json(response.content)

    async def list_runs(
        self,
        flow: str,
        *,
        keys: Sequence[str] = (),
        status: str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> RunPage:
        params = _params(
            key=list(keys),
            status=status,
            created_after=created_after,
            created_before=created_before,
            limit=limit,
            offset=offset,
        )
        return await self._call(RunPage, "GET", f"{flow}/v1/runs", params=params)

    async def get_run(self, run_id: str) -> RunView:
        path = f"{flow_of_run(run_id)}/v1/runs/{_segment(run_id)}"
        return await self._call(RunView, "GET", path)

    async def list_exceptions(
        self,
        *,
        status: str | None = None,
        owner: str | None = None,
        keys: Sequence[str] = (),
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        sla_breached: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> ExceptionPage:
        params = _params(
            status=status,
            owner=owner,
            key=list(keys),
            created_after=created_after,
            created_before=created_before,
            sla_breached=sla_breached,
            limit=limit,
            offset=offset,
        )
        return await self._call(ExceptionPage, "GET", "exceptions/v1/exceptions", params=params)

    async def get_exception(self, exception_id: str) -> ExceptionView:
        path = f"exceptions/v1/exceptions/{_segment(exception_id)}"
        return await self._call(ExceptionView, "GET", path)

    async def act_on_exception(
        self, exception_id: str, action: str, body: dict[str, Any]
    ) -> ExceptionView:
        """POST …/exceptions/{id}/{action} (claim, resume, retry, cancel)."""
        path = f"exceptions/v1/exceptions/{_segment(exception_id)}/{action}"
        return await self._call(ExceptionView, "POST", path, json=body)

    async def list_events(
        self,
        *,
        event_type: str | None = None,
        key: str | None = None,
        ids: Sequence[str] = (),
        recorded_after: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> EventPage:
        params = _params(
            type=event_type,
            key=key,
            id=list(ids),
            recorded_after=recorded_after,
            limit=limit,
            offset=offset,
        )
        return await self._call(EventPage, "GET", "events/v1/events", params=params)
