"""Typed client of the PSA API v1: one method per route, contract models in and out.

Imports only contracts, httpx and the standard library, so process APIs can use it over any
transport (in-process ASGI, a remote base URL, or a mock in tests).
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from contracts.common import Page
from contracts.psa import (
    ApprovalState,
    Assignment,
    AssignmentCreate,
    AssignmentUpdate,
    Customer,
    CustomerCreate,
    Project,
    ProjectCreate,
    ProjectStatus,
    ProjectTask,
    ProjectTaskCreate,
    ProjectUpdate,
    Resource,
    ResourceApprover,
    ResourceApproverUpdate,
    ResourceCreate,
    ResourceUpdate,
    Task,
    TaskCreate,
    TimeApproval,
    TimeApprovalResult,
    TimeBilling,
    TimeBillingResult,
    TimeEntry,
)

M = TypeVar("M", bound=BaseModel)


def _query(**params: Any) -> dict[str, str]:
    """Query parameters without the unset ones, rendered as the API expects."""
    rendered: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            rendered[name] = str(value).lower()
        elif isinstance(value, date):
            rendered[name] = value.isoformat()
        else:
            rendered[name] = str(value)
    return rendered


def _key(idempotency_key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": idempotency_key} if idempotency_key else {}


class PsaClient:
    """The PSA API v1 over `http` (its base URL points at /system/psa/v1)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _get(self, path: str, model: type[M], **params: Any) -> M:
        response = await self.http.get(path, params=_query(**params))
        response.raise_for_status()
        return model.model_validate(response.json())

    async def _send(
        self, method: str, path: str, model: type[M], body: BaseModel | None, key: str | None
    ) -> M:
        content = body.model_dump(mode="json", exclude_unset=True) if body is not None else None
        response = await self.http.request(method, path, json=content, headers=_key(key))
        response.raise_for_status()
        return model.model_validate(response.json())

    async def list_customers(
        self, *, active: bool | None = None, cursor: str | None = None, limit: int = 50
    ) -> Page[Customer]:
        return await self._get(
            "customers", Page[Customer], active=active, cursor=cursor, limit=limit
        )

    async def get_customer(self, customer_id: str) -> Customer:
        return await self._get(f"customers/{customer_id}", Customer)

    async def create_customer(
        self, body: CustomerCreate, *, idempotency_key: str | None = None
    ) -> Customer:
        return await self._send("POST", "customers", Customer, body, idempotency_key)

    async def list_projects(
        self,
        *,
        status: ProjectStatus | None = None,
        customer_number: str | None = None,
        legal_entity: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[Project]:
        return await self._get(
            "projects",
            Page[Project],
            status=status,
            customer_number=customer_number,
            legal_entity=legal_entity,
            cursor=cursor,
            limit=limit,
        )

    async def get_project(self, project_id: str) -> Project:
        return await self._get(f"projects/{project_id}", Project)

    async def create_project(
        self, body: ProjectCreate, *, idempotency_key: str | None = None
    ) -> Project:
        return await self._send("POST", "projects", Project, body, idempotency_key)

    async def update_project(
        self, project_id: str, body: ProjectUpdate, *, idempotency_key: str | None = None
    ) -> Project:
        return await self._send("PATCH", f"projects/{project_id}", Project, body, idempotency_key)

    async def list_tasks(
        self, *, active: bool | None = None, cursor: str | None = None, limit: int = 50
    ) -> Page[Task]:
        return await self._get("tasks", Page[Task], active=active, cursor=cursor, limit=limit)

    async def create_task(self, body: TaskCreate, *, idempotency_key: str | None = None) -> Task:
        return await self._send("POST", "tasks", Task, body, idempotency_key)

    async def list_project_tasks(
        self, project_id: str, *, cursor: str | None = None, limit: int = 50
    ) -> Page[ProjectTask]:
        return await self._get(
            f"projects/{project_id}/tasks", Page[ProjectTask], cursor=cursor, limit=limit
        )

    async def add_project_task(
        self, project_id: str, body: ProjectTaskCreate, *, idempotency_key: str | None = None
    ) -> ProjectTask:
        path = f"projects/{project_id}/tasks"
        return await self._send("POST", path, ProjectTask, body, idempotency_key)

    async def list_resources(
        self, *, assignable: bool | None = None, cursor: str | None = None, limit: int = 50
    ) -> Page[Resource]:
        return await self._get(
            "resources", Page[Resource], assignable=assignable, cursor=cursor, limit=limit
        )

    async def get_resource(self, resource_id: str) -> Resource:
        return await self._get(f"resources/{resource_id}", Resource)

    async def update_resource(
        self, resource_id: str, body: ResourceUpdate, *, idempotency_key: str | None = None
    ) -> Resource:
        path = f"resources/{resource_id}"
        return await self._send("PATCH", path, Resource, body, idempotency_key)

    async def create_resource(
        self, body: ResourceCreate, *, idempotency_key: str | None = None
    ) -> Resource:
        return await self._send("POST", "resources", Resource, body, idempotency_key)

    async def set_resource_approver(
        self,
        resource_id: str,
        body: ResourceApproverUpdate,
        *,
        idempotency_key: str | None = None,
    ) -> ResourceApprover:
        path = f"resources/{resource_id}/approver"
        return await self._send("PUT", path, ResourceApprover, body, idempotency_key)

    async def list_assignments(
        self,
        *,
        project_id: str | None = None,
        resource_id: str | None = None,
        active: bool | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[Assignment]:
        return await self._get(
            "assignments",
            Page[Assignment],
            project_id=project_id,
            resource_id=resource_id,
            active=active,
            cursor=cursor,
            limit=limit,
        )

    async def get_assignment(self, project_id: str, assignment_id: str) -> Assignment:
        return await self._get(f"projects/{project_id}/assignments/{assignment_id}", Assignment)

    async def create_assignment(
        self, project_id: str, body: AssignmentCreate, *, idempotency_key: str | None = None
    ) -> Assignment:
        path = f"projects/{project_id}/assignments"
        return await self._send("POST", path, Assignment, body, idempotency_key)

    async def update_assignment(
        self,
        project_id: str,
        assignment_id: str,
        body: AssignmentUpdate,
        *,
        idempotency_key: str | None = None,
    ) -> Assignment:
        path = f"projects/{project_id}/assignments/{assignment_id}"
        return await self._send("PATCH", path, Assignment, body, idempotency_key)

    async def end_assignment(
        self, project_id: str, assignment_id: str, *, idempotency_key: str | None = None
    ) -> Assignment:
        path = f"projects/{project_id}/assignments/{assignment_id}/end"
        return await self._send("POST", path, Assignment, None, idempotency_key)

    async def list_time_entries(
        self,
        *,
        project_id: str | None = None,
        resource_id: str | None = None,
        period_start: date | None = None,
        period_end: date | None = None,
        approval_state: ApprovalState | None = None,
        billed: bool | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[TimeEntry]:
        return await self._get(
            "time-entries",
            Page[TimeEntry],
            project_id=project_id,
            resource_id=resource_id,
            period_start=period_start,
            period_end=period_end,
            approval_state=approval_state,
            billed=billed,
            cursor=cursor,
            limit=limit,
        )

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        return await self._get(f"time-entries/{entry_id}", TimeEntry)

    async def approve_time_entry(
        self, entry_id: str, *, idempotency_key: str | None = None
    ) -> TimeEntry:
        path = f"time-entries/{entry_id}/approve"
        return await self._send("POST", path, TimeEntry, None, idempotency_key)

    async def approve_time(
        self, body: TimeApproval, *, idempotency_key: str | None = None
    ) -> TimeApprovalResult:
        path = "time-entries/approvals"
        return await self._send("POST", path, TimeApprovalResult, body, idempotency_key)

    async def mark_time_billed(
        self, body: TimeBilling, *, idempotency_key: str | None = None
    ) -> TimeBillingResult:
        path = "time-entries/billing"
        return await self._send("POST", path, TimeBillingResult, body, idempotency_key)
