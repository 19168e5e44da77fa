"""Typed client of the billing system API v1; returns contract models.

The caller's `httpx.AsyncClient` decides where the API is: its `base_url` points at the
version root (`…/system/billing/v1`), in-process (`httpx.ASGITransport`), remote, or mocked.
Imports only contracts, httpx and the standard library.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from contracts.billing import (
    Customer,
    CustomerUpsert,
    Invoice,
    InvoiceCreate,
    InvoiceItem,
    InvoiceItemCreate,
    InvoiceStatus,
    InvoiceStatusView,
)
from contracts.common import Page
from contracts.problems import Problem

M = TypeVar("M", bound=BaseModel)


class BillingApiError(Exception):
    """The billing API answered with a problem document."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem

    def __reduce__(self) -> tuple[type[Self], tuple[Problem]]:
        # Durable engines pickle a step's exception; rebuild it from its problem.
        return (type(self), (self.problem,))


def _params(**values: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif value is not None:
            out[name] = str(value)
    return out


def _key(idempotency_key: str | None) -> dict[str, str]:
    return {} if idempotency_key is None else {"Idempotency-Key": idempotency_key}


class BillingClient:
    """One async method per route of /system/billing/v1."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _call(self, model: type[M], method: str, path: str, **request: Any) -> M:
        response = await self.http.request(method, path.lstrip("/"), **request)
        if response.is_error:
            raise BillingApiError(Problem.model_validate_json(response.content))
        return model.model_validate_json(response.content)

    async def list_customers(
        self, *, limit: int | None = None, cursor: str | None = None, email: str | None = None
    ) -> Page[Customer]:
        params = _params(limit=limit, cursor=cursor, email=email)
        return await self._call(Page[Customer], "GET", "customers", params=params)

    async def get_customer(self, customer_number: str) -> Customer:
        return await self._call(Customer, "GET", f"customers/{customer_number}")

    async def upsert_customer(
        self, customer_number: str, body: CustomerUpsert, *, idempotency_key: str | None = None
    ) -> Customer:
        return await self._call(
            Customer,
            "PUT",
            f"customers/{customer_number}",
            json=body.model_dump(mode="json", exclude_unset=True),
            headers=_key(idempotency_key),
        )

    async def list_invoice_items(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        customer_number: str | None = None,
        invoice_id: str | None = None,
        pending: bool | None = None,
    ) -> Page[InvoiceItem]:
        params = _params(
            limit=limit,
            cursor=cursor,
            customer_number=customer_number,
            invoice_id=invoice_id,
            pending=pending,
        )
        return await self._call(Page[InvoiceItem], "GET", "invoice-items", params=params)

    async def create_invoice_item(
        self, body: InvoiceItemCreate, *, idempotency_key: str | None = None
    ) -> InvoiceItem:
        return await self._call(
            InvoiceItem,
            "POST",
            "invoice-items",
            json=body.model_dump(mode="json", exclude_unset=True),
            headers=_key(idempotency_key),
        )

    async def list_invoices(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        customer_number: str | None = None,
        status: InvoiceStatus | None = None,
    ) -> Page[Invoice]:
        params = _params(
            limit=limit,
            cursor=cursor,
            customer_number=customer_number,
            status=None if status is None else status.value,
        )
        return await self._call(Page[Invoice], "GET", "invoices", params=params)

    async def create_invoice(
        self, body: InvoiceCreate, *, idempotency_key: str | None = None
    ) -> Invoice:
        return await self._call(
            Invoice,
            "POST",
            "invoices",
            json=body.model_dump(mode="json", exclude_unset=True),
            headers=_key(idempotency_key),
        )

    async def get_invoice(self, invoice_id: str) -> Invoice:
        return await self._call(Invoice, "GET", f"invoices/{invoice_id}")

    async def get_invoice_status(self, invoice_id: str) -> InvoiceStatusView:
        return await self._call(InvoiceStatusView, "GET", f"invoices/{invoice_id}/status")

    async def finalize_invoice(
        self, invoice_id: str, *, idempotency_key: str | None = None
    ) -> Invoice:
        return await self._call(
            Invoice, "POST", f"invoices/{invoice_id}/finalize", headers=_key(idempotency_key)
        )

    async def void_invoice(self, invoice_id: str, *, idempotency_key: str | None = None) -> Invoice:
        return await self._call(
            Invoice, "POST", f"invoices/{invoice_id}/void", headers=_key(idempotency_key)
        )
