"""Hire-to-assign steps: every read and write of the HCM, ERP and PSA, each idempotent.

Steps take and return JSON-able dicts. Writes carry step keys (`upstream.step_key`), so a
retried or recovered step is replayed by the gateway's edge instead of writing twice; the
PSA's own business keys (employee number, the assignment) make repeats harmless too. A
permanent refusal comes back as data (see `upstream.py`) for the flow to park on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dbos import DBOS

from contracts.erp import CostCentre
from contracts.hcm import Worker
from contracts.psa import (
    Assignment,
    Resource,
    ResourceApproverUpdate,
    ResourceCreate,
    ResourceUpdate,
)
from process_apis._runtime.engine import current_runtime
from process_apis.hire_to_assign.roles import Role, load_roles
from process_apis.hire_to_assign.upstream import STEP_RETRIES, refusal, step_key
from system_apis.psa.v1.client import PsaClient

PAGE = 200


def worker_snapshot(worker: Worker) -> dict[str, Any]:
    """What the flow needs of an HCM worker, as JSON."""
    job = worker.employment
    capacity = job.weekly_capacity_hours
    return {
        "worker_id": worker.id,
        "employee_number": worker.employee_number,
        "first_name": worker.first_name,
        "last_name": worker.last_name,
        "email": worker.email,
        "status": job.status.value,
        "job_title": job.job_title,
        "legal_entity": job.legal_entity,
        "cost_centre": job.cost_centre,
        "grade": job.grade,
        "manager_id": job.manager_id,
        "contractor": job.employment_type is not None and job.employment_type.value == "contractor",
        "hire_date": job.hire_date.isoformat() if job.hire_date else None,
        "termination_date": job.termination_date.isoformat() if job.termination_date else None,
        "weekly_capacity_hours": None if capacity is None else str(capacity),
    }


@DBOS.step(**STEP_RETRIES)
async def load_worker(employee_number: str) -> dict[str, Any]:
    """The worker as the HCM holds them now."""
    try:
        worker = await current_runtime().systems.hcm.get_worker_by_employee_number(employee_number)
    except Exception as exc:
        if (refused := refusal(exc, "hcm")) is None:
            raise
        return refused
    return worker_snapshot(worker)


def _role_output(role: Role, legal_entity: str | None, currency: str | None) -> dict[str, Any]:
    rates = role.rates.get(currency or "")
    if rates is None:
        return {"unknown": f"role {role.role!r} has no rates in {currency or 'no currency'}"}
    return {
        "role": role.role,
        "grade": role.grade,
        "currency": currency,
        "bill_rate": str(rates.bill),
        "cost_rate": str(rates.cost),
        "legal_entity": legal_entity,
    }


@DBOS.step()
async def resolve_role(
    job_title: str | None, legal_entity: str | None, role_name: str | None = None
) -> dict[str, Any]:
    """The role for a job title (or the one a person named) with its rates, or why none."""
    taxonomy = load_roles(current_runtime().context.policy_dir)
    role = taxonomy.named(role_name) if role_name else taxonomy.for_title(job_title)
    if role is None:
        wanted = f"role {role_name!r}" if role_name else f"job title {job_title!r}"
        return {"unknown": f"no role in policies/roles.yaml covers {wanted}"}
    return _role_output(role, legal_entity, taxonomy.currency_of(legal_entity))


async def _cost_centres(legal_entity: str) -> list[CostCentre]:
    erp = current_runtime().systems.erp
    found: list[CostCentre] = []
    cursor = None
    while True:
        page = await erp.list_cost_centres(legal_entity, cursor=cursor, limit=PAGE)
        found.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


@DBOS.step(**STEP_RETRIES)
async def allocate_cost(legal_entity: str | None, cost_centre: str | None) -> dict[str, Any]:
    """Check the worker's costs can be booked: an active ERP cost centre of their entity.

    The ERP (Xero) records no allocation of a person to a cost centre, so this check is the
    allocation step: its output is what the PSA resource and the event carry.
    """
    if not legal_entity or not cost_centre:
        return {"missing": "the HCM has no legal entity or cost centre for the worker"}
    try:
        centres = await _cost_centres(legal_entity)
    except Exception as exc:
        if (refused := refusal(exc, "erp")) is None:
            raise
        return refused
    match = next((c for c in centres if c.code == cost_centre), None)
    if match is None:
        return {"missing": f"{cost_centre} is not a cost centre of {legal_entity} in the ERP"}
    if match.status.value != "active":
        return {"missing": f"{cost_centre} is archived in the ERP"}
    return {
        "cost_centre": match.code,
        "legal_entity": legal_entity,
        "erp_cost_centre_id": match.provenance.remote_id,
    }


async def find_resource_by_number(psa: PsaClient, employee_number: str) -> Resource | None:
    """The PSA resource holding an employee number (the PSA cannot filter on it)."""
    cursor = None
    while True:
        page = await psa.list_resources(cursor=cursor, limit=PAGE)
        for resource in page.items:
            if resource.employee_number == employee_number:
                return resource
        cursor = page.next_cursor
        if cursor is None:
            return None


@DBOS.step(**STEP_RETRIES)
async def find_resource(employee_number: str) -> dict[str, Any]:
    """The worker's PSA resource id and assignability; `{}` when the PSA has none."""
    resource = await find_resource_by_number(current_runtime().systems.psa, employee_number)
    if resource is None:
        return {}
    return {"psa_resource_id": resource.id, "is_assignable": resource.is_assignable}


@DBOS.step(**STEP_RETRIES)
async def ensure_resource(worker: dict[str, Any], role: dict[str, Any]) -> dict[str, Any]:
    """The worker's PSA resource, created (with the role's rates) when the PSA has none."""
    psa = current_runtime().systems.psa
    number = worker["employee_number"]
    existing = await find_resource_by_number(psa, number)
    if existing is not None:
        return {
            "psa_resource_id": existing.id,
            "created": False,
            "was_assignable": existing.is_assignable,
        }
    if not worker["email"]:
        detail = "the HCM has no work email for the worker; the PSA needs one"
        return {"refused": True, "system": "hcm", "problem_type": "missing-email", "detail": detail}
    body = ResourceCreate(
        employee_number=number,
        first_name=worker["first_name"],
        last_name=worker["last_name"],
        email=worker["email"],
        grade=worker["grade"] or role["grade"],
        legal_entity=worker["legal_entity"],
        role=role["role"],
        contractor=worker["contractor"],
        weekly_capacity_hours=_capacity(worker),
        bill_rate=Decimal(role["bill_rate"]),
        cost_rate=Decimal(role["cost_rate"]),
    )
    try:
        created = await psa.create_resource(body, idempotency_key=step_key("ensure_resource"))
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {"psa_resource_id": created.id, "created": True, "was_assignable": False}


def _capacity(worker: dict[str, Any]) -> Decimal | None:
    hours = worker["weekly_capacity_hours"]
    return None if hours is None else Decimal(hours).quantize(Decimal("0.1"))


@DBOS.step(**STEP_RETRIES)
async def apply_staffing(resource_id: str, role: dict[str, Any]) -> dict[str, Any]:
    """Make the resource assignable at the role's rates.

    The PSA owns a resource's weekly capacity: the HCM's contracted hours seed it when the
    resource is created, and a later HCM change leaves it alone.
    """
    changes: dict[str, Any] = {
        "is_assignable": True,
        "bill_rate": Decimal(role["bill_rate"]),
        "cost_rate": Decimal(role["cost_rate"]),
    }
    body = ResourceUpdate(**changes)
    try:
        resource = await current_runtime().systems.psa.update_resource(
            resource_id, body, idempotency_key=step_key("apply_staffing")
        )
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {
        "psa_resource_id": resource.id,
        "is_assignable": resource.is_assignable,
        "bill_rate": role["bill_rate"],
        "cost_rate": role["cost_rate"],
    }


@DBOS.step(**STEP_RETRIES)
async def route_approval(resource_id: str, manager_id: str | None) -> dict[str, Any]:
    """Send the resource's time for approval to their HCM line manager's resource."""
    systems = current_runtime().systems
    approver_id = None
    try:
        if manager_id is not None:
            manager = await systems.hcm.get_worker(manager_id)
            number = manager.employee_number or ""
            approver = await find_resource_by_number(systems.psa, number)
            if approver is None:
                return {"approver_id": None, "unrouted": f"manager {number} is not in the PSA"}
            approver_id = approver.id
        routed = await systems.psa.set_resource_approver(
            resource_id,
            ResourceApproverUpdate(approver_id=approver_id),
            idempotency_key=step_key("route_approval"),
        )
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {"approver_id": routed.approver_id}


async def _open_assignments(psa: PsaClient, resource_id: str) -> list[Assignment]:
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
async def end_assignments(resource_id: str) -> dict[str, Any]:
    """End every open assignment of the resource; returns the ended assignment ids.

    A repeated step finds only the assignments still open, so nothing is ended twice.
    """
    psa = current_runtime().systems.psa
    try:
        assignments = await _open_assignments(psa, resource_id)
        for assignment in assignments:
            key = step_key("end_assignments", assignment.id)
            await psa.end_assignment(assignment.project_id, assignment.id, idempotency_key=key)
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {"ended": [a.id for a in assignments]}


@DBOS.step(**STEP_RETRIES)
async def deactivate_resource(resource_id: str) -> dict[str, Any]:
    """Make the resource unassignable (Harvest keeps the user, archived, with their history)."""
    try:
        resource = await current_runtime().systems.psa.update_resource(
            resource_id,
            ResourceUpdate(is_assignable=False),
            idempotency_key=step_key("deactivate_resource"),
        )
    except Exception as exc:
        if (refused := refusal(exc, "psa")) is None:
            raise
        return refused
    return {"psa_resource_id": resource.id, "is_assignable": resource.is_assignable}


@DBOS.step()
async def seconds_until_day_after(day: str | None) -> float:
    """Seconds from now until the start (UTC) of the day after `day`; 0 when past or None."""
    if day is None:
        return 0.0
    after = datetime.combine(date.fromisoformat(day) + timedelta(days=1), datetime.min.time(), UTC)
    return max(0.0, (after - datetime.now(UTC)).total_seconds())
