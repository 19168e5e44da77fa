"""Canonical ERP records: legal entities, periods, customers, dimensions, invoices, journals.

Business keys: `LegalEntity.code`, `Customer.customer_number`, `CostCentre.code`,
`ProjectDimension.project_code`, `Invoice.invoice_number`. Every tenant-scoped record names
its legal entity, and every record carries its provenance in the ERP.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from contracts.common import Money, Provenance
from contracts.wire import WRITE_CONFIG, WireDate, WireDecimal

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$"
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_CURRENCY = Field(pattern=r"^[A-Z]{3}$", examples=["GBP"])


class _Record(BaseModel):
    """A record read from the ERP: immutable, with provenance."""

    model_config = ConfigDict(frozen=True)

    provenance: Provenance


class _Write(BaseModel):
    """A request body: unknown fields are refused, nothing is coerced."""

    model_config = WRITE_CONFIG


class LegalEntity(_Record):
    """A company of the firm: one ERP organisation with its own books and currency."""

    code: str = Field(description="Business key, e.g. 'UK01'.", examples=["UK01"])
    name: str
    legal_name: str | None = None
    base_currency: str = _CURRENCY
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2.")
    tax_number: str | None = None
    financial_year_end_month: int = Field(ge=1, le=12)
    financial_year_end_day: int = Field(ge=1, le=31)
    lock_date: date | None = Field(
        default=None, description="Nothing dated on or before this day can be posted."
    )


class PeriodStatus(StrEnum):
    """Whether an accounting period still accepts postings."""

    OPEN = "open"
    CLOSED = "closed"


class AccountingPeriod(BaseModel):
    """One calendar month of a legal entity's books; closed when on or before the lock date."""

    model_config = ConfigDict(frozen=True)

    legal_entity: str
    period: str = Field(pattern=PERIOD_PATTERN, examples=["2026-09"])
    start_date: date
    end_date: date
    fiscal_year: int = Field(description="The calendar year in which the financial year ends.")
    status: PeriodStatus


class CustomerStatus(StrEnum):
    """Whether a customer can be invoiced."""

    ACTIVE = "active"
    ARCHIVED = "archived"


class Customer(_Record):
    """A customer of one legal entity, keyed by its customer number."""

    customer_number: str = Field(examples=["C-0001"])
    legal_entity: str
    name: str
    email: str | None = None
    tax_number: str | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    status: CustomerStatus


class CustomerUpsert(_Write):
    """Create or update a customer by customer number; omitted fields stay as they are."""

    name: str = Field(min_length=1, max_length=255)
    email: str | None = Field(default=None, max_length=255)
    tax_number: str | None = Field(default=None, max_length=50)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    status: Annotated[CustomerStatus, Strict(False)] | None = None


class DimensionStatus(StrEnum):
    """Whether a dimension value can be used on new postings."""

    ACTIVE = "active"
    ARCHIVED = "archived"


class TrackingOption(BaseModel):
    """One value of a tracking dimension."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    status: DimensionStatus


class TrackingCategory(_Record):
    """An accounting dimension of one legal entity and its values."""

    id: str
    legal_entity: str
    name: str
    role: str | None = Field(
        default=None, description="What Atrium uses it for: 'cost_centre', 'project' or none."
    )
    status: DimensionStatus
    options: list[TrackingOption]


class CostCentre(_Record):
    """A cost centre: one value of the legal entity's cost-centre dimension."""

    code: str = Field(examples=["CC-100"])
    legal_entity: str
    name: str
    status: DimensionStatus


class ProjectDimension(_Record):
    """A project as an accounting dimension value of one legal entity."""

    project_code: str = Field(examples=["PRJ-0001"])
    legal_entity: str
    name: str
    status: DimensionStatus


class ProjectDimensionUpsert(_Write):
    """Ensure a project dimension value exists; the name is taken when it is created."""

    name: str = Field(min_length=1, max_length=80)


class Dimensions(BaseModel):
    """Accounting dimensions of one line: cost centre and project codes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cost_centre: str | None = Field(default=None, pattern=CODE_PATTERN)
    project: str | None = Field(default=None, pattern=CODE_PATTERN)


class InvoiceStatus(StrEnum):
    """An invoice's place in its workflow: draft → authorised → paid, or voided/deleted."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AUTHORISED = "authorised"
    PAID = "paid"
    VOIDED = "voided"
    DELETED = "deleted"


class InvoiceLine(BaseModel):
    """One invoice line with its dimensions."""

    model_config = ConfigDict(frozen=True)

    description: str
    quantity: Decimal
    unit_price: Money
    amount: Money
    account_code: str | None = None
    dimensions: Dimensions


class Invoice(_Record):
    """A sales invoice of one legal entity to one customer."""

    id: str
    invoice_number: str | None = None
    legal_entity: str
    customer_number: str | None = None
    reference: str | None = None
    status: InvoiceStatus
    issue_date: date | None = None
    due_date: date | None = None
    currency: str = _CURRENCY
    lines: list[InvoiceLine]
    subtotal: Money
    tax: Money
    total: Money
    amount_due: Money


class InvoiceLineCreate(_Write):
    """One line of a new invoice."""

    description: str = Field(min_length=1, max_length=4000)
    quantity: WireDecimal = Field(gt=0, max_digits=14, decimal_places=4)
    unit_price: WireDecimal = Field(ge=0, max_digits=14, decimal_places=4)
    account_code: str | None = Field(default=None, max_length=10)
    dimensions: Dimensions = Field(default_factory=Dimensions)


class InvoiceCreate(_Write):
    """A new draft sales invoice."""

    customer_number: str = Field(min_length=1, max_length=50)
    invoice_number: str | None = Field(default=None, min_length=1, max_length=255)
    reference: str | None = Field(default=None, max_length=255)
    issue_date: WireDate
    due_date: WireDate
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    lines: list[InvoiceLineCreate] = Field(min_length=1, max_length=200)


class JournalStatus(StrEnum):
    """A manual journal's state in the ledger."""

    DRAFT = "draft"
    POSTED = "posted"
    VOIDED = "voided"
    DELETED = "deleted"
    ARCHIVED = "archived"


class JournalSide(StrEnum):
    """Which side of the ledger a journal line is on."""

    DEBIT = "debit"
    CREDIT = "credit"


class JournalLine(BaseModel):
    """One line of a journal entry: a positive amount on one side of one account."""

    model_config = ConfigDict(frozen=True)

    account_code: str
    side: JournalSide
    amount: Money
    description: str | None = None
    dimensions: Dimensions


class JournalEntry(_Record):
    """A manual journal of one legal entity; its debits equal its credits."""

    id: str
    legal_entity: str
    date: date
    narration: str
    status: JournalStatus
    lines: list[JournalLine]


class JournalLineCreate(_Write):
    """One line of a new journal entry."""

    account_code: str = Field(min_length=1, max_length=10)
    side: Annotated[JournalSide, Strict(False)]
    amount: WireDecimal = Field(gt=0, max_digits=14, decimal_places=2)
    description: str | None = Field(default=None, max_length=500)
    dimensions: Dimensions = Field(default_factory=Dimensions)


class JournalEntryCreate(_Write):
    """A journal to post; it must balance and fall in an open period."""

    date: WireDate
    narration: str = Field(min_length=1, max_length=500)
    lines: list[JournalLineCreate] = Field(min_length=2, max_length=200)
