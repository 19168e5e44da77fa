"""The BambooHR connector: one method per BambooHR endpoint the HCM API uses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from system_apis._kit.connector import VendorConnector
from system_apis._kit.errors import FieldError, SchemaDriftError, VendorError
from system_apis.hcm import errors
from system_apis.hcm.connector.models import (
    BambooChangedEmployees,
    BambooEmployee,
    BambooEmployeePage,
    BambooListField,
    BambooListFields,
    BambooReport,
    BambooTimeOffRequest,
    BambooTimeOffRequests,
    BambooWhosOut,
    BambooWhosOutList,
)

M = TypeVar("M", bound=BaseModel)


class BambooConnector(VendorConnector):
    """BambooHR over its REST API: Basic auth with the API key (set on the client)."""

    def classify(self, response: httpx.Response) -> VendorError:
        return errors.classify(response) or super().classify(response)

    def field_errors(self, response: httpx.Response) -> list[FieldError]:
        return errors.field_errors(response)

    def _payload(self, response: httpx.Response, model: type[M]) -> M:
        try:
            body = response.json()
        except ValueError:
            raise SchemaDriftError(self.vendor, model.__name__, ["(JSON body)"]) from None
        return self.parse(model, body)

    async def _get(self, path: str, model: type[M], params: Any = None) -> M:
        response = await self.send("GET", path, params=params, idempotent=True)
        return self._payload(response, model)

    async def list_employees(
        self, *, fields: Sequence[str], limit: int, after: str | None, status: str | None
    ) -> BambooEmployeePage:
        """List Employees: one page, `page[after]` cursor, optional `filter[status]`."""
        params: list[tuple[str, str | int]] = [("fields", f) for f in fields]
        params.append(("page[limit]", limit))
        if after is not None:
            params.append(("page[after]", after))
        if status is not None:
            params.append(("filter[status]", status))
        return await self._get("/api/v1/employees", BambooEmployeePage, params)

    async def get_employee(self, employee_id: str, fields: Sequence[str]) -> BambooEmployee:
        """Get Employee with the given fields."""
        params = {"fields": ",".join(fields)}
        return await self._get(f"/api/v1/employees/{employee_id}", BambooEmployee, params)

    async def changed_employees(self, since: datetime) -> BambooChangedEmployees:
        """Get Changed Employee IDs since a timestamp."""
        params = {"since": since.isoformat()}
        return await self._get("/api/v1/employees/changed", BambooChangedEmployees, params)

    async def employee_report(
        self, fields: Sequence[str], employee_ids: Sequence[int] | None = None
    ) -> BambooReport:
        """Request Custom Report (JSON) of `fields`, for some employees or all."""
        body: dict[str, Any] = {"title": "atrium-hcm", "fields": list(fields)}
        if employee_ids is not None:
            body["filters"] = {"employeeIds": list(employee_ids)}
        # A report is a read: safe to repeat.
        response = await self.send(
            "POST", "/api/v1/reports/custom", params={"format": "json"}, json=body, idempotent=True
        )
        return self._payload(response, BambooReport)

    async def list_fields(self) -> list[BambooListField]:
        """List List Fields (departments, divisions, custom lists)."""
        return (await self._get("/api/v1/meta/lists", BambooListFields)).root

    async def time_off_requests(
        self, start: date, end: date, *, status: str | None, employee_id: str | None
    ) -> list[BambooTimeOffRequest]:
        """List Time Off Requests overlapping [start, end]."""
        params: dict[str, str] = {"start": start.isoformat(), "end": end.isoformat()}
        if status:
            params["status"] = status
        if employee_id is not None:
            params["employeeId"] = employee_id
        return (await self._get("/api/v1/time_off/requests", BambooTimeOffRequests, params)).root

    async def whos_out(self, start: date, end: date) -> list[BambooWhosOut]:
        """List Who's Out: approved time off and company holidays."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        return (await self._get("/api/v1/time_off/whos_out", BambooWhosOutList, params)).root

    async def create_employee(self, fields: dict[str, str]) -> str:
        """Create Employee; the new id, read from `Location`. Never retried (no key)."""
        response = await self.send("POST", "/api/v1/employees", json=fields, idempotent=False)
        location = str(response.headers.get("location") or "")
        employee_id = location.rstrip("/").rsplit("/", 1)[-1]
        if not employee_id.isdigit():
            raise SchemaDriftError(self.vendor, "CreateEmployee", ["Location"])
        return employee_id

    async def update_employee(self, employee_id: str, fields: dict[str, str]) -> None:
        """Update Employee; setting the same values again is harmless, so it may be retried."""
        await self.send("POST", f"/api/v1/employees/{employee_id}", json=fields, idempotent=True)

    async def add_job_info(self, employee_id: str, row: dict[str, str]) -> None:
        """Create a jobInfo table row (a job change effective on `row['date']`)."""
        path = f"/api/v1/employees/{employee_id}/tables/jobInfo"
        await self.send("POST", path, json=row, idempotent=False)
