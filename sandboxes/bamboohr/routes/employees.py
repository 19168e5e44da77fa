"""Employees: list (cursor paged), get with field selection, create, update, changed ids."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from sandboxes._kit.store import Doc
from sandboxes.bamboohr.deps import StoreDep, csv_values
from sandboxes.bamboohr.documents import employee_view, list_row, now_stamp
from sandboxes.bamboohr.errors import BambooError
from sandboxes.bamboohr.lookups import Lookups
from sandboxes.bamboohr.writes import apply_employee_fields, create_employee, read_json_body

router = APIRouter()

MAX_LIMIT = 2500
DEFAULT_LIMIT = 250
_TEXT_FILTERS = ("firstName", "lastName", "jobTitleName")


def _cursor(employee_id: str) -> str:
    return base64.b64encode(json.dumps({"cursor": f"after-{employee_id}"}).encode()).decode()


def _cursor_id(cursor: str) -> int:
    try:
        decoded = json.loads(base64.b64decode(cursor, validate=True))
        return int(str(decoded["cursor"]).removeprefix("after-"))
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise BambooError(400, "Invalid page cursor", code="BadPage") from None


def _limit(request: Request) -> int:
    raw = request.query_params.get("page[limit]", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BambooError(400, "page[limit] must be between 1 and 2500")
    return int(raw)


def _matches(lookups: Lookups, employee: Doc, request: Request) -> bool:
    status = request.query_params.get("filter[status]")
    if status is not None:
        if status not in ("active", "inactive"):
            raise BambooError(400, "filter[status] must be active or inactive")
        if str(employee.get("status", "")).lower() != status:
            return False
    ids = csv_values(request, "filter[ids]")
    if ids and str(employee["id"]) not in ids:
        return False
    row = list_row(lookups, employee, [])
    for name in _TEXT_FILTERS:
        wanted = request.query_params.get(f"filter[{name}]")
        if wanted and wanted.lower() not in str(row.get(name) or "").lower():
            return False
    return True


def _href(request: Request, after: str | None) -> dict[str, str]:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page[after]"]
    if after is not None:
        params.append(("page[after]", after))
    return {"href": str(request.url.replace(query=urlencode(params)))}


@router.get("/api/v1/employees")
def list_employees(request: Request, store: StoreDep) -> dict[str, Any]:
    """List Employees: ordered by id, `page[after]` cursors, `filter[...]`, extra `fields`."""
    limit = _limit(request)
    after = request.query_params.get("page[after]")
    start = _cursor_id(after) if after else 0
    lookups = Lookups.for_all(store)
    matching = [e for e in store.all("employees") if _matches(lookups, e, request)]
    remaining = [e for e in matching if int(e["id"]) > start]
    page, more = remaining[:limit], len(remaining) > limit
    extra = csv_values(request, "fields")
    next_cursor = _cursor(str(page[-1]["id"])) if more and page else None
    links = {"self": _href(request, after)}
    if next_cursor is not None:
        links["next"] = _href(request, next_cursor)
    return {
        "data": [list_row(lookups, e, extra) for e in page],
        "meta": {
            "total": len(matching),
            "page": {"limit": limit, "nextCursor": next_cursor, "prevCursor": None},
        },
        "_links": links,
    }


@router.get("/api/v1/employees/changed")
def changed_employees(request: Request, store: StoreDep) -> dict[str, Any]:
    """Get Changed Employee IDs since a timestamp, optionally of one change type."""
    since_text = request.query_params.get("since")
    try:
        since = datetime.fromisoformat(since_text or "")
    except ValueError:
        raise BambooError(400, "The since parameter must be an ISO 8601 date-time") from None
    kind = request.query_params.get("type", "all")
    if kind not in ("inserted", "updated", "deleted", "all"):
        raise BambooError(400, "Invalid type parameter")
    if since.tzinfo is None:
        raise BambooError(400, "The since parameter must carry a time zone offset")
    changes: dict[str, dict[str, str]] = {}
    for employee in store.all("employees"):
        changed = datetime.fromisoformat(employee["lastChanged"])
        action = "Inserted" if employee["lastChanged"] == employee["created"] else "Updated"
        if changed >= since and kind in ("all", action.lower()):
            key = str(employee["id"])
            changes[key] = {"id": key, "action": action, "lastChanged": employee["lastChanged"]}
    latest = max((c["lastChanged"] for c in changes.values()), default=now_stamp())
    return {"latest": latest, "employees": changes}


@router.get("/api/v1/employees/{employee_id}")
def get_employee(employee_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    """Get Employee: `id` plus the comma-separated `fields` (default firstName,lastName)."""
    employee = store.get("employees", employee_id) if employee_id.isdigit() else None
    if employee is None:
        raise BambooError(404, "Employee not found")
    fields = csv_values(request, "fields") or ["firstName", "lastName"]
    if len(fields) > 400:
        raise BambooError(400, "The maximum number of fields per request is 400")
    return employee_view(Lookups.for_employee(store, str(employee["id"])), employee, fields)


@router.post("/api/v1/employees", status_code=201)
async def add_employee(request: Request, store: StoreDep) -> Response:
    """Create Employee: 201 with no body; `Location` names the new employee."""
    body = await read_json_body(request)
    employee_id = create_employee(store, body)
    location = str(request.url_for("get_employee", employee_id=employee_id))
    return Response(status_code=201, headers={"Location": location})


@router.post("/api/v1/employees/{employee_id}")
async def update_employee(employee_id: str, request: Request, store: StoreDep) -> Response:
    """Update Employee: 200 with no body."""
    employee = store.get("employees", employee_id) if employee_id.isdigit() else None
    if employee is None:
        raise BambooError(404, "Employee not found")
    body = await read_json_body(request)
    apply_employee_fields(store, employee_id, body)
    return Response(status_code=200)
