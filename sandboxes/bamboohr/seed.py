"""Seed the BambooHR sandbox from the demo firm: lists, employees, job history, time off.

Divisions are the legal entities (policies/mappings/hcm.yaml says so on our side), cost
centres a custom list field whose options read "<code> · <name>", grade and weekly hours
custom fields; workers the demo firm leaves out of the HCM are not seeded, and fields it
says the HCM holds differently are seeded with the HCM's value.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.demo_firm import DemoFirm
from sandboxes.demo_firm.records import LeaveRequest, Worker

EMPLOYMENT_STATUSES = ("Full-Time", "Part-Time", "Contractor", "Terminated")
_EMPLOYMENT = {"full_time": "Full-Time", "part_time": "Part-Time", "contractor": "Contractor"}
_TIME_OFF_TYPES = {
    "Vacation": (78, "palm-trees"),
    "Sick": (79, "medical"),
    "Personal": (80, "star"),
}
_LEAVE_STATUS = {"approved": "approved", "requested": "requested", "cancelled": "canceled"}
# Canonical worker field -> BambooHR employee field, for the firm's listed inconsistencies.
_HCM_FIELDS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "workEmail",
    "grade": "customGrade",
    "weekly_capacity_hours": "customWeeklyHours",
}


def _options(names: list[str]) -> list[dict[str, Any]]:
    return [
        {"id": i, "name": name, "archived": "no", "createdDate": None, "archivedDate": None}
        for i, name in enumerate(names, start=1)
    ]


def cost_centre_option(code: str, name: str) -> str:
    return f"{code} · {name}"


def _hcm_only_cost_centres(firm: DemoFirm) -> list[str]:
    """Cost centres the HCM files people under that the firm's books do not know."""
    known = {c.code for c in firm.cost_centres}
    return sorted(
        str(i.value)
        for i in firm.inconsistencies
        if i.system == "hcm" and i.field == "cost_centre" and i.value not in known
    )


def seed_lists(store: Store, firm: DemoFirm) -> None:
    locations = sorted({w.location for w in firm.workers})
    centres = [cost_centre_option(c.code, c.name) for c in firm.cost_centres]
    centres += [cost_centre_option(code, code) for code in _hcm_only_cost_centres(firm)]
    for field_id, alias, name, values in (
        (4, "department", "Department", [d.name for d in firm.departments]),
        (1355, "division", "Division", [le.name for le in firm.legal_entities]),
        (3, "location", "Location", locations),
        (1360, "employmentStatus", "Employment Status", list(EMPLOYMENT_STATUSES)),
        (4001, "customCostCenter", "Cost Center", centres),
    ):
        store.insert(
            "lists",
            {"fieldId": field_id, "alias": alias, "name": name, "options": _options(values)},
            id=field_id,
        )


def _stamp(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+00:00"


def _cost_centre_text(firm: DemoFirm, code: str) -> str:
    centre = next((c for c in firm.cost_centres if c.code == code), None)
    return cost_centre_option(code, centre.name if centre else code)


def employee_doc(firm: DemoFirm, worker: Worker) -> dict[str, Any]:
    number = worker.employee_number
    cost_centre = firm.value_in("hcm", "worker", number, "cost_centre", worker.cost_centre)
    created = _stamp(worker.hire_date, 9)
    terminated = worker.termination_date
    doc: dict[str, Any] = {
        "id": worker.id,
        "employeeNumber": worker.employee_number,
        "firstName": worker.first_name,
        "lastName": worker.last_name,
        "preferredName": None,
        "workEmail": worker.email,
        "hireDate": worker.hire_date.isoformat(),
        "terminationDate": terminated.isoformat() if terminated else "0000-00-00",
        "status": "Inactive" if worker.status == "terminated" else "Active",
        "employmentStatus": _EMPLOYMENT.get(worker.employment_type, "Full-Time"),
        "payRate": f"{worker.cost_rate:.2f} {worker.currency}",
        "payType": "Hourly",
        "payPer": "Hour",
        "customCostCenter": _cost_centre_text(firm, str(cost_centre)),
        "customGrade": worker.grade,
        "customWeeklyHours": str(worker.weekly_capacity_hours),
        "created": created,
        "lastChanged": _stamp(terminated, 17) if terminated else created,
    }
    for ours, theirs in _HCM_FIELDS.items():
        doc[theirs] = firm.value_in("hcm", "worker", number, ours, str(doc[theirs]))
    return doc


def seed_people(store: Store, firm: DemoFirm) -> dict[str, int]:
    """Employees and their first jobInfo row; the BambooHR id of each employee number."""
    skipped = firm.absent_from("hcm", "worker")
    workers = [w for w in firm.workers if w.employee_number not in skipped]
    ids = {w.employee_number: w.id for w in workers}
    divisions = {le.code: le.name for le in firm.legal_entities}
    departments = {d.code: d.name for d in firm.departments}
    for worker in workers:
        store.insert("employees", employee_doc(firm, worker), id=worker.id)
        store.insert(
            "jobInfo",
            {
                "employeeId": str(worker.id),
                "date": worker.hire_date.isoformat(),
                "jobTitle": worker.job_title,
                "department": departments[worker.department],
                "division": divisions[worker.legal_entity],
                "location": worker.location,
                "reportsTo": str(ids[worker.manager]) if worker.manager in ids else "",
            },
        )
    return ids


def _working_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def time_off_doc(leave: LeaveRequest, employee_id: int, name: str) -> dict[str, Any]:
    type_id, icon = _TIME_OFF_TYPES.get(leave.type, (81, "calendar"))
    days = _working_days(leave.start_date, leave.end_date)
    return {
        "id": leave.id,
        "employeeId": employee_id,
        "name": name,
        "start": leave.start_date.isoformat(),
        "end": leave.end_date.isoformat(),
        "created": leave.requested_on.isoformat(),
        "status": {
            "lastChanged": leave.requested_on.isoformat(),
            "lastChangedByUserId": 1,
            "status": _LEAVE_STATUS[leave.status],
        },
        "type": {"id": type_id, "name": leave.type, "icon": icon},
        "amount": {"unit": "days", "amount": float(leave.days)},
        "actions": {"view": True, "edit": True, "cancel": True, "approve": True, "deny": True},
        "dates": {d.isoformat(): 1 for d in days},
        "notes": {},
    }


def seed_bamboohr(store: Store, firm: DemoFirm) -> None:
    """The whole BambooHR account of the demo firm."""
    seed_lists(store, firm)
    ids = seed_people(store, firm)
    names = {w.employee_number: w.name for w in firm.workers}
    for leave in firm.leave_requests:
        if leave.worker in ids:
            doc = time_off_doc(leave, ids[leave.worker], names[leave.worker])
            store.insert("timeOffRequests", doc, id=leave.id)
