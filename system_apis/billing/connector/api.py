"""Stripe, one method per endpoint we use: form-encoded writes, keyed so retries are safe."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from system_apis._kit.connector import VendorConnector
from system_apis._kit.errors import VendorError
from system_apis.billing.connector.models import (
    StripeCustomer,
    StripeInvoice,
    StripeInvoiceItem,
    StripeLineItem,
    StripeList,
    StripeSearchResult,
)
from system_apis.billing.errors import VENDOR, classify_stripe

M = TypeVar("M", bound=BaseModel)
Params = dict[str, Any]
MAX_PAGE = 100  # Stripe's largest `limit`


def _segment(object_id: str) -> str:
    return quote(object_id, safe="")


def _listing(limit: int, starting_after: str | None, **filters: str | bool | None) -> Params:
    params: Params = {"limit": min(limit, MAX_PAGE)}
    if starting_after is not None:
        params["starting_after"] = starting_after
    for name, value in filters.items():
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif value is not None:
            params[name] = value
    return params


class StripeConnector(VendorConnector):
    """Stripe's customers, invoice items and invoices."""

    _pointers: Mapping[str, Mapping[str, str]] = {}  # Stripe param -> our pointer, per resource

    def __init__(
        self, client: httpx.AsyncClient, *, pointers: Mapping[str, Mapping[str, str]], **kit: Any
    ) -> None:
        super().__init__(VENDOR, client, **kit)
        self._pointers = pointers

    def classify(self, response: httpx.Response) -> VendorError:
        """Stripe's error envelope first (state conflicts, params), then the status table."""
        resource = response.request.url.path.removeprefix("/v1/").split("/", 1)[0]
        pointers = self._pointers.get(resource, {})
        return classify_stripe(response, pointers) or super().classify(response)

    async def _get(self, model: type[M], path: str, params: Params | None = None) -> M:
        response = await self.send("GET", path, params=params, idempotent=True)
        return self.parse(model, response.json())

    async def _post(self, model: type[M], path: str, form: Mapping[str, str], key: str | None) -> M:
        # Like Stripe's own libraries: a write without a caller key still gets one, so that our
        # retries of it are safe; a caller's key makes it stable across the caller's retries too.
        headers = {"Idempotency-Key": key or f"atrium-{uuid.uuid4()}"}
        response = await self.send("POST", path, data=dict(form), headers=headers, idempotent=True)
        return self.parse(model, response.json())

    # --- customers ---
    async def list_customers(
        self, *, limit: int, starting_after: str | None, email: str | None
    ) -> StripeList[StripeCustomer]:
        params = _listing(limit, starting_after, email=email)
        return await self._get(StripeList[StripeCustomer], "/v1/customers", params)

    async def search_customers(
        self, query: str, *, limit: int = 10
    ) -> StripeSearchResult[StripeCustomer]:
        params = {"query": query, "limit": min(limit, MAX_PAGE)}
        return await self._get(StripeSearchResult[StripeCustomer], "/v1/customers/search", params)

    async def get_customer(self, customer_id: str) -> StripeCustomer:
        return await self._get(StripeCustomer, f"/v1/customers/{_segment(customer_id)}")

    async def create_customer(self, form: Mapping[str, str], *, key: str | None) -> StripeCustomer:
        return await self._post(StripeCustomer, "/v1/customers", form, key)

    async def update_customer(
        self, customer_id: str, form: Mapping[str, str], *, key: str | None
    ) -> StripeCustomer:
        return await self._post(StripeCustomer, f"/v1/customers/{_segment(customer_id)}", form, key)

    # --- invoice items ---
    async def list_invoice_items(
        self,
        *,
        limit: int,
        starting_after: str | None,
        customer: str | None,
        invoice: str | None,
        pending: bool | None,
    ) -> StripeList[StripeInvoiceItem]:
        params = _listing(
            limit, starting_after, customer=customer, invoice=invoice, pending=pending
        )
        return await self._get(StripeList[StripeInvoiceItem], "/v1/invoiceitems", params)

    async def create_invoice_item(
        self, form: Mapping[str, str], *, key: str | None
    ) -> StripeInvoiceItem:
        return await self._post(StripeInvoiceItem, "/v1/invoiceitems", form, key)

    # --- invoices ---
    async def list_invoices(
        self, *, limit: int, starting_after: str | None, customer: str | None, status: str | None
    ) -> StripeList[StripeInvoice]:
        params = _listing(limit, starting_after, customer=customer, status=status)
        return await self._get(StripeList[StripeInvoice], "/v1/invoices", params)

    async def get_invoice(self, invoice_id: str) -> StripeInvoice:
        return await self._get(StripeInvoice, f"/v1/invoices/{_segment(invoice_id)}")

    async def list_invoice_lines(
        self, invoice_id: str, *, limit: int, starting_after: str | None
    ) -> StripeList[StripeLineItem]:
        params = _listing(limit, starting_after)
        return await self._get(
            StripeList[StripeLineItem], f"/v1/invoices/{_segment(invoice_id)}/lines", params
        )

    async def create_invoice(self, form: Mapping[str, str], *, key: str | None) -> StripeInvoice:
        return await self._post(StripeInvoice, "/v1/invoices", form, key)

    async def finalize_invoice(self, invoice_id: str, *, key: str | None) -> StripeInvoice:
        path = f"/v1/invoices/{_segment(invoice_id)}/finalize"
        return await self._post(StripeInvoice, path, {"auto_advance": "false"}, key)

    async def void_invoice(self, invoice_id: str, *, key: str | None) -> StripeInvoice:
        return await self._post(StripeInvoice, f"/v1/invoices/{_segment(invoice_id)}/void", {}, key)
