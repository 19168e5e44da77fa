"""Finding what already exists, by business key: time-to-cash never creates it twice.

The system APIs list rather than look up by these keys (a project by code, the invoice of
a project's month, the ERP document bearing an invoice number), so these page through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from contracts.billing import Invoice, InvoiceStatus
from contracts.common import Page
from contracts.erp import Invoice as ErpInvoice
from contracts.psa import Project
from system_apis.billing.v1.client import BillingClient
from system_apis.erp.v1.client import ErpClient
from system_apis.psa.v1.client import PsaClient

T = TypeVar("T")
PAGE = 200
LIVE_INVOICES = (InvoiceStatus.DRAFT, InvoiceStatus.OPEN, InvoiceStatus.PAID)


async def every_item(fetch: Callable[[str | None], Awaitable[Page[T]]]) -> list[T]:
    """All items of a paged list."""
    items: list[T] = []
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


async def find_project(psa: PsaClient, project_code: str) -> Project | None:
    """The PSA project with this code (the PSA lists projects, it does not look codes up)."""
    cursor: str | None = None
    while True:
        page = await psa.list_projects(cursor=cursor, limit=PAGE)
        found = next((p for p in page.items if p.project_code == project_code), None)
        if found is not None or page.next_cursor is None:
            return found
        cursor = page.next_cursor


async def invoice_for(
    billing: BillingClient, customer_number: str, project_code: str, billing_period: str
) -> Invoice | None:
    """The customer's live invoice for this project and period, if there is one."""
    invoices = await every_item(
        lambda cursor: billing.list_invoices(
            customer_number=customer_number, cursor=cursor, limit=100
        )
    )
    return next(
        (
            i
            for i in invoices
            if (i.project_code, i.billing_period) == (project_code, billing_period)
            and i.status in LIVE_INVOICES
        ),
        None,
    )


async def erp_invoice_numbered(
    erp: ErpClient, legal_entity: str, customer_number: str, number: str
) -> ErpInvoice | None:
    """The customer's ERP invoice bearing this number, if there is one."""
    invoices = await every_item(
        lambda cursor: erp.list_invoices(
            legal_entity, customer_number=customer_number, cursor=cursor, limit=100
        )
    )
    return next((i for i in invoices if i.invoice_number == number), None)
