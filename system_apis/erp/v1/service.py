"""The ERP service: Xero connector -> mapping -> canonical contracts, with the ERP's rules."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

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
from contracts.ownership import OwnershipPolicy
from contracts.problems import ProblemError, ProblemFieldError
from system_apis._kit.caller import FIRM, Caller
from system_apis._kit.errors import VendorNotFoundError
from system_apis._kit.idempotency import derive_key
from system_apis._kit.pagination import decode_cursor, encode_cursor, page_slice
from system_apis._kit.policy_files import enforce_ownership
from system_apis.erp import mapping as m
from system_apis.erp.connector.models import XeroContact, XeroPagination, XeroTrackingCategory
from system_apis.erp.v1.tenants import Tenant, Tenants

SYSTEM = "erp"


def _vendor_page(cursor: str | None, limit: int) -> tuple[int, int]:
    """(Xero page, page size) for our cursor; the size sticks to the one the cursor began with."""
    position = decode_cursor(cursor)
    page, size = position.get("page", 1), position.get("size", limit)
    if not isinstance(page, int) or not isinstance(size, int) or page < 1 or not 0 < size <= 1000:
        raise ProblemError("invalid-cursor", "The cursor is not one this API issued.")
    return page, size


def _next_cursor(pagination: XeroPagination | None, size: int) -> str | None:
    if pagination is None or pagination.page >= pagination.page_count:
        return None
    return encode_cursor({"page": pagination.page + 1, "size": size})


def _period_where(period: str | None) -> str | None:
    """Xero's `where` for dates within one month 'YYYY-MM'."""
    if period is None:
        return None
    year, month = (int(part) for part in period.split("-"))
    last = calendar.monthrange(year, month)[1]
    return f"Date>=DateTime({year},{month:02d},01) AND Date<=DateTime({year},{month:02d},{last})"


def _and(*clauses: str | None) -> str | None:
    present = [c for c in clauses if c]
    return " AND ".join(present) if present else None


def _firm_only(caller: Caller) -> None:
    """The ledger and the project dimension values name every customer's projects: they
    are the firm's, invisible (404) to a caller bound to a partner."""
    if caller.partner_id is not None:
        raise ProblemError("not-found", "The resource does not exist.")


class ErpService:
    """Everything the v1 routes do, per legal entity."""

    def __init__(self, tenants: Tenants, mapping: m.ErpMapping, ownership: OwnershipPolicy) -> None:
        self.tenants = tenants
        self.mapping = mapping
        self.ownership = ownership

    # --- legal entities and periods -------------------------------------------------------

    async def list_legal_entities(self, cursor: str | None, limit: int) -> Page[LegalEntity]:
        entities = [t.entity for t in await self.tenants.all()]
        items, next_cursor = page_slice(entities, cursor, limit)
        return Page[LegalEntity](items=items, next_cursor=next_cursor)

    async def get_legal_entity(self, code: str) -> LegalEntity:
        return (await self.tenants.get(code)).entity

    async def list_periods(
        self,
        code: str,
        *,
        fiscal_year: int | None,
        status: PeriodStatus | None,
        cursor: str | None,
        limit: int,
    ) -> Page[AccountingPeriod]:
        """The monthly periods of a financial year (default: the first one still open)."""
        entity = await self.get_legal_entity(code)
        if fiscal_year is None:
            first_open = entity.lock_date + timedelta(days=1) if entity.lock_date else date.today()
            fiscal_year = m.fiscal_year_of(entity, first_open)
        periods = m.accounting_periods(entity, fiscal_year)
        periods = [p for p in periods if status is None or p.status is status]
        items, next_cursor = page_slice(periods, cursor, limit)
        return Page[AccountingPeriod](items=items, next_cursor=next_cursor)

    async def _open_for(self, tenant: Tenant, day: date, pointer: str) -> None:
        if m.is_locked(tenant.entity, day):
            raise ProblemError(
                "period-closed",
                "The accounting period of this date is closed; post to an open period.",
                errors=[ProblemFieldError(detail="falls in a closed period", pointer=pointer)],
                extensions={"lock_date": str(tenant.entity.lock_date)},
            )

    # --- customers ------------------------------------------------------------------------

    async def list_customers(
        self,
        code: str,
        caller: Caller,
        *,
        changed_since: datetime | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Customer]:
        tenant = await self.tenants.get(code)
        page, size = _vendor_page(cursor, limit)
        where = f'ContactNumber=="{caller.partner_id}"' if caller.partner_id else None
        since = changed_since.isoformat() if changed_since else None
        result = await tenant.api.list_contacts(page=page, page_size=size, where=where, since=since)
        customers = [m.to_canonical_customer(c, code) for c in result.Contacts]
        items = [c for c in customers if c is not None]
        return Page[Customer](items=items, next_cursor=_next_cursor(result.pagination, size))

    async def _contact(self, tenant: Tenant, number: str) -> XeroContact | None:
        try:
            return await tenant.api.get_contact_by_number(number)
        except VendorNotFoundError:
            return None

    async def get_customer(self, code: str, number: str, caller: Caller) -> Customer:
        caller.check_visible(number)
        contact = await self._contact(await self.tenants.get(code), number)
        customer = m.to_canonical_customer(contact, code) if contact else None
        if customer is None:
            raise ProblemError("not-found", "No customer has this number.")
        return customer

    async def upsert_customer(
        self, code: str, number: str, body: CustomerUpsert, caller: Caller, key: str | None
    ) -> tuple[Customer, bool]:
        """Create or update a customer by number; True when it was created."""
        caller.check_visible(number)
        tenant = await self.tenants.get(code)
        existing = await self._contact(tenant, number)
        current = m.to_canonical_customer(existing, code) if existing else None
        if current is not None:
            changed = m.changed_customer_fields(current, body)
            enforce_ownership(self.ownership, system=SYSTEM, obj="customer", fields=changed)
            if not changed:
                return current, False
        payload = m.from_canonical_customer(number, body, existing)
        vendor_key = derive_key(key, operation="erp.upsertCustomer", parts=(code, number))
        saved = await tenant.api.save_contact(payload, vendor_key)
        customer = m.to_canonical_customer(saved, code)
        assert customer is not None  # we sent the ContactNumber
        return customer, existing is None

    # --- tracking -------------------------------------------------------------------------

    async def _categories(self, tenant: Tenant) -> list[XeroTrackingCategory]:
        return await tenant.api.list_tracking_categories()

    async def _category(self, tenant: Tenant, role: str) -> XeroTrackingCategory:
        for category in await self._categories(tenant):
            if self.mapping.role_of(category.Name) == role:
                return category
        raise ProblemError("not-found", f"This legal entity has no {role} dimension.")

    async def list_tracking_categories(
        self, code: str, cursor: str | None, limit: int, caller: Caller = FIRM
    ) -> Page[TrackingCategory]:
        tenant = await self.tenants.get(code)
        categories = [
            m.to_canonical_tracking_category(c, code, self.mapping)
            for c in await self._categories(tenant)
        ]
        if caller.partner_id is not None:  # its values are every customer's projects
            categories = [c for c in categories if c.role != "project"]
        items, next_cursor = page_slice(categories, cursor, limit)
        return Page[TrackingCategory](items=items, next_cursor=next_cursor)

    async def list_cost_centres(
        self, code: str, status: DimensionStatus | None, cursor: str | None, limit: int
    ) -> Page[CostCentre]:
        category = await self._category(await self.tenants.get(code), "cost_centre")
        centres = [m.to_canonical_cost_centre(o, code, self.mapping) for o in category.Options]
        centres = [c for c in centres if status is None or c.status is status]
        items, next_cursor = page_slice(centres, cursor, limit)
        return Page[CostCentre](items=items, next_cursor=next_cursor)

    async def _projects(self, tenant: Tenant) -> tuple[str, list[ProjectDimension]]:
        category = await self._category(tenant, "project")
        code = tenant.entity.code
        values = [m.to_canonical_project_dimension(o, code, self.mapping) for o in category.Options]
        return category.TrackingCategoryID, values

    async def list_project_dimensions(
        self,
        code: str,
        status: DimensionStatus | None,
        cursor: str | None,
        limit: int,
        caller: Caller = FIRM,
    ) -> Page[ProjectDimension]:
        if caller.partner_id is not None:
            return Page[ProjectDimension](items=[], next_cursor=None)
        _, values = await self._projects(await self.tenants.get(code))
        values = [v for v in values if status is None or v.status is status]
        items, next_cursor = page_slice(values, cursor, limit)
        return Page[ProjectDimension](items=items, next_cursor=next_cursor)

    async def get_project_dimension(
        self, code: str, project_code: str, caller: Caller = FIRM
    ) -> ProjectDimension:
        _firm_only(caller)
        _, values = await self._projects(await self.tenants.get(code))
        for value in values:
            if value.project_code == project_code:
                return value
        raise ProblemError("not-found", "No project dimension has this code.")

    async def upsert_project_dimension(
        self,
        code: str,
        project_code: str,
        body: ProjectDimensionUpsert,
        key: str | None,
        caller: Caller = FIRM,
    ) -> tuple[ProjectDimension, bool]:
        """Ensure the project's dimension value exists; a rename belongs to the PSA (409)."""
        _firm_only(caller)
        tenant = await self.tenants.get(code)
        category_id, values = await self._projects(tenant)
        existing = next((v for v in values if v.project_code == project_code), None)
        if existing is not None:
            if existing.name != body.name:
                enforce_ownership(self.ownership, system=SYSTEM, obj="project", fields={"name"})
            return existing, False
        name = m.option_name(project_code, body.name, self.mapping)
        vendor_key = derive_key(
            key, operation="erp.upsertProjectDimension", parts=(code, project_code)
        )
        option = await tenant.api.add_tracking_option(category_id, name, vendor_key)
        return m.to_canonical_project_dimension(option, code, self.mapping), True

    async def archive_project_dimension(
        self, code: str, project_code: str, key: str | None, caller: Caller = FIRM
    ) -> ProjectDimension:
        """Archive a project's dimension value; archiving an archived one changes nothing."""
        _firm_only(caller)
        tenant = await self.tenants.get(code)
        category_id, values = await self._projects(tenant)
        existing = next((v for v in values if v.project_code == project_code), None)
        if existing is None:
            raise ProblemError("not-found", "No project dimension has this code.")
        if existing.status is DimensionStatus.ARCHIVED:
            return existing
        vendor_key = derive_key(
            key, operation="erp.archiveProjectDimension", parts=(code, project_code)
        )
        option = await tenant.api.archive_tracking_option(
            category_id, existing.provenance.remote_id, vendor_key
        )
        return m.to_canonical_project_dimension(option, code, self.mapping)

    # --- invoices -------------------------------------------------------------------------

    async def list_invoices(
        self,
        code: str,
        caller: Caller,
        *,
        filters: dict[str, Any],
        cursor: str | None,
        limit: int,
    ) -> Page[Invoice]:
        tenant = await self.tenants.get(code)
        customer = filters.get("customer_number")
        if caller.partner_id is not None:
            if customer not in (None, caller.partner_id):
                return Page[Invoice](items=[], next_cursor=None)
            customer = caller.partner_id
        status: InvoiceStatus | None = filters.get("status")
        changed: datetime | None = filters.get("changed_since")
        page, size = _vendor_page(cursor, limit)
        result = await tenant.api.list_invoices(
            page=page,
            page_size=size,
            statuses=[status.value.upper()] if status else None,
            where=_and(
                _period_where(filters.get("period")),
                f'Contact.ContactNumber=="{customer}"' if customer else None,
            ),
            since=changed.isoformat() if changed else None,
        )
        items = [m.to_canonical_invoice(i, code, self.mapping) for i in result.Invoices]
        return Page[Invoice](items=items, next_cursor=_next_cursor(result.pagination, size))

    async def get_invoice(self, code: str, invoice_id: str, caller: Caller) -> Invoice:
        tenant = await self.tenants.get(code)
        invoice = m.to_canonical_invoice(
            await tenant.api.get_invoice(invoice_id), code, self.mapping
        )
        caller.check_visible(invoice.customer_number)
        return invoice

    async def create_invoice(
        self, code: str, body: InvoiceCreate, caller: Caller, key: str | None
    ) -> Invoice:
        """A new DRAFT invoice with tracked lines."""
        caller.check_visible(body.customer_number)
        tenant = await self.tenants.get(code)
        contact = await self._contact(tenant, body.customer_number)
        if contact is None:
            raise ProblemError(
                "validation-failed",
                "The invoice names a customer the ERP does not know.",
                errors=[ProblemFieldError(detail="unknown customer", pointer="#/customer_number")],
            )
        index = m.dimension_index(await self._categories(tenant), self.mapping)
        payload = m.from_canonical_invoice(body, contact.ContactID, index, self.mapping)
        vendor_key = derive_key(key, operation="erp.createInvoice", parts=(code,))
        created = await tenant.api.create_invoice(payload, vendor_key)
        return m.to_canonical_invoice(created, code, self.mapping)

    async def authorise_invoice(
        self, code: str, invoice_id: str, caller: Caller, key: str | None
    ) -> Invoice:
        """DRAFT → AUTHORISED; authorising an authorised invoice changes nothing."""
        invoice = await self.get_invoice(code, invoice_id, caller)
        if invoice.status is InvoiceStatus.AUTHORISED:
            return invoice
        tenant = await self.tenants.get(code)
        if invoice.issue_date is not None:
            await self._open_for(tenant, invoice.issue_date, "#/issue_date")
        return await self._set_status(tenant, invoice_id, "AUTHORISED", key, "authorise")

    async def void_invoice(
        self, code: str, invoice_id: str, caller: Caller, key: str | None
    ) -> Invoice:
        """Void an authorised invoice (a draft is deleted); voiding twice changes nothing."""
        invoice = await self.get_invoice(code, invoice_id, caller)
        if invoice.status in (InvoiceStatus.VOIDED, InvoiceStatus.DELETED):
            return invoice
        target = m.void_status(invoice.status)
        if target is None:
            raise ProblemError("conflict", "A paid invoice cannot be voided.")
        tenant = await self.tenants.get(code)
        return await self._set_status(tenant, invoice_id, target, key, "void")

    async def _set_status(
        self, tenant: Tenant, invoice_id: str, status: str, key: str | None, action: str
    ) -> Invoice:
        vendor_key = derive_key(key, operation=f"erp.{action}Invoice", parts=(invoice_id,))
        updated = await tenant.api.set_invoice_status(invoice_id, status, vendor_key)
        return m.to_canonical_invoice(updated, tenant.entity.code, self.mapping)

    # --- journals -------------------------------------------------------------------------

    async def list_journals(
        self, code: str, period: str | None, cursor: str | None, limit: int, caller: Caller = FIRM
    ) -> Page[JournalEntry]:
        if caller.partner_id is not None:
            return Page[JournalEntry](items=[], next_cursor=None)
        tenant = await self.tenants.get(code)
        page, size = _vendor_page(cursor, limit)
        result = await tenant.api.list_manual_journals(
            page=page, page_size=size, where=_period_where(period)
        )
        items = [
            m.to_canonical_journal_entry(j, tenant.entity, self.mapping)
            for j in result.ManualJournals
        ]
        return Page[JournalEntry](items=items, next_cursor=_next_cursor(result.pagination, size))

    async def get_journal(self, code: str, journal_id: str, caller: Caller = FIRM) -> JournalEntry:
        _firm_only(caller)
        tenant = await self.tenants.get(code)
        journal = await tenant.api.get_manual_journal(journal_id)
        return m.to_canonical_journal_entry(journal, tenant.entity, self.mapping)

    async def post_journal(
        self, code: str, body: JournalEntryCreate, key: str | None, caller: Caller = FIRM
    ) -> JournalEntry:
        """Post a balanced journal to an open period; anything else never reaches Xero."""
        _firm_only(caller)
        difference = m.imbalance(body)
        if difference != 0:
            raise ProblemError(
                "validation-failed",
                "The journal does not balance: debits must equal credits.",
                errors=[
                    ProblemFieldError(
                        detail=f"debits minus credits is {difference}", pointer="#/lines"
                    )
                ],
                extensions={"imbalance": str(difference)},
            )
        tenant = await self.tenants.get(code)
        await self._open_for(tenant, body.date, "#/date")
        dimensioned = any(
            line.dimensions.cost_centre or line.dimensions.project for line in body.lines
        )
        categories = await self._categories(tenant) if dimensioned else []
        payload = m.from_canonical_journal(body, m.dimension_index(categories, self.mapping))
        vendor_key = derive_key(key, operation="erp.postJournalEntry", parts=(code,))
        created = await tenant.api.create_manual_journal(payload, vendor_key)
        return m.to_canonical_journal_entry(created, tenant.entity, self.mapping)
