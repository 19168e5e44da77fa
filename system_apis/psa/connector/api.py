"""The Harvest v2 connector: one method per Harvest endpoint the PSA API uses."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
from pydantic import BaseModel

from system_apis._kit.connector import VendorConnector
from system_apis._kit.errors import (
    FieldError,
    SchemaDriftError,
    VendorConflictError,
    VendorError,
)
from system_apis.psa.connector.models import (
    HarvestClient,
    HarvestPageInfo,
    HarvestProject,
    HarvestTask,
    HarvestTaskAssignment,
    HarvestTeammate,
    HarvestTimeEntry,
    HarvestUser,
    HarvestUserAssignment,
)
from system_apis.psa.errors import field_errors_of, is_locked_refusal

M = TypeVar("M", bound=BaseModel)
Params = dict[str, str]
VENDOR = "harvest"


class HarvestPage(BaseModel):
    """One Harvest page: its items and the query of the next page (None on the last)."""

    items: list[Any]
    next_params: Params | None


def next_params_of(info: HarvestPageInfo) -> Params | None:
    """The query Harvest's `links.next` asks for (page or cursor, whichever it uses)."""
    if info.links.next is None:
        return None
    return dict(parse_qsl(urlsplit(info.links.next).query))


class HarvestConnector(VendorConnector):
    """Harvest's conversation; credentials ride on the client the runtime builds."""

    def classify(self, response: httpx.Response) -> VendorError:
        if is_locked_refusal(response):
            return VendorConflictError(
                self.vendor, "time entry is locked", status=response.status_code
            )
        return super().classify(response)

    def field_errors(self, response: httpx.Response) -> list[FieldError]:
        return field_errors_of(response)

    async def _list(self, path: str, key: str, model: type[M], params: Params) -> HarvestPage:
        response = await self.send("GET", path, params=params, idempotent=True)
        payload = response.json()
        info = self.parse(HarvestPageInfo, payload)
        rows = payload.get(key) if isinstance(payload, dict) else None
        if not isinstance(rows, list):
            raise SchemaDriftError(self.vendor, "HarvestPage", [key])
        return HarvestPage(
            items=[self.parse(model, row) for row in rows], next_params=next_params_of(info)
        )

    async def _one(
        self, method: str, path: str, model: type[M], body: dict[str, Any] | None = None
    ) -> M:
        # PATCH sets fields to values: repeating it is harmless, so it may be retried.
        idempotent = method in ("GET", "PATCH")
        response = await self.send(method, path, json=body, idempotent=idempotent)
        return self.parse(model, response.json())

    async def list_clients(self, params: Params) -> HarvestPage:
        return await self._list("/clients", "clients", HarvestClient, params)

    async def retrieve_client(self, client_id: str) -> HarvestClient:
        return await self._one("GET", f"/clients/{client_id}", HarvestClient)

    async def create_client(self, body: dict[str, Any]) -> HarvestClient:
        return await self._one("POST", "/clients", HarvestClient, body)

    async def list_projects(self, params: Params) -> HarvestPage:
        return await self._list("/projects", "projects", HarvestProject, params)

    async def retrieve_project(self, project_id: str) -> HarvestProject:
        return await self._one("GET", f"/projects/{project_id}", HarvestProject)

    async def create_project(self, body: dict[str, Any]) -> HarvestProject:
        return await self._one("POST", "/projects", HarvestProject, body)

    async def update_project(self, project_id: str, body: dict[str, Any]) -> HarvestProject:
        return await self._one("PATCH", f"/projects/{project_id}", HarvestProject, body)

    async def list_tasks(self, params: Params) -> HarvestPage:
        return await self._list("/tasks", "tasks", HarvestTask, params)

    async def create_task(self, body: dict[str, Any]) -> HarvestTask:
        return await self._one("POST", "/tasks", HarvestTask, body)

    async def list_task_assignments(self, project_id: str, params: Params) -> HarvestPage:
        path = f"/projects/{project_id}/task_assignments"
        return await self._list(path, "task_assignments", HarvestTaskAssignment, params)

    async def create_task_assignment(
        self, project_id: str, body: dict[str, Any]
    ) -> HarvestTaskAssignment:
        path = f"/projects/{project_id}/task_assignments"
        return await self._one("POST", path, HarvestTaskAssignment, body)

    async def list_user_assignments(self, params: Params) -> HarvestPage:
        return await self._list(
            "/user_assignments", "user_assignments", HarvestUserAssignment, params
        )

    async def list_project_user_assignments(self, project_id: str, params: Params) -> HarvestPage:
        path = f"/projects/{project_id}/user_assignments"
        return await self._list(path, "user_assignments", HarvestUserAssignment, params)

    async def create_user_assignment(
        self, project_id: str, body: dict[str, Any]
    ) -> HarvestUserAssignment:
        path = f"/projects/{project_id}/user_assignments"
        return await self._one("POST", path, HarvestUserAssignment, body)

    async def retrieve_user_assignment(
        self, project_id: str, assignment_id: str
    ) -> HarvestUserAssignment:
        path = f"/projects/{project_id}/user_assignments/{assignment_id}"
        return await self._one("GET", path, HarvestUserAssignment)

    async def update_user_assignment(
        self, project_id: str, assignment_id: str, body: dict[str, Any]
    ) -> HarvestUserAssignment:
        path = f"/projects/{project_id}/user_assignments/{assignment_id}"
        return await self._one("PATCH", path, HarvestUserAssignment, body)

    async def list_users(self, params: Params) -> HarvestPage:
        return await self._list("/users", "users", HarvestUser, params)

    async def retrieve_user(self, user_id: str) -> HarvestUser:
        return await self._one("GET", f"/users/{user_id}", HarvestUser)

    async def update_user(self, user_id: str, body: dict[str, Any]) -> HarvestUser:
        return await self._one("PATCH", f"/users/{user_id}", HarvestUser, body)

    async def create_user(self, body: dict[str, Any]) -> HarvestUser:
        return await self._one("POST", "/users", HarvestUser, body)

    async def list_teammates(self, user_id: str, params: Params) -> HarvestPage:
        path = f"/users/{user_id}/teammates"
        return await self._list(path, "teammates", HarvestTeammate, params)

    async def update_teammates(self, user_id: str, teammate_ids: list[str]) -> None:
        """Replace the users a manager approves time for (the whole list, as Harvest wants)."""
        body = {"teammate_ids": teammate_ids}
        await self.send("PATCH", f"/users/{user_id}/teammates", json=body, idempotent=True)

    async def create_rate(self, user_id: str, kind: str, amount: float) -> None:
        """Record a new cost or billable rate (`kind`: cost_rates | billable_rates) from today."""
        await self.send(
            "POST", f"/users/{user_id}/{kind}", json={"amount": amount}, idempotent=False
        )

    async def list_time_entries(self, params: Params) -> HarvestPage:
        return await self._list("/time_entries", "time_entries", HarvestTimeEntry, params)

    async def retrieve_time_entry(self, entry_id: str) -> HarvestTimeEntry:
        return await self._one("GET", f"/time_entries/{entry_id}", HarvestTimeEntry)

    async def approve_time_entry(self, entry_id: str) -> HarvestTimeEntry:
        """Approve (close and lock) one entry.

        Harvest's public API has no Timesheet Approval call; `is_closed` on updateTimeEntry
        is what the sandbox accepts as approval. A real account ignores the field, so the
        caller must check the returned entry (the service does, and refuses with 502).
        """
        path = f"/time_entries/{entry_id}"
        return await self._one("PATCH", path, HarvestTimeEntry, {"is_closed": True})

    async def mark_time_entry_billed(self, entry_id: str) -> HarvestTimeEntry:
        """Mark one approved entry billed (locked as invoiced).

        Harvest marks time billed when one of its own invoices imports it; we invoice in the
        billing platform instead. The sandbox accepts `is_billed: true` on updateTimeEntry for
        this (the spec's open request body permits it); a real account ignores the field, so
        the caller must check the returned entry (the service does, and refuses with 502).
        """
        path = f"/time_entries/{entry_id}"
        return await self._one("PATCH", path, HarvestTimeEntry, {"is_billed": True})
