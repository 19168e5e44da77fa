"""ERP v1 ledger routes: invoices (draft → authorised → voided) and journal entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from contracts.common import Page
from contracts.erp import (
    CODE_PATTERN,
    Invoice,
    InvoiceCreate,
    InvoiceStatus,
    JournalEntry,
    JournalEntryCreate,
)
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import CursorQuery, LimitQuery
from system_apis._kit.query import ChangedSinceQuery
from system_apis._kit.router import system_router
from system_apis.erp.v1.params import ErpDep, LegalEntityCode, PeriodQuery, RemoteId

router = system_router()


@router.get("/invoices", operation_id="listInvoices", response_model=Page[Invoice])
async def list_invoices(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    caller: CallerDep,
    status: InvoiceStatus | None = None,
    period: PeriodQuery = None,
    customer_number: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    changed_since: ChangedSinceQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[Invoice]:
    """Invoices of the legal entity, by status, period (issue date), customer or change."""
    filters = {
        "status": status,
        "period": period,
        "customer_number": customer_number,
        "changed_since": changed_since,
    }
    return await erp.list_invoices(
        legal_entity, caller, filters=filters, cursor=cursor, limit=limit
    )


@router.post("/invoices", operation_id="createInvoice", response_model=Invoice, status_code=201)
async def create_invoice(
    legal_entity: LegalEntityCode,
    body: InvoiceCreate,
    erp: ErpDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Invoice:
    """A new draft invoice with dimensioned lines."""
    return await erp.create_invoice(legal_entity, body, caller, idempotency_key)


@router.get("/invoices/{invoice_id}", operation_id="getInvoice", response_model=Invoice)
async def get_invoice(
    legal_entity: LegalEntityCode, invoice_id: RemoteId, erp: ErpDep, caller: CallerDep
) -> Invoice:
    return await erp.get_invoice(legal_entity, invoice_id, caller)


@router.post(
    "/invoices/{invoice_id}/authorise", operation_id="authoriseInvoice", response_model=Invoice
)
async def authorise_invoice(
    legal_entity: LegalEntityCode,
    invoice_id: RemoteId,
    erp: ErpDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Invoice:
    """Approve a draft; 409 period-closed when its date falls in a closed period."""
    return await erp.authorise_invoice(legal_entity, invoice_id, caller, idempotency_key)


@router.post("/invoices/{invoice_id}/void", operation_id="voidInvoice", response_model=Invoice)
async def void_invoice(
    legal_entity: LegalEntityCode,
    invoice_id: RemoteId,
    erp: ErpDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Invoice:
    """Void an authorised invoice (a draft is deleted); 409 when it is paid."""
    return await erp.void_invoice(legal_entity, invoice_id, caller, idempotency_key)


@router.get(
    "/journal-entries", operation_id="listJournalEntries", response_model=Page[JournalEntry]
)
async def list_journal_entries(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    caller: CallerDep,
    period: PeriodQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[JournalEntry]:
    return await erp.list_journals(legal_entity, period, cursor, limit, caller)


@router.post(
    "/journal-entries",
    operation_id="postJournalEntry",
    response_model=JournalEntry,
    status_code=201,
)
async def post_journal_entry(
    legal_entity: LegalEntityCode,
    body: JournalEntryCreate,
    erp: ErpDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JournalEntry:
    """Post a journal: 422 when it does not balance, 409 when its period is closed."""
    return await erp.post_journal(legal_entity, body, idempotency_key, caller)


@router.get(
    "/journal-entries/{journal_id}", operation_id="getJournalEntry", response_model=JournalEntry
)
async def get_journal_entry(
    legal_entity: LegalEntityCode, journal_id: RemoteId, erp: ErpDep, caller: CallerDep
) -> JournalEntry:
    return await erp.get_journal(legal_entity, journal_id, caller)
