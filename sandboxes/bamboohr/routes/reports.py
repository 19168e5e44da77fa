"""Custom reports: any employee fields for all (or some) employees in one call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request

from sandboxes._kit.store import Doc
from sandboxes.bamboohr.deps import StoreDep
from sandboxes.bamboohr.documents import field_value, report_value
from sandboxes.bamboohr.errors import BambooError
from sandboxes.bamboohr.lookups import Lookups
from sandboxes.bamboohr.writes import read_json_body

router = APIRouter()


def _included(doc: Doc, filters: dict[str, Any]) -> bool:
    ids = filters.get("employeeIds")
    if ids is not None and int(doc["id"]) not in {int(i) for i in ids}:
        return False
    changed = (filters.get("lastChanged") or {}).get("value")
    if changed:
        try:
            since = datetime.fromisoformat(changed)
        except ValueError:
            raise BambooError(400, "Invalid lastChanged filter") from None
        return datetime.fromisoformat(doc["lastChanged"]) >= since
    return True


@router.post("/api/v1/reports/custom")
async def custom_report(request: Request, store: StoreDep) -> dict[str, Any]:
    """Request Custom Report (JSON): `fields` for every employee matching `filters`."""
    if request.query_params.get("format", "json").lower() != "json":
        raise BambooError(404, "Report format not found")
    body = await read_json_body(request)
    fields = body.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise BambooError(400, "fields must be a list of field ids")
    if len(fields) > 400:
        raise BambooError(400, "The maximum number of fields per request is 400")
    filters = body.get("filters") or {}
    if not isinstance(filters, dict):
        raise BambooError(400, "filters must be an object")
    lookups = Lookups.for_all(store)
    rows = []
    for doc in store.all("employees"):
        if not _included(doc, filters):
            continue
        job = lookups.job(str(doc["id"]))
        row = {"id": str(doc["id"])}
        for name in fields:
            row[name] = report_value(field_value(lookups, doc, job, name))
        rows.append(row)
    return {
        "title": body.get("title") or "Report",
        "fields": [{"id": f, "type": "text", "name": f} for f in fields],
        "employees": rows,
    }
