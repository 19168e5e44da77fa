"""Stripe ↔ canonical billing records: pure functions driven by policies/mappings/billing.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict

from contracts.billing import (
    Customer,
    CustomerUpsert,
    Invoice,
    InvoiceCreate,
    InvoiceItem,
    InvoiceItemCreate,
    InvoiceLine,
    InvoiceStatus,
    InvoiceStatusView,
    Period,
    TaxTreatment,
)
from contracts.common import Money, Provenance
from contracts.problems import ProblemError, ProblemFieldError
from system_apis._kit.errors import SchemaDriftError
from system_apis.billing.connector.models import (
    StripeCustomer,
    StripeInvoice,
    StripeInvoiceItem,
    StripeLineItem,
    StripePeriod,
)

SYSTEM = "stripe"
Form = dict[str, str]


class MetadataKeys(BaseModel):
    """Stripe metadata keys holding canonical fields Stripe has no column for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_number: str
    legal_entity: str
    payment_terms_days: str
    project_code: str
    billing_period: str
    quantity: str
    unit_price: str


class CurrencyExponent(BaseModel):
    """Digits after the decimal point per currency (Stripe's minor units)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: int
    overrides: dict[str, int]


class InvoiceDefaults(BaseModel):
    """How the invoices we create are collected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    collection_method: str
    auto_advance: bool


class BillingMapping(BaseModel):
    """policies/mappings/billing.yaml, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vendor: str
    metadata_keys: MetadataKeys
    invoice_status: dict[str, InvoiceStatus]
    tax_treatment: dict[str, TaxTreatment]
    currency_exponent: CurrencyExponent
    invoice_defaults: InvoiceDefaults
    default_payment_terms_days: int
    error_pointers: dict[str, dict[str, str]]
    sensitive: dict[str, str]

    def exponent(self, currency: str) -> int:
        """Minor-unit digits of an ISO 4217 currency (any case)."""
        return self.currency_exponent.overrides.get(
            currency.upper(), self.currency_exponent.default
        )

    def pointers_for(self, path: str) -> dict[str, str]:
        """Stripe param → our pointer, for the resource a Stripe path addresses."""
        resource = path.removeprefix("/v1/").split("/", 1)[0]
        return self.error_pointers.get(resource, {})

    def may_see(self, field: str, scopes: frozenset[str]) -> bool:
        """Whether a caller holding `scopes` may see `object.field`."""
        needed = self.sensitive.get(field)
        return needed is None or needed in scopes


def load_billing_mapping(raw: Mapping[str, Any]) -> BillingMapping:
    """The mapping policy from its parsed YAML."""
    return BillingMapping.model_validate(raw)


# --- money and time ---------------------------------------------------------------------


def to_money(minor: int, currency: str, m: BillingMapping) -> Money:
    """Stripe minor units → Decimal money (`1234` usd → 12.34 USD)."""
    exp = m.exponent(currency)
    return Money(
        amount=Decimal(minor).scaleb(-exp).quantize(Decimal(1).scaleb(-exp)),
        currency=currency.upper(),
    )


def to_minor_units(money: Money, m: BillingMapping, *, pointer: str) -> int:
    """Decimal money → Stripe minor units; refuses amounts finer than the currency allows."""
    scaled = money.amount.scaleb(m.exponent(money.currency))
    if scaled != scaled.to_integral_value():
        raise ProblemError(
            "validation-failed",
            "The amount has more decimal places than its currency allows.",
            errors=[ProblemFieldError(detail="too many decimal places", pointer=pointer)],
        )
    return int(scaled)


def to_day(timestamp: int) -> date:
    """A Unix timestamp → its UTC calendar day."""
    return datetime.fromtimestamp(timestamp, UTC).date()


def to_date(timestamp: int | None) -> date | None:
    """An optional Unix timestamp → its UTC calendar day."""
    return None if timestamp is None else to_day(timestamp)


def to_datetime(timestamp: int | None) -> datetime | None:
    """A Unix timestamp → an aware UTC datetime."""
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


def from_date(day: date) -> int:
    """A calendar day → the Unix timestamp of its UTC midnight."""
    return int(datetime.combine(day, time(), UTC).timestamp())


def to_period(period: StripePeriod) -> Period:
    """Stripe's period (Unix seconds) → canonical days."""
    start = to_day(period.start)
    return Period(start=start, end=max(start, to_day(period.end)))


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None  # metadata is free text in Stripe's dashboard: ignore what is not ours


def _provenance(remote_id: str, created: int) -> Provenance:
    return Provenance(system=SYSTEM, remote_id=remote_id, modified_at=to_datetime(created))


# --- customers --------------------------------------------------------------------------


def to_canonical_customer(
    c: StripeCustomer, m: BillingMapping, *, scopes: frozenset[str]
) -> Customer:
    """A Stripe customer → Customer; balance hidden without its scope."""
    keys = m.metadata_keys
    currency = c.currency.upper() if c.currency else None
    balance = None
    if currency is not None and m.may_see("customer.balance", scopes):
        balance = to_money(c.balance, currency, m)
    return Customer(
        customer_number=c.metadata.get(keys.customer_number),
        name=c.name,
        email=c.email,
        currency=currency,
        legal_entity=c.metadata.get(keys.legal_entity),
        payment_terms_days=payment_terms(c, m),
        tax_treatment=m.tax_treatment[c.tax_exempt or "none"],
        balance=balance,
        provenance=_provenance(c.id, c.created),
    )


def from_canonical_customer(number: str, body: CustomerUpsert, m: BillingMapping) -> Form:
    """A customer upsert → Stripe form fields; empty strings clear fields (Stripe's rule)."""
    keys = m.metadata_keys
    tax_exempt = {v: k for k, v in m.tax_treatment.items()}[body.tax_treatment]
    return {
        "name": body.name,
        "email": body.email or "",
        "tax_exempt": tax_exempt,
        f"metadata[{keys.customer_number}]": number,
        f"metadata[{keys.legal_entity}]": body.legal_entity or "",
        f"metadata[{keys.payment_terms_days}]": (
            "" if body.payment_terms_days is None else str(body.payment_terms_days)
        ),
    }


def payment_terms(c: StripeCustomer, m: BillingMapping) -> int | None:
    """The customer's payment terms in days, from metadata (None when absent or not a number)."""
    text = c.metadata.get(m.metadata_keys.payment_terms_days, "")
    return int(text) if text.isdigit() else None


def customer_search_query(number: str, m: BillingMapping) -> str:
    """Stripe Search Query Language for the customer with this customer number."""
    return f"metadata['{m.metadata_keys.customer_number}']:'{number}'"


# --- invoice items ----------------------------------------------------------------------


def to_canonical_invoice_item(
    ii: StripeInvoiceItem, m: BillingMapping, *, customer_numbers: Mapping[str, str]
) -> InvoiceItem:
    """A Stripe invoice item → InvoiceItem (customer number from metadata, else the lookup)."""
    keys, meta = m.metadata_keys, ii.metadata or {}
    unit = _decimal(meta.get(keys.unit_price))
    return InvoiceItem(
        id=ii.id,
        customer_number=meta.get(keys.customer_number) or customer_numbers.get(ii.customer),
        invoice_id=ii.invoice,
        description=ii.description,
        amount=to_money(ii.amount, ii.currency, m),
        quantity=_decimal(meta.get(keys.quantity)),
        unit_price=None if unit is None else Money(amount=unit, currency=ii.currency.upper()),
        period=to_period(ii.period),
        project_code=meta.get(keys.project_code),
        provenance=_provenance(ii.id, ii.date),
    )


def from_canonical_invoice_item(
    body: InvoiceItemCreate, m: BillingMapping, *, customer_id: str
) -> Form:
    """An invoice item create → Stripe form fields (amount in minor units, extras in metadata)."""
    keys = m.metadata_keys
    form: Form = {
        "customer": customer_id,
        "amount": str(to_minor_units(body.amount, m, pointer="#/amount/amount")),
        "currency": body.amount.currency.lower(),
        "description": body.description,
        f"metadata[{keys.customer_number}]": body.customer_number,
    }
    if body.invoice_id is not None:
        form["invoice"] = body.invoice_id
    if body.period is not None:
        form["period[start]"] = str(from_date(body.period.start))
        form["period[end]"] = str(from_date(body.period.end))
    optional = {
        keys.project_code: body.project_code,
        keys.quantity: None if body.quantity is None else str(body.quantity),
        keys.unit_price: None if body.unit_price is None else str(body.unit_price.amount),
    }
    form.update({f"metadata[{k}]": v for k, v in optional.items() if v is not None})
    return form


# --- invoices ---------------------------------------------------------------------------


def to_canonical_status(status: str, m: BillingMapping) -> InvoiceStatus:
    """Stripe's invoice status → InvoiceStatus; an unknown one is drift, not a guess."""
    try:
        return m.invoice_status[status]
    except KeyError:
        raise SchemaDriftError(SYSTEM, "invoice", ["status"]) from None


def to_canonical_line(line: StripeLineItem, m: BillingMapping) -> InvoiceLine:
    """A Stripe invoice line → InvoiceLine."""
    return InvoiceLine(
        id=line.id,
        invoice_item_id=line.invoice_item,
        description=line.description,
        amount=to_money(line.amount, line.currency, m),
        period=to_period(line.period),
        project_code=line.metadata.get(m.metadata_keys.project_code),
    )


def to_canonical_invoice(
    inv: StripeInvoice, m: BillingMapping, *, customer_numbers: Mapping[str, str]
) -> Invoice:
    """A Stripe invoice → Invoice (money from minor units, business keys from metadata)."""
    keys, meta, cur = m.metadata_keys, inv.metadata or {}, inv.currency
    moments = inv.status_transitions
    return Invoice(
        id=inv.id,
        invoice_number=inv.number,
        customer_number=meta.get(keys.customer_number) or customer_numbers.get(inv.customer),
        status=to_canonical_status(inv.status, m),
        currency=cur.upper(),
        description=inv.description,
        subtotal=to_money(inv.subtotal, cur, m),
        total=to_money(inv.total, cur, m),
        amount_due=to_money(inv.amount_due, cur, m),
        amount_paid=to_money(inv.amount_paid, cur, m),
        amount_remaining=to_money(inv.amount_remaining, cur, m),
        due_date=to_date(inv.due_date),
        project_code=meta.get(keys.project_code),
        billing_period=meta.get(keys.billing_period),
        finalized_at=to_datetime(moments.finalized_at),
        paid_at=to_datetime(moments.paid_at),
        voided_at=to_datetime(moments.voided_at),
        lines=[to_canonical_line(line, m) for line in inv.lines.data],
        lines_complete=not inv.lines.has_more,
        provenance=_provenance(inv.id, inv.created),
    )


def from_canonical_invoice(
    body: InvoiceCreate, m: BillingMapping, *, customer: StripeCustomer
) -> Form:
    """A draft invoice create → Stripe form fields (terms: the request's, else the customer's)."""
    keys, defaults = m.metadata_keys, m.invoice_defaults
    days = body.days_until_due
    if days is None:
        terms = payment_terms(customer, m)
        days = m.default_payment_terms_days if terms is None else terms
    form: Form = {
        "customer": customer.id,
        "collection_method": defaults.collection_method,
        "auto_advance": str(defaults.auto_advance).lower(),
        "pending_invoice_items_behavior": "include" if body.include_pending_items else "exclude",
        f"metadata[{keys.customer_number}]": body.customer_number,
    }
    if defaults.collection_method == "send_invoice":
        form["days_until_due"] = str(days)
    optional = {
        "currency": None if body.currency is None else body.currency.lower(),
        "description": body.description,
        f"metadata[{keys.project_code}]": body.project_code,
        f"metadata[{keys.billing_period}]": body.billing_period,
    }
    form.update({k: v for k, v in optional.items() if v is not None})
    return form


def to_status_view(invoice: Invoice) -> InvoiceStatusView:
    """The status part of an invoice."""
    return InvoiceStatusView(
        id=invoice.id,
        invoice_number=invoice.invoice_number,
        status=invoice.status,
        amount_due=invoice.amount_due,
        amount_paid=invoice.amount_paid,
        amount_remaining=invoice.amount_remaining,
        finalized_at=invoice.finalized_at,
        paid_at=invoice.paid_at,
        voided_at=invoice.voided_at,
    )
