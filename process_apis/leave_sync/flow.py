"""Leave-sync: an HCM leave decision made visible where staffing happens, in the PSA.

Orchestration only (steps.py does all I/O and reads the clock). For a request approved or
cancelled in the HCM (read again when the run starts; a decision since overtaken ends the
run as `superseded`):

- the worker's PSA resource is found (none: parked for the PMO, `worker-not-in-psa`);
- a cancellation first cancels the request's approved run, if it still waits;
- the resource's weekly capacity is set to this week's availability (see steps.py);
- the projects of the worker's open assignments during the leave are flagged at risk in
  their notes (cancelled: unflagged) — the PSA's API has no other place (flags.py);
- `availability.changed` is emitted;
- an approved run then follows the leave week by week (durable sleeps): at the start of
  each week it covers, and of the week after, capacity is set to that week's availability;
  when the leave is over, its flags are removed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from dbos import DBOS

from contracts.events import AvailabilityChanged
from process_apis._runtime.events import emit
from process_apis._runtime.exceptions import Trouble
from process_apis._runtime.parking import park
from process_apis.hire_to_assign.steps import find_resource
from process_apis.hire_to_assign.upstream import refused
from process_apis.leave_sync.steps import (
    current_week,
    flag_assignments,
    load_leave,
    seconds_until,
    sync_capacity,
)
from process_apis.leave_sync.v1.schemas import LeaveChange, LeaveDecision

NAME = "leave-sync"
SOURCE = "/process/leave-sync/v1"


def run_id_of(change: LeaveChange) -> str:
    """The id of a change's run (flows.choose_run_id for a flow with a run key)."""
    return f"{NAME}:{change.run_key()}"


def weeks_after(first: date, last_day: date) -> list[date]:
    """Mondays after `first` up to the one following `last_day` (the leave's last day)."""
    end = last_day - timedelta(days=last_day.weekday()) + timedelta(days=7)
    weeks, week = [], first + timedelta(days=7)
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


class _Run:
    def __init__(self, change: LeaveChange, meta: dict[str, Any]) -> None:
        self.change = change
        self.traceparent: str | None = meta.get("traceparent")
        parts = (self.traceparent or "").split("-")
        self.trace_id = parts[1] if len(parts) == 4 else None

    async def park(self, **trouble: Any) -> str:
        """Park for a person; returns their action."""
        keys = self.change.business_keys()
        decision = await park(
            Trouble(business_keys=keys, **trouble), flow=NAME, trace_id=self.trace_id
        )
        return decision.action

    def outcome(self, outcome: str, **more: Any) -> dict[str, Any]:
        keys = {"leave_request_id": self.change.leave_request_id}
        return {"outcome": outcome, **keys, "status": self.change.status.value, **more}


@DBOS.workflow()
async def leave_sync(request: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Make one leave decision visible in the PSA (see the module docstring)."""
    run = _Run(LeaveChange.model_validate(request), meta)
    change = run.change
    leave = await _leave(run)
    if leave is None:
        return run.outcome("cancelled")
    if "missing" in leave:
        return run.outcome("not-in-hcm", detail=leave["missing"])
    if leave["status"] != change.status.value:
        return run.outcome("superseded", current_status=leave["status"])
    resource_id = await _resource(run)
    if resource_id is None:
        return run.outcome("cancelled")
    approved = change.status is LeaveDecision.APPROVED
    if not approved:
        # The approval's run may still be following the leave week by week: stop it.
        earlier = change.model_copy(update={"status": LeaveDecision.APPROVED})
        await DBOS.cancel_workflow_async(run_id_of(earlier))
    leave |= {
        "leave_request_id": change.leave_request_id,
        "employee_number": change.employee_number,
    }
    week = await current_week()
    capacity = await _settled(
        run, "sync_capacity", sync_capacity, leave["worker_id"], resource_id, week
    )
    # Leave already over puts nothing at risk; a cancellation lifts the flags it set.
    flag = approved and date.fromisoformat(leave["ends_on"]) >= date.fromisoformat(week)
    flags = await _settled(run, "flag_assignments", flag_assignments, resource_id, leave, flag=flag)
    if capacity is None or flags is None:
        return run.outcome("cancelled")
    event = AvailabilityChanged(
        employee_number=change.employee_number,
        leave_request_id=change.leave_request_id,
        status=change.status.value,
        starts_on=date.fromisoformat(leave["starts_on"]),
        ends_on=date.fromisoformat(leave["ends_on"]),
        hours=leave["hours"],
        at_risk_assignments=flags["at_risk_assignments"],
    )
    await emit(event, source=SOURCE, traceparent=run.traceparent)
    if approved:
        await _follow(run, leave, resource_id, date.fromisoformat(week))
    return run.outcome(
        "synced",
        psa_resource_id=resource_id,
        weekly_capacity_hours=capacity["weekly_capacity_hours"],
        at_risk_assignments=flags["at_risk_assignments"],
    )


async def _settled(
    run: _Run, step: str, call: Callable[..., Awaitable[dict[str, Any]]], *args: Any, **kwargs: Any
) -> dict[str, Any] | None:
    """The step's output once not refused (each refusal parks); None when cancelled."""
    while True:
        output: dict[str, Any] = await call(*args, **kwargs)
        if not refused(output):
            return output
        action = await run.park(
            error_type="upstream-refused",
            title=f"The {output['system'].upper()} refused {step}",
            detail=output["detail"],
            step=step,
            system=output["system"],
            error_chain=[
                f"{output.get('status', '-')} {output['problem_type']}: {output['detail']}"
            ],
        )
        if action == "cancel":
            return None


async def _leave(run: _Run) -> dict[str, Any] | None:
    change = run.change
    args = (change.leave_request_id, change.employee_number)
    dates = (change.starts_on.isoformat(), change.ends_on.isoformat())
    return await _settled(run, "load_leave", load_leave, *args, *dates)


async def _resource(run: _Run) -> str | None:
    number = run.change.employee_number
    found = await find_resource(number)
    while not found:
        action = await run.park(
            error_type="worker-not-in-psa",
            title="The worker on leave has no PSA resource",
            detail=f"The PSA has no resource for {number}, so their capacity cannot change. "
            "Make them a resource (hire-to-assign) and retry, or cancel.",
            step="find_resource",
            system="psa",
            data={"employee_number": number},
        )
        if action == "cancel":
            return None
        found = await find_resource(number)
    resource_id: str = found["psa_resource_id"]
    return resource_id


async def _follow(run: _Run, leave: dict[str, Any], resource_id: str, week: date) -> None:
    """Keep capacity right through the weeks of the leave, then lift its flags."""
    for monday in weeks_after(week, date.fromisoformat(leave["ends_on"])):
        wait_s = await seconds_until(monday.isoformat())
        if wait_s > 0:
            await DBOS.sleep_async(wait_s)
        await _settled(
            run, "sync_capacity", sync_capacity, leave["worker_id"], resource_id, monday.isoformat()
        )
    await _settled(run, "flag_assignments", flag_assignments, resource_id, leave, flag=False)
