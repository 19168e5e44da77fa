"""Hire-to-assign: an HCM hire, change or termination made true in the PSA.

Orchestration only (no I/O, clock or randomness: steps.py does all of it). The run acts on
the worker's state in the HCM when it runs, so a late or repeated trigger does no harm:

- active or not yet started → role and rates from policies/roles.yaml (unknown job title:
  parked for HR), cost centre checked in the ERP (missing: parked for finance), the PSA
  resource created if the PSA has none (its weekly capacity seeded from the HCM's
  contracted hours), made assignable at the role's rates, time approval routed to the
  line manager; a hire (or a worker the PSA
  did not have, or had deactivated) emits `worker.assignable`;
- terminated → at the end of the termination day (a durable sleep), the open assignments
  are ended and the resource deactivated; emits `worker.deactivated`.

A system API's permanent refusal parks the run (`upstream-refused`); the person resolving
it retries the step (after fixing the data) or cancels the run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Any

from dbos import DBOS

from contracts.events import WorkerAssignable, WorkerDeactivated
from process_apis._runtime.events import emit
from process_apis._runtime.exceptions import Resolution, Trouble
from process_apis._runtime.parking import park
from process_apis.hire_to_assign.steps import (
    allocate_cost,
    apply_staffing,
    deactivate_resource,
    end_assignments,
    ensure_resource,
    find_resource,
    load_worker,
    resolve_role,
    route_approval,
    seconds_until_day_after,
)
from process_apis.hire_to_assign.upstream import refused
from process_apis.hire_to_assign.v1.schemas import ChangeKind, WorkerChange

NAME = "hire-to-assign"
SOURCE = "/process/hire-to-assign/v1"
Step = Callable[[], Awaitable[dict[str, Any]]]


class _Run:
    """What every part of one run needs to park it: its change, keys and trace."""

    def __init__(self, change: WorkerChange, meta: dict[str, Any]) -> None:
        self.change = change
        self.traceparent: str | None = meta.get("traceparent")
        parts = (self.traceparent or "").split("-")
        self.trace_id = parts[1] if len(parts) == 4 else None
        self.keys = change.business_keys()

    async def park(self, trouble: dict[str, Any]) -> Resolution:
        details = Trouble(business_keys=self.keys, **trouble)
        return await park(details, flow=NAME, trace_id=self.trace_id)

    async def settled(self, step: str, call: Step) -> dict[str, Any] | None:
        """The step's output once not refused; None when a person cancels the run."""
        while True:
            output = await call()
            if not refused(output):
                return output
            chain = f"{output.get('status', '-')} {output['problem_type']}: {output['detail']}"
            decision = await self.park(
                {
                    "error_type": "upstream-refused",
                    "title": f"The {output['system'].upper()} refused {step}",
                    "detail": output["detail"],
                    "step": step,
                    "system": output["system"],
                    "error_chain": [chain],
                }
            )
            if decision.action == "cancel":
                return None


def _cancelled(run: _Run) -> dict[str, Any]:
    return {"outcome": "cancelled", "employee_number": run.change.employee_number}


@DBOS.workflow()
async def hire_to_assign(request: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Make one HCM change true in the PSA (see the module docstring)."""
    run = _Run(WorkerChange.model_validate(request), meta)
    number = run.change.employee_number
    worker = await run.settled("load_worker", lambda: load_worker(number))
    if worker is None:
        return _cancelled(run)
    if worker["status"] == "terminated":
        return await _terminate(run, worker)
    return await _make_assignable(run, worker)


async def _role(run: _Run, worker: dict[str, Any]) -> dict[str, Any] | None:
    title, entity = worker["job_title"], worker["legal_entity"]
    role = await resolve_role(title, entity)
    while "unknown" in role:
        decision = await run.park(
            {
                "error_type": "unknown-role",
                "title": "The worker's job title maps to no role",
                "detail": role["unknown"] + ". Add it to policies/roles.yaml and retry, or "
                'resume with {"role": "<a role in roles.yaml>"}.',
                "step": "resolve_role",
                "system": "hcm",
                "data": {"job_title": title, "legal_entity": entity},
            }
        )
        if decision.action == "cancel":
            return None
        named = decision.data.get("role") if decision.action == "resume" else None
        role = await resolve_role(title, entity, named if isinstance(named, str) else None)
    return role


async def _allocation(run: _Run, worker: dict[str, Any]) -> dict[str, Any] | None:
    entity, centre = worker["legal_entity"], worker["cost_centre"]
    allocation = await run.settled("allocate_cost", lambda: allocate_cost(entity, centre))
    while allocation is not None and "missing" in allocation:
        decision = await run.park(
            {
                "error_type": "missing-cost-centre",
                "title": "The worker's cost centre cannot be booked in the ERP",
                "detail": allocation["missing"] + ". Add it to the ERP and retry, or resume "
                'with {"cost_centre": "<an active cost centre code>"}.',
                "step": "allocate_cost",
                "system": "erp",
                "data": {"legal_entity": entity, "cost_centre": centre},
            }
        )
        if decision.action == "cancel":
            return None
        named = decision.data.get("cost_centre") if decision.action == "resume" else None
        centre = named if isinstance(named, str) else centre
        allocation = await run.settled("allocate_cost", partial(allocate_cost, entity, centre))
    return allocation


async def _make_assignable(run: _Run, worker: dict[str, Any]) -> dict[str, Any]:
    role = await _role(run, worker)
    allocation = None if role is None else await _allocation(run, worker)
    if role is None or allocation is None:
        return _cancelled(run)
    resource = await run.settled("ensure_resource", lambda: ensure_resource(worker, role))
    if resource is None:
        return _cancelled(run)
    resource_id = resource["psa_resource_id"]
    staffed = await run.settled("apply_staffing", lambda: apply_staffing(resource_id, role))
    routing = None
    if staffed is not None:
        routing = await run.settled(
            "route_approval", lambda: route_approval(resource_id, worker["manager_id"])
        )
    if staffed is None or routing is None:
        return _cancelled(run)
    newly = resource["created"] or not resource["was_assignable"]
    if run.change.kind is ChangeKind.HIRE or newly:
        event = WorkerAssignable(
            employee_number=run.change.employee_number,
            psa_resource_id=resource_id,
            cost_centre=allocation["cost_centre"],
            role=role["role"],
        )
        await emit(event, source=SOURCE, traceparent=run.traceparent)
    return {
        "outcome": "assignable",
        "employee_number": run.change.employee_number,
        "psa_resource_id": resource_id,
        "created": resource["created"],
        "role": role["role"],
        "grade": worker["grade"] or role["grade"],
        "erp_cost_centre_id": allocation["erp_cost_centre_id"],
        "approver_id": routing["approver_id"],
    }


async def _terminate(run: _Run, worker: dict[str, Any]) -> dict[str, Any]:
    number = run.change.employee_number
    wait_s = await seconds_until_day_after(worker["termination_date"])
    if wait_s > 0:
        # The worker stays staffable through their last day; the sleep survives restarts.
        await DBOS.sleep_async(wait_s)
        worker = await run.settled("load_worker", lambda: load_worker(number)) or {}
        if worker.get("status") != "terminated":
            return {"outcome": "termination-withdrawn", "employee_number": number}
    found = await find_resource(number)
    if not found:
        return {"outcome": "not-in-psa", "employee_number": number}
    resource_id = found["psa_resource_id"]
    ended = await run.settled("end_assignments", lambda: end_assignments(resource_id))
    deactivated = None
    if ended is not None:
        deactivated = await run.settled(
            "deactivate_resource", lambda: deactivate_resource(resource_id)
        )
    if ended is None or deactivated is None:
        return _cancelled(run)
    terminated_on = worker["termination_date"]
    event = WorkerDeactivated(
        employee_number=number,
        psa_resource_id=resource_id,
        ended_assignments=len(ended["ended"]),
        terminated_on=date.fromisoformat(terminated_on) if terminated_on else None,
    )
    await emit(event, source=SOURCE, traceparent=run.traceparent)
    return {
        "outcome": "deactivated",
        "employee_number": number,
        "psa_resource_id": resource_id,
        "ended_assignments": ended["ended"],
    }
