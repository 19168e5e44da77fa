"""Time off: requests in a date range, and who's out (approved leave and holidays)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request

from sandboxes._kit.store import Doc
from sandboxes.bamboohr.deps import StoreDep, csv_values, query_date
from sandboxes.bamboohr.errors import BambooError

router = APIRouter()

STATUSES = ("approved", "denied", "superceded", "requested", "canceled")


def _overlaps(doc: Doc, start: date, end: date) -> bool:
    return date.fromisoformat(doc["end"]) >= start and date.fromisoformat(doc["start"]) <= end


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise BambooError(400, f"Invalid parameter: {name}")
    return int(value)


@router.get("/api/v1/time_off/requests")
def list_requests(request: Request, store: StoreDep) -> list[dict[str, Any]]:
    """List Time Off Requests overlapping [start, end], by status, employee, type or id."""
    start = query_date(request, "start", required=True) or date.min
    end = query_date(request, "end", required=True) or date.max
    statuses = csv_values(request, "status")
    if any(s not in STATUSES for s in statuses):
        raise BambooError(400, "Invalid status filter")
    employee_id, request_id = _int_param(request, "employeeId"), _int_param(request, "id")
    types = {int(t) for t in csv_values(request, "type") if t.isdigit()}
    found = []
    for doc in store.all("timeOffRequests"):
        if not _overlaps(doc, start, end):
            continue
        if statuses and doc["status"]["status"] not in statuses:
            continue
        if employee_id is not None and doc["employeeId"] != employee_id:
            continue
        if request_id is not None and doc["id"] != request_id:
            continue
        if types and doc["type"]["id"] not in types:
            continue
        view = dict(doc)
        if request.query_params.get("excludeNote"):
            view.pop("notes", None)
        found.append(view)
    return found


@router.get("/api/v1/time_off/whos_out")
def whos_out(request: Request, store: StoreDep) -> list[dict[str, Any]]:
    """List Who's Out: approved time off and company holidays, sorted by start date."""
    start = query_date(request, "start", required=False) or date.today()
    end = query_date(request, "end", required=False) or start + timedelta(days=14)
    entries: list[dict[str, Any]] = []
    for doc in store.all("timeOffRequests"):
        if doc["status"]["status"] == "approved" and _overlaps(doc, start, end):
            entries.append(
                {
                    "id": doc["id"],
                    "type": "timeOff",
                    "employeeId": doc["employeeId"],
                    "name": doc["name"],
                    "start": doc["start"],
                    "end": doc["end"],
                }
            )
    for doc in store.all("holidays"):
        if _overlaps(doc, start, end):
            entries.append(
                {
                    "id": doc["id"],
                    "type": "holiday",
                    "name": doc["name"],
                    "start": doc["start"],
                    "end": doc["end"],
                }
            )
    return sorted(entries, key=lambda e: (e["start"], e["type"], e["id"]))
