"""Typed client of the HCM system API v1; returns contract models.

The caller's `httpx.AsyncClient` decides where the API is: its `base_url` points at the
version root (`…/system/hcm/v1/`), in-process (`httpx.ASGITransport`), remote, or mocked.
Imports only contracts, httpx and the standard library.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from contracts.common import Page
from contracts.hcm import (
    Availability,
    CostCentre,
    LeaveRequest,
    LeaveStatus,
    OrgUnit,
    OrgUnitKind,
    Worker,
    WorkerAvailability,
    WorkerCreate,
    WorkerStatus,
    WorkerUpdate,
)
from contracts.problems import Problem

M = TypeVar("M", bound=BaseModel)


class HcmApiError(Exception):
    """The HCM API answered with a problem document."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem

    def __reduce__(self) -> tuple[type[Self], tuple[Problem]]:
        # Durable engines pickle a step's exception; rebuild it from its problem.
        return (type(self), (self.problem,))


def _params(**values: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, value in values.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, bool):
                out.append((name, "true" if item else "false"))
            elif isinstance(item, date | datetime):
                out.append((name, item.isoformat()))
            elif item is not None:
                out.append((name, str(item)))
    return out


def _key(idempotency_key: str | None) -> dict[str, str]:
    return {} if idempotency_key is None else {"Idempotency-Key": idempotency_key}


def _body(model: BaseModel) -> Any:
    # Explicit nulls matter on updates (they clear a field); unset fields stay out.
    return model.model_dump(mode="json", exclude_unset=True)


class HcmClient:
    """One async method per route of /system/hcm/v1."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _call(self, model: type[M], method: str, path: str, **request: Any) -> M:
        response = await self.http.request(method, path, **request)
        if response.is_error:
            raise HcmApiError(Problem.model_validate_json(response.content))
        return model.model_validate_json(response.content)

    async def list_workers(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        status: WorkerStatus | None = None,
        legal_entity: str | None = None,
        org_unit_id: str | None = None,
        changed_since: datetime | None = None,
    ) -> Page[Worker]:
        params = _params(
            limit=limit,
            cursor=cursor,
            status=status.value if status else None,
            legal_entity=legal_entity,
            org_unit_id=org_unit_id,
            changed_since=changed_since,
        )
        return await self._call(Page[Worker], "GET", "workers", params=params)

    async def get_worker(self, worker_id: str) -> Worker:
        return await self._call(Worker, "GET", f"workers/{worker_id}")

    async def get_worker_by_employee_number(self, employee_number: str) -> Worker:
        return await self._call(Worker, "GET", f"workers/by-employee-number/{employee_number}")

    async def create_worker(
        self, body: WorkerCreate, *, idempotency_key: str | None = None
    ) -> Worker:
        return await self._call(
            Worker, "POST", "workers", json=_body(body), headers=_key(idempotency_key)
        )

    async def update_worker(
        self, worker_id: str, body: WorkerUpdate, *, idempotency_key: str | None = None
    ) -> Worker:
        return await self._call(
            Worker,
            "PATCH",
            f"workers/{worker_id}",
            json=_body(body),
            headers=_key(idempotency_key),
        )

    async def get_worker_availability(self, worker_id: str, start: date, end: date) -> Availability:
        params = _params(start=start, end=end)
        return await self._call(
            Availability, "GET", f"workers/{worker_id}/availability", params=params
        )

    async def list_org_units(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        kind: OrgUnitKind | None = None,
        include_archived: bool | None = None,
    ) -> Page[OrgUnit]:
        params = _params(
            limit=limit,
            cursor=cursor,
            kind=kind.value if kind else None,
            include_archived=include_archived,
        )
        return await self._call(Page[OrgUnit], "GET", "org-units", params=params)

    async def list_availability(
        self, start: date, end: date, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[WorkerAvailability]:
        params = _params(start=start, end=end, limit=limit, cursor=cursor)
        return await self._call(Page[WorkerAvailability], "GET", "availability", params=params)

    async def get_org_unit_availability(
        self, org_unit_id: str, start: date, end: date
    ) -> Availability:
        params = _params(start=start, end=end)
        return await self._call(
            Availability, "GET", f"org-units/{org_unit_id}/availability", params=params
        )

    async def list_cost_centres(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        include_archived: bool | None = None,
    ) -> Page[CostCentre]:
        params = _params(limit=limit, cursor=cursor, include_archived=include_archived)
        return await self._call(Page[CostCentre], "GET", "cost-centres", params=params)

    async def list_leave_requests(
        self,
        start: date,
        end: date,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        status: list[LeaveStatus] | None = None,
        worker_id: str | None = None,
    ) -> Page[LeaveRequest]:
        params = _params(
            start=start,
            end=end,
            limit=limit,
            cursor=cursor,
            status=[s.value for s in status or []],
            worker_id=worker_id,
        )
        return await self._call(Page[LeaveRequest], "GET", "leave-requests", params=params)
