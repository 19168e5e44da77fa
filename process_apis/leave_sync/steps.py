"""Leave-sync steps: reads of the HCM, writes of the PSA's capacity and project notes.

Steps take and return JSON-able dicts; every write carries a step key (`step_key`).
Capacity is written as a level, not a delta (the worker's available hours in a week, as
the HCM computes them from contracted hours and all approved leave), so repeating a step,
or two runs touching the same week, always leaves the same value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dbos import DBOS

from contracts.hcm import LeaveRequest, LeaveUnit
from contracts.psa import Assignment, ProjectUpdate, ResourceUpdate
from process_apis._runtime.engine import current_runtime
from process_apis.hire_to_assign.upstream import STEP_RETRIES, refusal, step_key
from process_apis.leave_sync.flags import flag_line, overlaps, with_flag, without_flag

PAGE = 200
HALF_HOUR = Decimal("0.5")


def leave_hours(leave: LeaveRequest, weekly_capacity: Decimal | None) -> Decimal:
    """The request's hours: as asked in hours, or days at the worker's daily contracted hours."""
    if leave.unit is LeaveUnit.HOURS:
        return leave.amount
    daily = (weekly_capacity or Decimal(0)) / 5
    return (leave.amount * daily).quantize(Decimal("0.01"))


@DBOS.step(**STEP_RETRIES)
async def load_leave(
    leave_request_id: str, employee_number: str, starts_on: str, ends_on: str
) -> dict[str, Any]:
    """The leave request and its worker as the HCM holds them now; `missing` if unknown."""
    hcm = current_runtime().systems.hcm
    try:
        worker = await hcm.get_worker_by_employee_number(employee_number)
        page = await hcm.list_leave_requests(
            date.fromisoformat(starts_on),
            date.fromisoformat(ends_on),
            worker_id=worker.id,
            limit=PAGE,
        )
    except Exception as exc:
        if (refused := refusal(exc, "hcm")) is None:
            raise
        return refused
    leave = next((r for r in page.items if r.id == leave_request_id), None)
    if leave is None:
        return {"missing": f"the HCM has no leave request {leave_request_id} of {employee_number}"}
    capacity = worker.employment.weekly_capacity_hours
    return {
        "status": leave.status.value,
        "worker_id": worker.id,
        "starts_on": leave.start.isoformat(),
        "ends_on": leave.end.isoformat(),
        "hours": str(leave_hours(leave, capacity)),
    }


@DBOS.step()
async def current_week() -> str:
    """Monday (UTC) of this week."""
    today = datetime.now(UTC).date()
    return (today - timedelta(days=today.weekday())).isoformat()


@DBOS.step()
async def seconds_until(day: str) -> float:
    """Seconds from now until the start (UTC) of `day`; 0 when it has begun."""
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
    return max(0.0, (start - datetime.now(UTC)).total_seconds())


@DBOS.step(**STEP_RETRIES)
async def sync_capacity(worker_id: str, resource_id: str, week: str) -> dict[str, Any]:
    """Set the resource's weekly capacity to the worker's available hours in `week`.

    Harvest keeps one weekly capacity per person and counts it in half hours; the week's
    availability (contracted hours on working days, less holidays and approved leave) is
    the capacity planners should see while that week runs.
    """
    systems = current_runtime().systems
    monday = date.fromisoformat(week)
    try:
        availability = await systems.hcm.get_worker_availability(
            worker_id, monday, monday + timedelta(days=6)
        )
        hours = (availability.available_hours / HALF_HOUR).to_integral_value() * HALF_HOUR
        resource = await systems.psa.update_resource(
            resource_id,
            ResourceUpdate(weekly_capacity_hours=hours.quantize(Decimal("0.1"))),
            idempotency_key=step_key("sync_capacity", week),
        )
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {
        "week": week,
        "psa_resource_id": resource.id,
        "weekly_capacity_hours": str(resource.weekly_capacity_hours),
        "leave_hours": str(availability.leave_hours),
    }


async def _open_assignments(resource_id: str) -> list[Assignment]:
    psa = current_runtime().systems.psa
    found: list[Assignment] = []
    cursor = None
    while True:
        page = await psa.list_assignments(
            resource_id=resource_id, active=True, cursor=cursor, limit=PAGE
        )
        found.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


@DBOS.step(**STEP_RETRIES)
async def flag_assignments(
    resource_id: str, leave: dict[str, Any], *, flag: bool
) -> dict[str, Any]:
    """Flag (or unflag) the projects of the resource's open assignments during the leave.

    Returns the assignments at risk; see flags.py for how the PSA shows the flag.
    """
    psa = current_runtime().systems.psa
    starts, ends = date.fromisoformat(leave["starts_on"]), date.fromisoformat(leave["ends_on"])
    line = flag_line(leave["leave_request_id"], leave["employee_number"], starts, ends)
    at_risk: list[str] = []
    try:
        for assignment in await _open_assignments(resource_id):
            project = await psa.get_project(assignment.project_id)
            if not overlaps(project.starts_on, project.ends_on, starts, ends):
                continue
            at_risk.append(assignment.id)
            if flag:
                notes = with_flag(project.notes, line)
            else:
                notes = without_flag(project.notes, leave["leave_request_id"])
            if notes is not None:
                key = step_key("flag_assignments", project.id)
                await psa.update_project(
                    project.id, ProjectUpdate(notes=notes), idempotency_key=key
                )
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {"at_risk_assignments": at_risk, "flagged": flag}
