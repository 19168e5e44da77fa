"""Canonical billing records: customers, invoice items and invoices (draft → open → paid/void).

Business keys: a customer is addressed by `customer_number` (the firm's own number, shared with
the ERP and the PSA); an invoice carries the customer's number and, when it bills a project,
`(project_code, billing_period)`. `invoice_number` exists only once an invoice is finalized.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, Strict, model_validator

from contracts.common import Money, Provenance
from contracts.wire import WRITE_CONFIG, WireDate, WireDecimal

CustomerNumber = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="The firm's customer number (business key).",
        examples=["C-0001"],
    ),
]
BillingPeriod = Annotated[
    str,
    Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Calendar month billed, YYYY-MM."),
]
ProjectCode = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"])]
RemoteId = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_]+$")]


class TaxTreatment(StrEnum):
    """How invoices to the customer are taxed."""

    STANDARD = "standard"
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"


class InvoiceStatus(StrEnum):
    """Where an invoice is in its life: draft → open (finalized) → paid, void or uncollectible."""

    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class Period(BaseModel):
    """An inclusive range of days a charge covers."""

    model_config = WRITE_CONFIG

    start: WireDate
    end: WireDate

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("period end is before its start")
        return self


class Customer(BaseModel):
    """A customer account in the billing platform."""

    customer_number: str | None = Field(
        description="Null for an account created outside Atrium that has no number yet."
    )
    name: str | None = None
    email: str | None = None
    currency: Currency | None = Field(
        default=None, description="Set by the platform once the customer is first billed."
    )
    legal_entity: str | None = Field(default=None, description="Legal entity code billing it.")
    payment_terms_days: int | None = None
    tax_treatment: TaxTreatment = TaxTreatment.STANDARD
    balance: Money | None = Field(
        default=None,
        description="Credit (negative) or amount owed (positive) carried to the next invoice; "
        "null without the billing.balances:read scope.",
    )
    provenance: Provenance


class CustomerUpsert(BaseModel):
    """Create or update a customer, addressed by its customer number."""

    model_config = WRITE_CONFIG

    name: str = Field(min_length=1, max_length=256)
    email: str | None = Field(default=None, max_length=512, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    legal_entity: str | None = Field(default=None, min_length=1, max_length=64)
    payment_terms_days: int | None = Field(default=None, ge=0, le=365, strict=True)
    tax_treatment: Annotated[TaxTreatment, Strict(False)] = TaxTreatment.STANDARD


class InvoiceItem(BaseModel):
    """One charge for a customer, pending (no invoice yet) or on an invoice."""

    id: str
    customer_number: str | None
    invoice_id: str | None = None
    description: str | None = None
    amount: Money
    quantity: Decimal | None = Field(default=None, description="E.g. hours billed.")
    unit_price: Money | None = None
    period: Period | None = None
    project_code: str | None = None
    provenance: Provenance


class InvoiceItemCreate(BaseModel):
    """A charge to bill: to the customer's next invoice, or onto a draft invoice."""

    model_config = WRITE_CONFIG

    customer_number: CustomerNumber
    amount: Money
    description: str = Field(min_length=1, max_length=500)
    invoice_id: RemoteId | None = Field(default=None, description="A draft invoice to add it to.")
    quantity: WireDecimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=4)
    unit_price: Money | None = None
    period: Period | None = None
    project_code: ProjectCode | None = None

    @model_validator(mode="after")
    def _consistent(self) -> InvoiceItemCreate:
        if self.amount.amount <= 0:
            raise ValueError("amount must be positive")
        if self.unit_price is not None and self.unit_price.currency != self.amount.currency:
            raise ValueError("unit_price and amount must share a currency")
        return self


class InvoiceLine(BaseModel):
    """One line of an invoice."""

    id: str
    invoice_item_id: str | None = None
    description: str | None = None
    amount: Money
    period: Period | None = None
    project_code: str | None = None


class Invoice(BaseModel):
    """An invoice and its totals; `invoice_number` appears when it is finalized."""

    id: str
    invoice_number: str | None = None
    customer_number: str | None
    status: InvoiceStatus
    currency: Currency
    description: str | None = None
    subtotal: Money
    total: Money
    amount_due: Money
    amount_paid: Money
    amount_remaining: Money
    due_date: date | None = None
    project_code: str | None = None
    billing_period: str | None = None
    finalized_at: datetime | None = None
    paid_at: datetime | None = None
    voided_at: datetime | None = None
    lines: list[InvoiceLine] = Field(default_factory=list)
    lines_complete: bool = Field(
        default=True, description="False when the invoice has more lines than were fetched."
    )
    provenance: Provenance


class InvoiceCreate(BaseModel):
    """A draft invoice for a customer, optionally sweeping in its pending invoice items."""

    model_config = WRITE_CONFIG

    customer_number: CustomerNumber
    currency: Currency | None = Field(
        default=None, description="Defaults to the customer's currency."
    )
    description: str | None = Field(default=None, max_length=500)
    days_until_due: int | None = Field(
        default=None, ge=0, le=365, description="Defaults to the customer's payment terms."
    )
    include_pending_items: bool = True
    project_code: ProjectCode | None = None
    billing_period: BillingPeriod | None = None


class InvoiceStatusView(BaseModel):
    """Where an invoice stands: status, number and what is still owed."""

    id: str
    invoice_number: str | None
    status: InvoiceStatus
    amount_due: Money
    amount_paid: Money
    amount_remaining: Money
    finalized_at: datetime | None = None
    paid_at: datetime | None = None
    voided_at: datetime | None = None
