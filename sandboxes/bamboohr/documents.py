"""How the sandbox stores BambooHR data, and the views BambooHR answers with.

Collections: `employees` (employee fields, including custom ones), `jobInfo` (the job
history table: date, jobTitle, department, division, location, reportsTo), `lists` (list
fields with their options), `timeOffRequests`, `holidays`. Job fields on an employee
(`jobTitleName`, `department`, `departmentId`, ...) are read from the current jobInfo row,
as BambooHR derives them. Views take the request's `Lookups` (see lookups.py) so that a
list reads jobInfo and the list fields once, not once per employee.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandboxes._kit.store import Doc, Store
from sandboxes.bamboohr.lookups import Lookups, option_ids

# Employee fields BambooHR derives from the current jobInfo row: field -> (row key, list alias)
_JOB_FIELDS = {
    "jobTitleName": ("jobTitle", None),
    "jobTitle": ("jobTitle", None),
    "department": ("department", None),
    "departmentName": ("department", None),
    "departmentId": ("department", "department"),
    "division": ("division", None),
    "divisionName": ("division", None),
    "divisionId": ("division", "division"),
    "location": ("location", None),
    "locationName": ("location", None),
    "locationId": ("location", "location"),
    "reportsToId": ("reportsTo", None),
}
# Fields every row of List Employees carries.
LIST_DEFAULT_FIELDS = ("firstName", "lastName", "preferredName", "photoUrl", "jobTitleName")


def now_stamp() -> str:
    """BambooHR's change timestamps: ISO 8601 in UTC, second precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def option_id(store: Store, alias: str, name: str | None) -> str | None:
    """The id of the option called `name` in list `alias`, as text."""
    if not name:
        return None
    return option_ids(store.find("lists", alias=alias)[:1]).get(alias, {}).get(name)


def has_option(store: Store, alias: str, name: str) -> bool:
    return option_id(store, alias, name) is not None


def field_value(lookups: Lookups, employee: Doc, job: Doc, name: str) -> Any:
    """One employee field as BambooHR reports it (None when empty or unknown)."""
    if name in _JOB_FIELDS:
        key, alias = _JOB_FIELDS[name]
        value = job.get(key) or None
        return lookups.option_id(alias, value) if alias else value
    if name == "displayName":
        first = employee.get("preferredName") or employee.get("firstName")
        return f"{first} {employee.get('lastName')}"
    if name == "employmentStatusName":
        return employee.get("employmentStatus")
    if name == "reportsToName":
        manager = lookups.employee(job.get("reportsTo") or 0)
        return f"{manager['firstName']} {manager['lastName']}" if manager else None
    value = employee.get(name)
    return None if value == "" else value


def employee_view(lookups: Lookups, employee: Doc, fields: list[str]) -> dict[str, Any]:
    """Get Employee's answer: `id` plus every requested field (null when empty)."""
    job = lookups.job(str(employee["id"]))
    view: dict[str, Any] = {"id": str(employee["id"])}
    for name in fields:
        view[name] = field_value(lookups, employee, job, name)
    return view


def list_row(lookups: Lookups, employee: Doc, extra: list[str]) -> dict[str, Any]:
    """One row of List Employees: the fixed fields, `status`, and the optional ones asked for."""
    job = lookups.job(str(employee["id"]))
    row: dict[str, Any] = {"employeeId": str(employee["id"])}
    for name in (*LIST_DEFAULT_FIELDS, *extra):
        row[name] = field_value(lookups, employee, job, name)
    row["status"] = employee.get("status")
    row["_restrictedFields"] = []
    return row


def report_value(value: Any) -> str:
    """Custom reports render every value as text; empty is ''."""
    return "" if value is None else str(value)


def touch(store: Store, employee_id: str) -> None:
    """Record a change to an employee (what `employees/changed` reports)."""
    store.update("employees", employee_id, {"lastChanged": now_stamp()})
