"""The steps of a provisioning run: every call to a system API, each one idempotent.

A write carries `idempotency_key(step[, part])`, plus the attempt when a person asked to
retry it (a fresh key, so the edge does not replay the refusal it stored). Creates are
also keyed on business keys upstream (customer number, project code, task name), so a
step that ran twice leaves one record. Reads taken just before a write (`read_*`) are
steps of their own: their answer is recorded before the write, so a recovered run still
knows whether the record existed before this run touched it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

from dbos import DBOS

from contracts.billing import CustomerUpsert as BillingCustomerUpsert
from contracts.billing import TaxTreatment
from contracts.common import Page
from contracts.erp import CustomerStatus, CustomerUpsert, DimensionStatus, ProjectDimensionUpsert
from contracts.psa import (
    AssignmentCreate,
    CustomerCreate,
    ProjectCreate,
    ProjectTaskCreate,
    TaskCreate,
)
from process_apis._runtime.engine import current_runtime
from process_apis._runtime.steps import idempotency_key
from process_apis._runtime.systems import SystemClients
from process_apis.project_provisioning.errors import StepRefusedError, calling, is_transient
from process_apis.project_provisioning.tax_codes import load_tax_codes

T = TypeVar("T")
Json = dict[str, Any]

RETRIES: dict[str, Any] = {
    "retries_allowed": True,
    "max_attempts": 4,
    "interval_seconds": 0.5,
    "backoff_rate": 2.0,
    "should_retry": is_transient,
}
"""Unavailability is retried with backoff (same key); a refusal is not retried."""


def _systems() -> SystemClients:
    return current_runtime().systems


def key(step: str, attempt: int, *parts: str) -> str:
    """The step's idempotency key; a retry a person asked for gets a fresh one."""
    suffix = () if attempt == 1 else (f"attempt-{attempt}",)
    return idempotency_key(step, *parts, *suffix)


async def every(fetch: Callable[[str | None], Awaitable[Page[T]]]) -> list[T]:
    """Every item of a paged list."""
    items: list[T] = []
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


# --- checks a person may have to settle --------------------------------------------------


@DBOS.step(name="check_tax_code")
async def check_tax_code(legal_entity: str, tax_code: str, tax_treatment: str) -> Json:
    """Whether the deal's tax code exists in its legal entity and fits its treatment."""
    policy = load_tax_codes(current_runtime().context.policy_dir)
    refusal = policy.refusal(legal_entity, tax_code, TaxTreatment(tax_treatment))
    return {"tax_code": tax_code, "refusal": refusal}


@DBOS.step(name="check_cost_centre", **RETRIES)
async def check_cost_centre(legal_entity: str, cost_centre: str | None) -> Json:
    """Whether the deal names an active cost centre of its legal entity."""
    erp = _systems().erp
    async with calling("check_cost_centre", "erp"):
        centres = await every(
            lambda cursor: erp.list_cost_centres(
                legal_entity, status=DimensionStatus.ACTIVE, limit=200, cursor=cursor
            )
        )
    active = sorted(c.code for c in centres)
    refusal = None
    if cost_centre is None:
        refusal = "The deal names no cost centre."
    elif cost_centre not in active:
        refusal = f"{cost_centre} is not an active cost centre of {legal_entity}."
    return {"cost_centre": cost_centre, "refusal": refusal, "active": active}


@DBOS.step(name="find_psa_resources", **RETRIES)
async def find_psa_resources(employee_numbers: list[str]) -> Json:
    """The PSA resource of each employee number; the numbers the PSA does not know."""
    psa = _systems().psa
    async with calling("find_psa_resources", "psa"):
        resources = await every(lambda cursor: psa.list_resources(cursor=cursor, limit=200))
    by_number = {r.employee_number: r.id for r in resources if r.employee_number}
    found = {n: by_number[n] for n in employee_numbers if n in by_number}
    return {"resource_ids": found, "missing": [n for n in employee_numbers if n not in found]}


# --- step 1: ERP customer ----------------------------------------------------------------


@DBOS.step(name="read_erp_customer", **RETRIES)
async def read_erp_customer(legal_entity: str, customer_number: str) -> Json:
    """The ERP customer as it is before this run writes it (None when there is none)."""
    try:
        async with calling("read_erp_customer", "erp"):
            customer = await _systems().erp.get_customer(legal_entity, customer_number)
    except StepRefusedError as refused:
        if refused.status == 404:
            return {"customer": None}
        raise
    return {"customer": customer.model_dump(mode="json", exclude={"provenance"})}


@DBOS.step(name="upsert_erp_customer", **RETRIES)
async def upsert_erp_customer(
    legal_entity: str, customer_number: str, fields: Json, attempt: int
) -> Json:
    """Create or update the customer in the ERP (active, in the deal's currency)."""
    body = CustomerUpsert.model_validate({**fields, "status": CustomerStatus.ACTIVE.value})
    async with calling("upsert_erp_customer", "erp"):
        customer = await _systems().erp.upsert_customer(
            legal_entity,
            customer_number,
            body,
            idempotency_key=key("upsert_erp_customer", attempt),
        )
    contact_id = customer.provenance.remote_id
    return {"customer_number": customer.customer_number, "erp_contact_id": contact_id}


# --- step 2: ERP project dimension -------------------------------------------------------


@DBOS.step(name="read_erp_project_dimension", **RETRIES)
async def read_erp_project_dimension(legal_entity: str, project_code: str) -> Json:
    """Whether the project's dimension value exists before this run creates it."""
    try:
        async with calling("read_erp_project_dimension", "erp"):
            value = await _systems().erp.get_project_dimension(legal_entity, project_code)
    except StepRefusedError as refused:
        if refused.status == 404:
            return {"exists": False}
        raise
    return {"exists": True, "status": value.status.value}


@DBOS.step(name="upsert_erp_project_dimension", **RETRIES)
async def upsert_erp_project_dimension(
    legal_entity: str, project_code: str, name: str, attempt: int
) -> Json:
    """Ensure the project's dimension value exists in the legal entity's ERP."""
    async with calling("upsert_erp_project_dimension", "erp"):
        value = await _systems().erp.upsert_project_dimension(
            legal_entity,
            project_code,
            ProjectDimensionUpsert(name=name),
            idempotency_key=key("upsert_erp_project_dimension", attempt),
        )
    return {"project_code": value.project_code, "erp_dimension_id": value.provenance.remote_id}


# --- step 3: PSA customer, project, tasks, assignments -----------------------------------


@DBOS.step(name="mirror_psa_customer", **RETRIES)
async def mirror_psa_customer(customer_number: str, name: str, currency: str, attempt: int) -> Json:
    """Make sure the PSA knows the customer (the ERP's record is the master)."""
    body = CustomerCreate(customer_number=customer_number, name=name, currency=currency)
    async with calling("mirror_psa_customer", "psa"):
        customer = await _systems().psa.create_customer(
            body, idempotency_key=key("mirror_psa_customer", attempt)
        )
    return {"psa_customer_id": customer.id}


@DBOS.step(name="read_psa_project", **RETRIES)
async def read_psa_project(customer_number: str, project_code: str) -> Json:
    """The PSA project holding the code before this run creates it (None when there is none)."""
    psa = _systems().psa
    async with calling("read_psa_project", "psa"):
        projects = await every(
            lambda cursor: psa.list_projects(
                customer_number=customer_number, cursor=cursor, limit=200
            )
        )
    found = next((p.id for p in projects if p.project_code == project_code), None)
    return {"psa_project_id": found}


@DBOS.step(name="create_psa_project", **RETRIES)
async def create_psa_project(fields: Json, attempt: int) -> Json:
    """Create the PSA project (or find the one already holding its code)."""
    body = ProjectCreate.model_validate(fields)
    async with calling("create_psa_project", "psa"):
        project = await _systems().psa.create_project(
            body, idempotency_key=key("create_psa_project", attempt)
        )
    return {"psa_project_id": project.id, "project_code": project.project_code}


@DBOS.step(name="enable_psa_task", **RETRIES)
async def enable_psa_task(project_id: str, task: Json, attempt: int) -> Json:
    """Put the task in the catalogue (by name) and enable it on the project at its rate."""
    psa = _systems().psa
    name, billable = str(task["name"]), bool(task["billable"])
    rate = None if task.get("rate") is None else Decimal(str(task["rate"]))
    async with calling("enable_psa_task", "psa"):
        catalogued = await psa.create_task(
            TaskCreate(name=name, billable_by_default=billable),
            idempotency_key=key("enable_psa_task", attempt, name, "catalogue"),
        )
        enabled = await psa.add_project_task(
            project_id,
            ProjectTaskCreate(task_id=catalogued.id, billable=billable, hourly_rate=rate),
            idempotency_key=key("enable_psa_task", attempt, name),
        )
    return {"task_id": catalogued.id, "project_task_id": enabled.id}


@DBOS.step(name="assign_psa_role", **RETRIES)
async def assign_psa_role(project_id: str, resource_id: str, role: Json, attempt: int) -> Json:
    """Staff the person of a role on the project at the role's rate."""
    rate = None if role.get("rate") is None else Decimal(str(role["rate"]))
    body = AssignmentCreate(
        resource_id=resource_id, project_manager=bool(role["project_manager"]), hourly_rate=rate
    )
    async with calling("assign_psa_role", "psa"):
        assignment = await _systems().psa.create_assignment(
            project_id, body, idempotency_key=key("assign_psa_role", attempt, resource_id)
        )
    return {"assignment_id": assignment.id, "role": role["role"]}


# --- step 4: billing customer and terms --------------------------------------------------


@DBOS.step(name="upsert_billing_customer", **RETRIES)
async def upsert_billing_customer(customer_number: str, fields: Json, attempt: int) -> Json:
    """Create the billing customer with its terms; for a known one, set only its terms.

    Billing owns payment terms only; a known customer's name, email, entity and tax
    treatment came from the ERP when it was created and are not billing's to change.
    """
    billing = _systems().billing
    try:
        async with calling("upsert_billing_customer", "billing"):
            current = await billing.get_customer(customer_number)
        kept = current.model_dump(include={"name", "email", "legal_entity", "tax_treatment"})
        fields = {**fields, **{k: v for k, v in kept.items() if v is not None}}
    except StepRefusedError as refused:
        if refused.status != 404:
            raise
    body = BillingCustomerUpsert.model_validate(fields, strict=False)
    async with calling("upsert_billing_customer", "billing"):
        customer = await billing.upsert_customer(
            customer_number, body, idempotency_key=key("upsert_billing_customer", attempt)
        )
    return {"billing_customer_id": customer.provenance.remote_id}
