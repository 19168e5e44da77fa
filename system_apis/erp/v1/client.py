"""Typed client of the ERP system API v1; returns contract models.

The caller's `httpx.AsyncClient` decides where the API is: its `base_url` points at the
version root (`…/system/erp/v1/`), in-process (`httpx.ASGITransport`), remote, or mocked.
Records live under a legal entity, so most methods take its code first.
Imports only contracts, httpx and the standard library.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from contracts.common import Page
from contracts.erp import (
    AccountingPeriod,
    CostCentre,
    Customer,
    CustomerUpsert,
    DimensionStatus,
    Invoice,
    InvoiceCreate,
    InvoiceStatus,
    JournalEntry,
    JournalEntryCreate,
    LegalEntity,
    PeriodStatus,
    ProjectDimension,
    ProjectDimensionUpsert,
    TrackingCategory,
)
from contracts.problems import Problem

M = TypeVar("M", bound=BaseModel)


class ErpApiError(Exception):
    """The ERP API answered with a problem document."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem

    def __reduce__(self) -> tuple[type[Self], tuple[Problem]]:
        # Durable engines pickle a step's exception; rebuild it from its problem.
        return (type(self), (self.problem,))


def _problem(response: httpx.Response) -> Problem:
    """The problem document of an error response, or one made up from its status line."""
    try:
        return Problem.model_validate_json(response.content)
    except ValidationError:
        # Something in between (a proxy, a load balancer) may answer without a problem
        # document; callers still get the one exception type, with the status to act on.
        return Problem(
            type="about:blank",
            title=response.reason_phrase or "Error",
            status=response.status_code,
            detail=response.text[:500] or response.reason_phrase or "No detail.",
        )


def _params(**values: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, Enum):
            out[name] = str(value.value)
        elif isinstance(value, date | datetime):
            out[name] = value.isoformat()
        elif value is not None:
            out[name] = str(value)
    return out


def _key(idempotency_key: str | None) -> dict[str, str]:
    return {} if idempotency_key is None else {"Idempotency-Key": idempotency_key}


def _body(model: BaseModel) -> Any:
    # Omitted fields stay as they are on upserts, so only the fields the caller set are sent.
    return model.model_dump(mode="json", exclude_unset=True)


def _entity(legal_entity: str, *segments: str) -> str:
    """The path of a record under a legal entity; every variable segment is escaped."""
    return "/".join(["legal-entities", *(quote(s, safe="") for s in (legal_entity, *segments))])


class ErpClient:
    """One async method per route of /system/erp/v1."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _call(self, model: type[M], method: str, path: str, **request: Any) -> M:
        response = await self.http.request(method, path, **request)
        if response.is_error:
            raise ErpApiError(_problem(response))
        return model.model_validate_json(response.content)

    async def _write(
        self, model: type[M], method: str, path: str, body: BaseModel | None, key: str | None
    ) -> M:
        content = None if body is None else _body(body)
        return await self._call(model, method, path, json=content, headers=_key(key))

    async def list_legal_entities(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[LegalEntity]:
        params = _params(limit=limit, cursor=cursor)
        return await self._call(Page[LegalEntity], "GET", "legal-entities", params=params)

    async def get_legal_entity(self, legal_entity: str) -> LegalEntity:
        return await self._call(LegalEntity, "GET", _entity(legal_entity))

    async def list_accounting_periods(
        self,
        legal_entity: str,
        *,
        fiscal_year: int | None = None,
        status: PeriodStatus | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[AccountingPeriod]:
        params = _params(fiscal_year=fiscal_year, status=status, limit=limit, cursor=cursor)
        path = _entity(legal_entity, "accounting-periods")
        return await self._call(Page[AccountingPeriod], "GET", path, params=params)

    async def list_customers(
        self,
        legal_entity: str,
        *,
        changed_since: datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Customer]:
        params = _params(changed_since=changed_since, limit=limit, cursor=cursor)
        path = _entity(legal_entity, "customers")
        return await self._call(Page[Customer], "GET", path, params=params)

    async def get_customer(self, legal_entity: str, customer_number: str) -> Customer:
        return await self._call(
            Customer, "GET", _entity(legal_entity, "customers", customer_number)
        )

    async def upsert_customer(
        self,
        legal_entity: str,
        customer_number: str,
        body: CustomerUpsert,
        *,
        idempotency_key: str | None = None,
    ) -> Customer:
        path = _entity(legal_entity, "customers", customer_number)
        return await self._write(Customer, "PUT", path, body, idempotency_key)

    async def list_tracking_categories(
        self, legal_entity: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[TrackingCategory]:
        params = _params(limit=limit, cursor=cursor)
        path = _entity(legal_entity, "tracking-categories")
        return await self._call(Page[TrackingCategory], "GET", path, params=params)

    async def list_cost_centres(
        self,
        legal_entity: str,
        *,
        status: DimensionStatus | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[CostCentre]:
        params = _params(status=status, limit=limit, cursor=cursor)
        path = _entity(legal_entity, "cost-centres")
        return await self._call(Page[CostCentre], "GET", path, params=params)

    async def list_project_dimensions(
        self,
        legal_entity: str,
        *,
        status: DimensionStatus | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[ProjectDimension]:
        params = _params(status=status, limit=limit, cursor=cursor)
        path = _entity(legal_entity, "project-dimensions")
        return await self._call(Page[ProjectDimension], "GET", path, params=params)

    async def get_project_dimension(self, legal_entity: str, project_code: str) -> ProjectDimension:
        path = _entity(legal_entity, "project-dimensions", project_code)
        return await self._call(ProjectDimension, "GET", path)

    async def upsert_project_dimension(
        self,
        legal_entity: str,
        project_code: str,
        body: ProjectDimensionUpsert,
        *,
        idempotency_key: str | None = None,
    ) -> ProjectDimension:
        path = _entity(legal_entity, "project-dimensions", project_code)
        return await self._write(ProjectDimension, "PUT", path, body, idempotency_key)

    async def archive_project_dimension(
        self, legal_entity: str, project_code: str, *, idempotency_key: str | None = None
    ) -> ProjectDimension:
        path = _entity(legal_entity, "project-dimensions", project_code, "archive")
        return await self._write(ProjectDimension, "POST", path, None, idempotency_key)

    async def list_invoices(
        self,
        legal_entity: str,
        *,
        status: InvoiceStatus | None = None,
        period: str | None = None,
        customer_number: str | None = None,
        changed_since: datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Invoice]:
        params = _params(
            status=status,
            period=period,
            customer_number=customer_number,
            changed_since=changed_since,
            limit=limit,
            cursor=cursor,
        )
        path = _entity(legal_entity, "invoices")
        return await self._call(Page[Invoice], "GET", path, params=params)

    async def create_invoice(
        self, legal_entity: str, body: InvoiceCreate, *, idempotency_key: str | None = None
    ) -> Invoice:
        path = _entity(legal_entity, "invoices")
        return await self._write(Invoice, "POST", path, body, idempotency_key)

    async def get_invoice(self, legal_entity: str, invoice_id: str) -> Invoice:
        return await self._call(Invoice, "GET", _entity(legal_entity, "invoices", invoice_id))

    async def authorise_invoice(
        self, legal_entity: str, invoice_id: str, *, idempotency_key: str | None = None
    ) -> Invoice:
        path = _entity(legal_entity, "invoices", invoice_id, "authorise")
        return await self._write(Invoice, "POST", path, None, idempotency_key)

    async def void_invoice(
        self, legal_entity: str, invoice_id: str, *, idempotency_key: str | None = None
    ) -> Invoice:
        path = _entity(legal_entity, "invoices", invoice_id, "void")
        return await self._write(Invoice, "POST", path, None, idempotency_key)

    async def list_journal_entries(
        self,
        legal_entity: str,
        *,
        period: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[JournalEntry]:
        params = _params(period=period, limit=limit, cursor=cursor)
        path = _entity(legal_entity, "journal-entries")
        return await self._call(Page[JournalEntry], "GET", path, params=params)

    async def post_journal_entry(
        self, legal_entity: str, body: JournalEntryCreate, *, idempotency_key: str | None = None
    ) -> JournalEntry:
        path = _entity(legal_entity, "journal-entries")
        return await self._write(JournalEntry, "POST", path, body, idempotency_key)

    async def get_journal_entry(self, legal_entity: str, journal_id: str) -> JournalEntry:
        path = _entity(legal_entity, "journal-entries", journal_id)
        return await self._call(JournalEntry, "GET", path)
