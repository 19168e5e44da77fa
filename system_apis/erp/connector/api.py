"""Xero Accounting, one method per endpoint; one connector per tenant (organisation).

Each tenant has its own outbound quota (Xero counts 60 calls a minute and 5,000 a day per
tenant) and its own 5 concurrent-call slots; all tenants share one HTTP pool and breaker.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from system_apis._kit.breaker import CircuitBreaker
from system_apis._kit.connector import VendorConnector
from system_apis._kit.errors import FieldError, SchemaDriftError, VendorConflictError, VendorError
from system_apis._kit.quota import OutboundQuota
from system_apis._kit.retry import RetryPolicy
from system_apis.erp.connector.models import (
    XeroConnection,
    XeroContact,
    XeroContacts,
    XeroInvoice,
    XeroInvoices,
    XeroManualJournal,
    XeroManualJournals,
    XeroOrganisation,
    XeroOrganisations,
    XeroTrackingCategories,
    XeroTrackingCategory,
    XeroTrackingOption,
    XeroTrackingOptions,
)
from system_apis.erp.errors import CONFLICT, read_body, to_field_errors, validation_messages

VENDOR = "xero"
ACCOUNTING = "/api.xro/2.0"
M = TypeVar("M", bound=BaseModel)


class XeroApi(VendorConnector):
    """Calls on behalf of one Xero tenant (`tenant_id` None: the tenantless identity API)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        tenant_id: str | None,
        quota: OutboundQuota,
        breaker: CircuitBreaker,
        retry: RetryPolicy,
        concurrency: int,
    ) -> None:
        super().__init__(VENDOR, client, quota=quota, breaker=breaker, retry=retry)
        self.tenant_id = tenant_id
        self._slots = asyncio.Semaphore(concurrency)

    async def _attempt(self, method: str, path: str, **request: Any) -> httpx.Response:
        # Xero refuses a sixth call in flight for a tenant: hold a slot for each attempt.
        async with self._slots:
            return await super()._attempt(method, path, **request)

    def classify(self, response: httpx.Response) -> VendorError:
        error = super().classify(response)
        if response.status_code == 400:
            messages = validation_messages(read_body(response.content))
            if any(CONFLICT.search(m) for m in messages):
                return VendorConflictError(VENDOR, "; ".join(messages), status=400)
        return error

    def field_errors(self, response: httpx.Response) -> list[FieldError]:
        date_field = "date" if "ManualJournals" in response.request.url.path else "issue_date"
        return to_field_errors(validation_messages(read_body(response.content)), date_field)

    def _decode(self, response: httpx.Response, model: type[M]) -> M:
        # Money arrives as JSON numbers: read them as Decimal, never through float.
        try:
            payload = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise SchemaDriftError(VENDOR, model.__name__, ["<JSON body>"]) from None
        return self.parse(model, payload)

    def _headers(self, key: str | None = None) -> dict[str, str]:
        headers = {"xero-tenant-id": self.tenant_id} if self.tenant_id else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    async def _get(
        self,
        path: str,
        model: type[M],
        params: Mapping[str, Any] | None = None,
        since: str | None = None,
    ) -> M:
        headers = self._headers()
        if since is not None:
            headers["If-Modified-Since"] = since
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        response = await self.send(
            "GET", ACCOUNTING + path, params=clean, headers=headers, idempotent=True
        )
        return self._decode(response, model)

    async def _write(self, method: str, path: str, body: Any, model: type[M], key: str | None) -> M:
        # A write is retried only when it carries a key: Xero then replays, never duplicates.
        response = await self.send(
            method,
            ACCOUNTING + path,
            json=body,
            headers=self._headers(key),
            idempotent=key is not None,
        )
        return self._decode(response, model)

    # --- identity and organisation ------------------------------------------------------

    async def list_connections(self) -> list[XeroConnection]:
        """GET /connections: the tenants our token is connected to."""
        response = await self.send("GET", "/connections", idempotent=True)
        payload = json.loads(response.content) if response.content else []
        if not isinstance(payload, list):
            raise SchemaDriftError(VENDOR, "connections", ["<array>"])
        return [self.parse(XeroConnection, item) for item in payload]

    async def get_organisation(self) -> XeroOrganisation:
        """GET /Organisation."""
        result = await self._get("/Organisation", XeroOrganisations)
        if not result.Organisations:
            raise SchemaDriftError(VENDOR, "Organisations", ["Organisations[0]"])
        return result.Organisations[0]

    # --- contacts -------------------------------------------------------------------------

    async def list_contacts(
        self, *, page: int, page_size: int, where: str | None = None, since: str | None = None
    ) -> XeroContacts:
        """GET /Contacts, one page."""
        params = {"page": page, "pageSize": page_size, "where": where, "includeArchived": "true"}
        return await self._get("/Contacts", XeroContacts, params, since)

    async def get_contact_by_number(self, contact_number: str) -> XeroContact:
        """GET /Contacts/{ContactNumber}."""
        result = await self._get(f"/Contacts/{contact_number}", XeroContacts)
        return _first(result.Contacts, "Contacts")

    async def save_contact(self, body: dict[str, Any], key: str | None) -> XeroContact:
        """POST /Contacts: update the contact with this ContactID/ContactNumber, or create it."""
        result = await self._write("POST", "/Contacts", {"Contacts": [body]}, XeroContacts, key)
        return _first(result.Contacts, "Contacts")

    # --- tracking -------------------------------------------------------------------------

    async def list_tracking_categories(self) -> list[XeroTrackingCategory]:
        """GET /TrackingCategories, archived options included."""
        params = {"includeArchived": "true"}
        result = await self._get("/TrackingCategories", XeroTrackingCategories, params)
        return result.TrackingCategories

    async def add_tracking_option(
        self, category_id: str, name: str, key: str | None
    ) -> XeroTrackingOption:
        """PUT /TrackingCategories/{id}/Options."""
        path = f"/TrackingCategories/{category_id}/Options"
        result = await self._write("PUT", path, {"Name": name}, XeroTrackingOptions, key)
        return _first(result.Options, "Options")

    async def archive_tracking_option(
        self, category_id: str, option_id: str, key: str | None
    ) -> XeroTrackingOption:
        """POST /TrackingCategories/{id}/Options/{optionId} with status ARCHIVED."""
        path = f"/TrackingCategories/{category_id}/Options/{option_id}"
        body = {"Status": "ARCHIVED"}
        result = await self._write("POST", path, body, XeroTrackingOptions, key)
        return _first(result.Options, "Options")

    # --- invoices -------------------------------------------------------------------------

    async def list_invoices(
        self,
        *,
        page: int,
        page_size: int,
        statuses: list[str] | None = None,
        where: str | None = None,
        since: str | None = None,
    ) -> XeroInvoices:
        """GET /Invoices, one page."""
        params = {
            "page": page,
            "pageSize": page_size,
            "Statuses": ",".join(statuses) if statuses else None,
            "where": where,
        }
        return await self._get("/Invoices", XeroInvoices, params, since)

    async def get_invoice(self, invoice_id: str) -> XeroInvoice:
        """GET /Invoices/{InvoiceID}."""
        return _first(
            (await self._get(f"/Invoices/{invoice_id}", XeroInvoices)).Invoices, "Invoices"
        )

    async def create_invoice(self, body: dict[str, Any], key: str | None) -> XeroInvoice:
        """PUT /Invoices (one invoice)."""
        result = await self._write("PUT", "/Invoices", {"Invoices": [body]}, XeroInvoices, key)
        return _first(result.Invoices, "Invoices")

    async def set_invoice_status(
        self, invoice_id: str, status: str, key: str | None
    ) -> XeroInvoice:
        """POST /Invoices/{InvoiceID} with a new Status."""
        body = {"Invoices": [{"InvoiceID": invoice_id, "Status": status}]}
        result = await self._write("POST", f"/Invoices/{invoice_id}", body, XeroInvoices, key)
        return _first(result.Invoices, "Invoices")

    # --- manual journals ------------------------------------------------------------------

    async def list_manual_journals(
        self, *, page: int, page_size: int, where: str | None = None
    ) -> XeroManualJournals:
        """GET /ManualJournals, one page."""
        params = {"page": page, "pageSize": page_size, "where": where}
        return await self._get("/ManualJournals", XeroManualJournals, params)

    async def get_manual_journal(self, journal_id: str) -> XeroManualJournal:
        """GET /ManualJournals/{ManualJournalID}."""
        result = await self._get(f"/ManualJournals/{journal_id}", XeroManualJournals)
        return _first(result.ManualJournals, "ManualJournals")

    async def create_manual_journal(
        self, body: dict[str, Any], key: str | None
    ) -> XeroManualJournal:
        """PUT /ManualJournals (one journal)."""
        payload = {"ManualJournals": [body]}
        result = await self._write("PUT", "/ManualJournals", payload, XeroManualJournals, key)
        return _first(result.ManualJournals, "ManualJournals")


def _first(items: list[M], name: str) -> M:
    if not items:
        raise SchemaDriftError(VENDOR, name, [f"{name}[0]"])
    return items[0]
