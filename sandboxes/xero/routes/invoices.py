"""Invoices: list with Xero's filters and paging, get, create, and status changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.xero.auth import StoreDep, TenantDep
from sandboxes.xero.books import get_owned, modified_since, owned, render
from sandboxes.xero.idempotency import idempotent
from sandboxes.xero.invoice_rules import COLLECTION, build_invoice, change_status
from sandboxes.xero.where import parse_where
from sandboxes.xero.wire import bad_request, envelope, not_found, paged

router = APIRouter()
CsvQuery = Annotated[str | None, Query()]


def _csv(value: str | None) -> set[str] | None:
    return {v.strip() for v in value.split(",") if v.strip()} if value else None


@router.get("/Invoices")
def get_invoices(
    *,
    org: TenantDep,
    store: StoreDep,
    where: str | None = None,
    ids: Annotated[str | None, Query(alias="IDs")] = None,
    invoice_numbers: Annotated[str | None, Query(alias="InvoiceNumbers")] = None,
    contact_ids: Annotated[str | None, Query(alias="ContactIDs")] = None,
    statuses: Annotated[str | None, Query(alias="Statuses")] = None,
    page: int | None = None,
    page_size: Annotated[int | None, Query(alias="pageSize")] = None,
    if_modified_since: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """The tenant's invoices, filtered as Xero filters them."""
    docs = modified_since(owned(store, COLLECTION, org["OrganisationID"]), if_modified_since)
    filters = (
        ("InvoiceID", {i.lower() for i in _csv(ids) or ()} or None),
        ("InvoiceNumber", _csv(invoice_numbers)),
        ("Status", _csv(statuses)),
    )
    for field, wanted in filters:
        if wanted is not None:
            docs = [d for d in docs if d.get(field) in wanted]
    contacts = {c.lower() for c in _csv(contact_ids) or ()}
    if contacts:
        docs = [d for d in docs if d["Contact"]["ContactID"] in contacts]
    docs = [d for d in docs if parse_where(where)(d)]
    items, extra = paged(docs, page, page_size)
    return envelope("Invoices", [render(d) for d in items], **extra)


@router.get("/Invoices/{InvoiceID}")
def get_invoice(InvoiceID: str, org: TenantDep, store: StoreDep) -> dict[str, Any]:  # noqa: N803
    """One invoice by id (or by invoice number, as Xero also allows)."""
    return envelope("Invoices", [render(_find(store, org["OrganisationID"], InvoiceID))])


@router.put("/Invoices")
async def create_invoices(request: Request, org: TenantDep, store: StoreDep) -> JSONResponse:
    """Create invoices; any refused object refuses the whole request (summarizeErrors)."""

    def write(body: dict[str, Any]) -> dict[str, Any]:
        with store.transaction():
            created = [build_invoice(store, org, given) for given in _objects(body)]
            for doc in created:
                store.insert(COLLECTION, doc, id=doc["InvoiceID"])
        return envelope("Invoices", [render(d) for d in created])

    return await idempotent(request, store, org["OrganisationID"], write)


@router.post("/Invoices/{InvoiceID}")
async def update_invoice(
    InvoiceID: str,  # noqa: N803
    request: Request,
    org: TenantDep,
    store: StoreDep,
) -> JSONResponse:
    """Update one invoice: here, move it along DRAFT → AUTHORISED → VOIDED (or DELETED)."""
    invoice = _find(store, org["OrganisationID"], InvoiceID)

    def write(body: dict[str, Any]) -> dict[str, Any]:
        with store.transaction():
            current = store.get(COLLECTION, invoice["InvoiceID"]) or invoice
            changes = change_status(org, current, _objects(body)[0])
            doc = store.update(COLLECTION, invoice["InvoiceID"], changes)
        return envelope("Invoices", [render(doc)])

    return await idempotent(request, store, org["OrganisationID"], write)


def _find(store: Store, tenant_id: str, ref: str) -> dict[str, Any]:
    doc = get_owned(store, COLLECTION, tenant_id, ref)
    if doc is None:
        matches = store.find(COLLECTION, _tenant=tenant_id, InvoiceNumber=ref)
        doc = matches[0] if matches else None
    if doc is None:
        raise not_found()
    return doc


def _objects(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("Invoices")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise bad_request("The request must contain a non-empty Invoices array")
    return items
