"""The steps of time-to-cash: every call to a system API happens here, idempotently.

Each write carries `idempotency_key(step, …)`, so a step that runs again after a crash
(or a retry) is answered from the gateway's idempotency store and the vendor's own,
never with a second object. The billing steps look for the invoice of this (project,
billing period) before creating one, and the ERP step for the document bearing the
invoice's number, so even writes made outside this run's keys are found, not repeated.
Unavailability is retried by DBOS; a refusal is raised for the flow to park on.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from dbos import DBOS

from contracts.billing import (
    CustomerUpsert,
    InvoiceCreate,
    InvoiceItemCreate,
    InvoiceStatus,
    Period,
)
from contracts.common import Money
from contracts.erp import (
    Dimensions,
    DimensionStatus,
    InvoiceLineCreate,
    PeriodStatus,
)
from contracts.erp import InvoiceCreate as ErpInvoiceCreate
from contracts.erp import InvoiceStatus as ErpInvoiceStatus
from contracts.psa import TimeBilling
from process_apis._runtime.engine import current_runtime
from process_apis._runtime.faults import crash_point, crashable
from process_apis._runtime.steps import idempotency_key, index_business_keys
from process_apis._runtime.systems import SystemClients
from process_apis.time_to_cash.lookups import (
    PAGE,
    erp_invoice_numbered,
    every_item,
    find_project,
    invoice_for,
)
from process_apis.time_to_cash.rate_card import period_bounds
from process_apis.time_to_cash.upstream import UpstreamRefusedError, is_transient, upstream_errors
from system_apis.billing.v1.client import BillingApiError

# Up to ~1 minute of backoff: long enough for an Idempotency-Key left in flight by a
# crashed process to be taken over (the edge's lease), short enough to park soon after.
RETRY: dict[str, Any] = {
    "retries_allowed": True,
    "max_attempts": 8,
    "interval_seconds": 0.5,
    "backoff_rate": 2.0,
    "should_retry": is_transient,
}
MARK_BATCH = 200
DEFAULT_TERMS_DAYS = 30


def _systems() -> SystemClients:
    return current_runtime().systems


def _amount(money: Money | None) -> str | None:
    return None if money is None else str(money.amount)


# --- PSA and HCM: what to bill, at which rates, tracked to which cost centre -------------


@DBOS.step(**RETRY)
@crashable
async def load_project_time(project_code: str, billing_period: str) -> dict[str, Any]:
    """The project and its approved, unbilled, billable time in the period."""
    psa = _systems().psa
    start, end = period_bounds(billing_period)
    with upstream_errors("psa"):
        project = await find_project(psa, project_code)
        if project is None:
            raise UpstreamRefusedError(
                "psa", 404, "not-found", f"No PSA project has code {project_code}."
            )
        entries = await every_item(
            lambda cursor: psa.list_time_entries(
                project_id=project.id,
                period_start=start,
                period_end=end,
                approval_state="approved",
                billed=False,
                cursor=cursor,
                limit=PAGE,
            )
        )
    missing = [
        n for n in ("customer_number", "legal_entity", "currency") if not getattr(project, n)
    ]
    if missing:
        detail = f"Project {project_code} has no {', '.join(missing)} in the PSA."
        raise UpstreamRefusedError("psa", 422, "incomplete-project", detail)
    return {
        "project_id": project.id,
        "customer_number": project.customer_number,
        "legal_entity": project.legal_entity,
        "currency": project.currency,
        "hourly_rate": _amount(project.hourly_rate),
        "entries": [
            {"id": e.id, "task_id": e.task_id, "resource_id": e.resource_id, "hours": str(e.hours)}
            for e in entries
            if e.billable
        ],
    }


@DBOS.step(**RETRY)
@crashable
async def load_rate_card(
    project_id: str, resource_ids: list[str], project_rate: str | None
) -> dict[str, Any]:
    """The project's rate card: assignment, task, project and resource rates; its manager."""
    psa = _systems().psa
    with upstream_errors("psa"):
        assignments = await every_item(
            lambda cursor: psa.list_assignments(project_id=project_id, cursor=cursor, limit=PAGE)
        )
        tasks = await every_item(
            lambda cursor: psa.list_project_tasks(project_id, cursor=cursor, limit=PAGE)
        )
        # Active assignments last, so theirs is the rate that counts.
        ordered = sorted(assignments, key=lambda a: a.active)
        by_resource = {a.resource_id: _amount(a.hourly_rate) for a in ordered}
        own = [r for r in sorted(set(resource_ids)) if by_resource.get(r) is None]
        resources = {r: _amount((await psa.get_resource(r)).bill_rate) for r in own}
    managers = [a.resource_id for a in ordered if a.project_manager]
    return {
        "assignments": by_resource,
        "tasks": {t.task_id: {"name": t.task_name, "rate": _amount(t.hourly_rate)} for t in tasks},
        "project": project_rate,
        "resources": resources,
        "project_manager_id": managers[-1] if managers else None,
    }


@DBOS.step(**RETRY)
@crashable
async def resolve_cost_centre(manager_id: str | None, legal_entity: str) -> dict[str, Any]:
    """The cost centre revenue is tracked to: the project manager's (HCM), if the ERP has it."""
    if manager_id is None:
        return {"cost_centre": None, "reason": "The project has no project manager in the PSA."}
    systems = _systems()
    with upstream_errors("psa"):
        manager = await systems.psa.get_resource(manager_id)
    if manager.employee_number is None:
        return {"cost_centre": None, "reason": "The project manager has no employee number."}
    try:
        with upstream_errors("hcm"):
            worker = await systems.hcm.get_worker_by_employee_number(manager.employee_number)
    except UpstreamRefusedError:
        return {"cost_centre": None, "reason": "The project manager is not in the HCM."}
    code = worker.employment.cost_centre
    with upstream_errors("erp"):
        centres = await every_item(
            lambda cursor: systems.erp.list_cost_centres(
                legal_entity, status=DimensionStatus.ACTIVE, cursor=cursor, limit=PAGE
            )
        )
    if code is None or code not in {c.code for c in centres}:
        reason = f"The manager's cost centre {code} is not an active ERP cost centre here."
        return {"cost_centre": None, "reason": reason}
    return {"cost_centre": code, "manager_employee_number": manager.employee_number}


# --- billing: one invoice per (project, billing period) ----------------------------------


@DBOS.step(**RETRY)
@crashable
async def ensure_billing_customer(customer_number: str, legal_entity: str) -> dict[str, Any]:
    """The billing customer; created from the ERP's customer record if billing lacks it."""
    systems = _systems()
    with upstream_errors("billing"):
        try:
            customer = await systems.billing.get_customer(customer_number)
            return {"customer_number": customer_number, "terms": customer.payment_terms_days}
        except BillingApiError as error:
            if error.problem.status != 404:
                raise
    with upstream_errors("erp"):
        source = await systems.erp.get_customer(legal_entity, customer_number)
    body = CustomerUpsert(name=source.name, email=source.email, legal_entity=legal_entity)
    with upstream_errors("billing"):
        created = await systems.billing.upsert_customer(
            customer_number, body, idempotency_key=idempotency_key("billing_customer")
        )
    return {"customer_number": customer_number, "terms": created.payment_terms_days}


@DBOS.step(**RETRY)
@crashable
async def open_draft_invoice(
    customer_number: str, currency: str, project_code: str, billing_period: str
) -> dict[str, Any]:
    """A draft invoice for (project, period): the existing draft, else a new empty one.

    Empty (pending items excluded): another project's charges for the same customer must
    not be swept onto this invoice; the lines are added to it by id.
    """
    billing = _systems().billing
    with upstream_errors("billing"):
        existing = await invoice_for(billing, customer_number, project_code, billing_period)
        if existing is not None and existing.status is InvoiceStatus.DRAFT:
            return {"invoice_id": existing.id, "reused": True}
        if existing is not None:
            number = existing.invoice_number or existing.id
            detail = f"Invoice {number} already bills {project_code} for {billing_period}."
            raise UpstreamRefusedError("billing", 409, "already-invoiced", detail)
        month = f"{period_bounds(billing_period)[0]:%B %Y}"
        body = InvoiceCreate(
            customer_number=customer_number,
            currency=currency,
            description=f"{project_code}: time and materials, {month}",
            include_pending_items=False,
            project_code=project_code,
            billing_period=billing_period,
        )
        invoice = await billing.create_invoice(body, idempotency_key=idempotency_key("invoice"))
    return {"invoice_id": invoice.id, "reused": False}


@DBOS.step(**RETRY)
@crashable
async def add_invoice_items(
    *,
    invoice_id: str,
    customer_number: str,
    currency: str,
    project_code: str,
    billing_period: str,
    lines: list[dict[str, Any]],
) -> dict[str, Any]:
    """One invoice item per priced line, each keyed by its line (task and rate)."""
    billing = _systems().billing
    start, end = period_bounds(billing_period)
    item_ids = []
    for position, line in enumerate(lines):
        body = InvoiceItemCreate(
            customer_number=customer_number,
            amount=Money(amount=Decimal(line["amount"]), currency=currency),
            description=line["description"],
            invoice_id=invoice_id,
            quantity=Decimal(line["hours"]),
            unit_price=Money(amount=Decimal(line["unit_price"]), currency=currency),
            period=Period(start=start, end=end),
            project_code=project_code,
        )
        with upstream_errors("billing"):
            item = await billing.create_invoice_item(
                body, idempotency_key=idempotency_key("invoice_item", line["key"])
            )
        item_ids.append(item.id)
        if position == 0:
            crash_point("add_invoice_items", "mid")
    return {"invoice_id": invoice_id, "invoice_item_ids": item_ids}


@DBOS.step(**RETRY)
@crashable
async def finalize_invoice(invoice_id: str) -> dict[str, Any]:
    """Finalize the invoice: it gets its number and is issued to the customer."""
    billing = _systems().billing
    with upstream_errors("billing"):
        invoice = await billing.finalize_invoice(
            invoice_id, idempotency_key=idempotency_key("finalize_invoice")
        )
    if invoice.invoice_number is None or invoice.status is InvoiceStatus.DRAFT:
        detail = f"Invoice {invoice_id} is still {invoice.status.value} after finalizing."
        raise UpstreamRefusedError("billing", 502, "upstream-error", detail)
    await index_business_keys(invoice_number=invoice.invoice_number)
    return {
        "invoice_id": invoice.id,
        "invoice_number": invoice.invoice_number,
        "status": invoice.status.value,
        "total": invoice.total.model_dump(mode="json"),
    }


# --- ERP: an open accounting period, then the revenue ------------------------------------


@DBOS.step(**RETRY)
@crashable
async def check_accounting_period(legal_entity: str, period: str) -> dict[str, Any]:
    """Whether the ERP's accounting period is open, and the next open one after it."""
    erp = _systems().erp
    year = int(period[:4])
    with upstream_errors("erp"):
        periods = [
            p
            for fiscal_year in (year, year + 1)
            for p in (
                await erp.list_accounting_periods(legal_entity, fiscal_year=fiscal_year, limit=50)
            ).items
        ]
    status = {p.period: p.status for p in periods}
    later = sorted(p for p, s in status.items() if p > period and s is PeriodStatus.OPEN)
    return {
        "accounting_period": period,
        "open": status.get(period) is PeriodStatus.OPEN,
        "next_open": later[0] if later else None,
    }


@DBOS.step(**RETRY)
@crashable
async def post_revenue(
    *,
    legal_entity: str,
    accounting_period: str,
    billing_period: str,
    invoice: dict[str, Any],
    customer: dict[str, Any],
    project_code: str,
    cost_centre: str,
    lines: list[dict[str, Any]],
) -> dict[str, Any]:
    """The ERP invoice mirroring the billing invoice (same number), tracked, authorised."""
    erp = _systems().erp
    number = invoice["invoice_number"]
    currency = invoice["total"]["currency"]
    with upstream_errors("erp"):
        document = await erp_invoice_numbered(
            erp, legal_entity, customer["customer_number"], number
        )
        if document is None:
            body = _erp_invoice(
                accounting_period=accounting_period,
                billing_period=billing_period,
                invoice=invoice,
                customer=customer,
                project_code=project_code,
                cost_centre=cost_centre,
                lines=lines,
            )
            key = idempotency_key("erp_invoice", accounting_period)
            document = await erp.create_invoice(legal_entity, body, idempotency_key=key)
            crash_point("post_revenue", "mid")
        if document.status in (ErpInvoiceStatus.DRAFT, ErpInvoiceStatus.SUBMITTED):
            document = await erp.authorise_invoice(
                legal_entity, document.id, idempotency_key=idempotency_key("authorise", document.id)
            )
    return {
        "erp_document_id": document.id,
        "erp_invoice_number": document.invoice_number,
        "status": document.status.value,
        "accounting_period": f"{document.issue_date:%Y-%m}" if document.issue_date else None,
        "subtotal": document.subtotal.model_dump(mode="json"),
        "currency": currency,
    }


def _erp_invoice(
    *,
    accounting_period: str,
    billing_period: str,
    invoice: dict[str, Any],
    customer: dict[str, Any],
    project_code: str,
    cost_centre: str,
    lines: list[dict[str, Any]],
) -> ErpInvoiceCreate:
    # In its own period the invoice is dated the period's last day; moved to a later
    # period, that period's first day.
    if accounting_period == billing_period:
        issued = period_bounds(billing_period)[1]
    else:
        issued = period_bounds(accounting_period)[0]
    terms = customer.get("terms") or DEFAULT_TERMS_DAYS
    dimensions = Dimensions(cost_centre=cost_centre, project=project_code)
    return ErpInvoiceCreate(
        customer_number=customer["customer_number"],
        invoice_number=invoice["invoice_number"],
        reference=f"{project_code} {billing_period}",
        issue_date=issued,
        due_date=issued + timedelta(days=terms),
        currency=invoice["total"]["currency"],
        lines=[
            InvoiceLineCreate(
                description=line["description"],
                quantity=Decimal(line["hours"]),
                unit_price=Decimal(line["unit_price"]),
                dimensions=dimensions,
            )
            for line in lines
        ],
    )


# --- PSA: the time is billed ---------------------------------------------------------------


@DBOS.step(**RETRY)
@crashable
async def mark_time_billed(entry_ids: list[str]) -> dict[str, Any]:
    """Mark the billed entries billed in the PSA (in batches the API accepts)."""
    psa = _systems().psa
    billed = 0
    for batch, start in enumerate(range(0, len(entry_ids), MARK_BATCH)):
        body = TimeBilling(entry_ids=entry_ids[start : start + MARK_BATCH])
        with upstream_errors("psa"):
            result = await psa.mark_time_billed(
                body, idempotency_key=idempotency_key("time_billed", str(batch))
            )
        billed += len(result.billed)
    return {"entries_billed": billed}
