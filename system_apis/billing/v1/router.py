"""REST v1 of the billing system API: thin routes over BillingService."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from contracts.billing import (
    Customer,
    CustomerNumber,
    CustomerUpsert,
    Invoice,
    InvoiceCreate,
    InvoiceItem,
    InvoiceItemCreate,
    InvoiceStatus,
    InvoiceStatusView,
)
from contracts.common import Page
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from system_apis._kit.router import system_router
from system_apis._kit.runtime import service_dep
from system_apis.billing.v1.service import BillingService

ServiceDep = Annotated[BillingService, service_dep("system/billing/v1", BillingService)]
NumberPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
InvoicePath = Annotated[
    str,
    Path(
        min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_]+$", description="Stripe invoice id."
    ),
]
CustomerFilter = Annotated[
    CustomerNumber | None, Query(description="Only records of this customer number.")
]
Responses = dict[int | str, dict[str, Any]]


def _problem(description: str) -> dict[str, Any]:
    # The gateway gives every 4xx/5xx response the Problem document as its content.
    return {"description": description}


# What any route may answer because of Stripe (vendor errors leave as these problems).
UPSTREAM: Responses = {
    502: _problem("Stripe answered unexpectedly (schema drift, or our credentials were refused)."),
    503: _problem("Stripe is unavailable or rate limiting; retry after `Retry-After`."),
    504: _problem("Stripe did not answer in time."),
}
NOT_FOUND: Responses = {404: _problem("Not found, or not visible to this caller.")}
CONFLICT: Responses = {
    409: _problem("Not the system of record, or the invoice's state forbids this.")
}

router = system_router(tags=["billing"], responses=UPSTREAM)


@router.get("/customers", operation_id="listCustomers", response_model=Page[Customer])
async def list_customers(
    *,
    service: ServiceDep,
    caller: CallerDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    email: Annotated[str | None, Query(max_length=512)] = None,
) -> Page[Customer]:
    """Billing customers, newest first."""
    return await service.list_customers(caller, limit=limit, cursor=cursor, email=email)


@router.get(
    "/customers/{customer_number}",
    operation_id="getCustomer",
    response_model=Customer,
    responses=NOT_FOUND,
)
async def get_customer(
    *, customer_number: NumberPath, service: ServiceDep, caller: CallerDep
) -> Customer:
    """One customer by customer number."""
    return await service.get_customer(caller, customer_number)


@router.put(
    "/customers/{customer_number}",
    operation_id="upsertCustomer",
    response_model=Customer,
    responses={201: {"model": Customer, "description": "Created"}, **NOT_FOUND, **CONFLICT},
)
async def upsert_customer(
    *,
    customer_number: NumberPath,
    body: CustomerUpsert,
    service: ServiceDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Customer:
    """Create the customer with this number, or update it (201 when created)."""
    customer, created = await service.upsert_customer(
        caller, customer_number, body, idempotency_key=idempotency_key
    )
    response.status_code = 201 if created else 200
    return customer


@router.get("/invoice-items", operation_id="listInvoiceItems", response_model=Page[InvoiceItem])
async def list_invoice_items(
    *,
    service: ServiceDep,
    caller: CallerDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    customer_number: CustomerFilter = None,
    invoice_id: Annotated[str | None, Query(max_length=255, pattern=r"^[A-Za-z0-9_]+$")] = None,
    pending: Annotated[bool | None, Query(description="Only items not yet on an invoice.")] = None,
) -> Page[InvoiceItem]:
    """Invoice items, newest first; filter by customer, invoice or pending."""
    return await service.list_invoice_items(
        caller,
        limit=limit,
        cursor=cursor,
        customer_number=customer_number,
        invoice_id=invoice_id,
        pending=pending,
    )


@router.post(
    "/invoice-items",
    operation_id="createInvoiceItem",
    response_model=InvoiceItem,
    status_code=201,
    responses={**NOT_FOUND, **CONFLICT},
)
async def create_invoice_item(
    *,
    body: InvoiceItemCreate,
    service: ServiceDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> InvoiceItem:
    """Add a charge to the customer's next invoice, or to a draft invoice."""
    return await service.create_invoice_item(caller, body, idempotency_key=idempotency_key)


@router.get("/invoices", operation_id="listInvoices", response_model=Page[Invoice])
async def list_invoices(
    *,
    service: ServiceDep,
    caller: CallerDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    customer_number: CustomerFilter = None,
    status: InvoiceStatus | None = None,
) -> Page[Invoice]:
    """Invoices, newest first; filter by customer and status."""
    return await service.list_invoices(
        caller, limit=limit, cursor=cursor, customer_number=customer_number, status=status
    )


@router.post(
    "/invoices",
    operation_id="createInvoice",
    response_model=Invoice,
    status_code=201,
    responses={**NOT_FOUND, **CONFLICT},
)
async def create_invoice(
    *,
    body: InvoiceCreate,
    service: ServiceDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Invoice:
    """Create a draft invoice (by default sweeping in the customer's pending items)."""
    return await service.create_invoice(caller, body, idempotency_key=idempotency_key)


@router.get(
    "/invoices/{invoice_id}", operation_id="getInvoice", response_model=Invoice, responses=NOT_FOUND
)
async def get_invoice(
    *, invoice_id: InvoicePath, service: ServiceDep, caller: CallerDep
) -> Invoice:
    """One invoice with all its lines."""
    return await service.get_invoice(caller, invoice_id)


@router.get(
    "/invoices/{invoice_id}/status",
    operation_id="getInvoiceStatus",
    response_model=InvoiceStatusView,
    responses=NOT_FOUND,
)
async def get_invoice_status(
    *, invoice_id: InvoicePath, service: ServiceDep, caller: CallerDep
) -> InvoiceStatusView:
    """Where an invoice stands: status, number, amounts owed and paid."""
    return await service.get_invoice_status(caller, invoice_id)


@router.post(
    "/invoices/{invoice_id}/finalize",
    operation_id="finalizeInvoice",
    response_model=Invoice,
    responses={**NOT_FOUND, **CONFLICT},
)
async def finalize_invoice(
    *,
    invoice_id: InvoicePath,
    service: ServiceDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Invoice:
    """draft → open: the invoice gets its number and can no longer change."""
    return await service.finalize_invoice(caller, invoice_id, idempotency_key=idempotency_key)


@router.post(
    "/invoices/{invoice_id}/void",
    operation_id="voidInvoice",
    response_model=Invoice,
    responses={**NOT_FOUND, **CONFLICT},
)
async def void_invoice(
    *,
    invoice_id: InvoicePath,
    service: ServiceDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Invoice:
    """open → void: the invoice stays on record but is no longer owed."""
    return await service.void_invoice(caller, invoice_id, idempotency_key=idempotency_key)
