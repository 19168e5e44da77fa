"""Writes the way BambooHR checks them: employees (create, update) and jobInfo rows."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import Request

from sandboxes._kit.store import Doc, Store
from sandboxes.bamboohr.documents import has_option, now_stamp, touch
from sandboxes.bamboohr.errors import BambooError, invalid_field

EMPLOYEE_FIELDS = frozenset(
    {
        "employeeNumber",
        "firstName",
        "lastName",
        "preferredName",
        "workEmail",
        "hireDate",
        "terminationDate",
        "status",
        "employmentStatus",
        "payRate",
        "customCostCenter",
        "customGrade",
        "customWeeklyHours",
    }
)
JOB_FIELDS = frozenset({"jobTitle", "department", "division", "location", "reportsTo"})
_DATE_FIELDS = ("hireDate", "terminationDate")
# List-valued employee fields: field -> list alias.
_LIST_FIELDS = {"employmentStatus": "employmentStatus", "customCostCenter": "customCostCenter"}
_JOB_LISTS = ("department", "division", "location")


async def read_json_body(request: Request) -> dict[str, Any]:
    """The JSON object posted; BambooHR reads anything else as (malformed) XML: 400."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise BambooError(400, "Malformed XML")
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BambooError(400, "Malformed JSON") from None
    if not isinstance(body, dict):
        raise BambooError(400, "Malformed JSON")
    return body


def _valid_date(value: Any) -> bool:
    if value in ("", "0000-00-00"):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _check_employee_fields(store: Store, fields: dict[str, Any], employee_id: str | None) -> None:
    unknown = sorted(set(fields) - EMPLOYEE_FIELDS - JOB_FIELDS)
    if unknown:
        raise BambooError(400, f"Unknown field: {unknown[0]}")
    others = [e for e in store.all("employees") if str(e["id"]) != employee_id]
    number = fields.get("employeeNumber")
    if number and any(e.get("employeeNumber") == number for e in others):
        raise invalid_field("employeeNumber")
    email = fields.get("workEmail")
    if email and ("@" not in str(email) or any(e.get("workEmail") == email for e in others)):
        raise invalid_field("workEmail")
    for name in _DATE_FIELDS:
        if name in fields and not _valid_date(fields[name]):
            raise invalid_field(name)
    for name, alias in _LIST_FIELDS.items():
        if fields.get(name) and not has_option(store, alias, str(fields[name])):
            raise invalid_field(name)
    if fields.get("status") not in (None, "Active", "Inactive"):
        raise invalid_field("status")


def check_job_row(store: Store, row: dict[str, Any]) -> None:
    """A jobInfo row BambooHR accepts: a date, list values that exist, a real manager."""
    unknown = sorted(set(row) - JOB_FIELDS - {"date"})
    if unknown:
        raise BambooError(400, f"Unknown field: {unknown[0]}")
    if not row.get("date") or not _valid_date(row["date"]):
        raise invalid_field("date", 406)
    for alias in _JOB_LISTS:
        if row.get(alias) and not has_option(store, alias, str(row[alias])):
            raise invalid_field(alias, 406)
    manager = row.get("reportsTo")
    if manager and store.get("employees", str(manager)) is None:
        raise invalid_field("reportsTo", 406)


def add_job_row(store: Store, employee_id: str, row: dict[str, Any]) -> Doc:
    check_job_row(store, row)
    doc = {"employeeId": employee_id, **{k: str(v) for k, v in row.items()}}
    return store.insert("jobInfo", doc)


def create_employee(store: Store, body: dict[str, Any]) -> str:
    """Insert an employee (and its first jobInfo row when job fields are given)."""
    if not body.get("firstName") or not body.get("lastName"):
        raise BambooError(400, "firstName and lastName are required")
    _check_employee_fields(store, body, None)
    job = {k: v for k, v in body.items() if k in JOB_FIELDS}
    if job:
        job = {"date": body.get("hireDate") or date.today().isoformat(), **job}
        check_job_row(store, job)
    stamp = now_stamp()
    with store.transaction():
        fields = {k: v for k, v in body.items() if k in EMPLOYEE_FIELDS}
        employee = store.insert(
            "employees", {"status": "Active", **fields, "created": stamp, "lastChanged": stamp}
        )
        employee_id = str(employee["id"])
        if job:
            add_job_row(store, employee_id, job)
    return employee_id


def apply_employee_fields(store: Store, employee_id: str, body: dict[str, Any]) -> None:
    """Update Employee: employee fields; job fields start a jobInfo row dated today."""
    _check_employee_fields(store, body, employee_id)
    job = {k: v for k, v in body.items() if k in JOB_FIELDS}
    with store.transaction():
        fields = {k: v for k, v in body.items() if k in EMPLOYEE_FIELDS}
        if fields:
            store.update("employees", employee_id, fields)
        if job:
            add_job_row(store, employee_id, {"date": date.today().isoformat(), **job})
        touch(store, employee_id)
