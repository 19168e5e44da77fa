"""Stripe payloads, as the connector reads them (only the fields we rely on are required)."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class StripeModel(BaseModel):
    """Stripe objects grow fields over API versions: unknown ones are tolerated."""

    model_config = ConfigDict(extra="ignore")


class StripePeriod(StripeModel):
    start: int
    end: int


class StripeCustomer(StripeModel):
    id: str
    object: Literal["customer"]
    created: int
    name: str | None = None
    email: str | None = None
    currency: str | None = None
    balance: int = 0
    tax_exempt: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    deleted: bool = False


class StripeInvoiceItem(StripeModel):
    id: str
    object: Literal["invoiceitem"]
    amount: int
    currency: str
    customer: str
    date: int
    description: str | None = None
    invoice: str | None = None
    period: StripePeriod
    quantity: int = 1
    metadata: dict[str, str] | None = None


class StripeLineItem(StripeModel):
    id: str
    object: Literal["line_item"]
    amount: int
    currency: str
    description: str | None = None
    invoice_item: str | None = None
    period: StripePeriod
    metadata: dict[str, str] = Field(default_factory=dict)


class StripeList(StripeModel, Generic[T]):
    object: Literal["list"]
    data: list[T]
    has_more: bool
    url: str


class StripeSearchResult(StripeModel, Generic[T]):
    object: Literal["search_result"]
    data: list[T]
    has_more: bool
    next_page: str | None = None


class StripeStatusTransitions(StripeModel):
    finalized_at: int | None = None
    paid_at: int | None = None
    voided_at: int | None = None
    marked_uncollectible_at: int | None = None


class StripeInvoice(StripeModel):
    id: str
    object: Literal["invoice"]
    customer: str
    status: str
    currency: str
    number: str | None = None
    description: str | None = None
    subtotal: int
    total: int
    amount_due: int
    amount_paid: int
    amount_remaining: int
    due_date: int | None = None
    created: int
    status_transitions: StripeStatusTransitions
    lines: StripeList[StripeLineItem]
    metadata: dict[str, str] | None = None


class StripeErrorDetail(StripeModel):
    type: str
    code: str | None = None
    message: str | None = None
    param: str | None = None


class StripeErrorBody(StripeModel):
    error: StripeErrorDetail
