"""Xero payloads <-> canonical ERP records: pure functions driven by policies/mappings/erp.yaml."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from contracts.common import Money, Provenance
from contracts.erp import (
    AccountingPeriod,
    CostCentre,
    Customer,
    CustomerStatus,
    CustomerUpsert,
    Dimensions,
    DimensionStatus,
    Invoice,
    InvoiceCreate,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    JournalEntryCreate,
    JournalLine,
    JournalSide,
    JournalStatus,
    LegalEntity,
    PeriodStatus,
    ProjectDimension,
    TrackingCategory,
    TrackingOption,
)
from contracts.problems import ProblemError, ProblemFieldError
from system_apis.erp.connector.models import (
    XeroContact,
    XeroInvoice,
    XeroLineTracking,
    XeroManualJournal,
    XeroOrganisation,
    XeroTrackingCategory,
    XeroTrackingOption,
)

SYSTEM = "xero"
CENT = Decimal("0.01")
DIMENSION_ROLES = ("cost_centre", "project")
_MS_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?P<offset>[+-]\d{4})?\)/$")


@dataclass(frozen=True, slots=True)
class ErpMapping:
    """policies/mappings/erp.yaml, validated into the few settings mapping needs."""

    legal_entity_by_currency: Mapping[str, str]
    categories: Mapping[str, str]
    option_pattern: re.Pattern[str]
    option_format: str
    invoice_type: str
    line_amount_types: str
    default_account_code: str
    lock_dates: tuple[str, ...]

    @classmethod
    def from_policy(cls, policy: Mapping[str, Any]) -> ErpMapping:
        categories = dict(policy["tracking_categories"])
        if set(categories) != set(DIMENSION_ROLES):
            raise ValueError(f"tracking_categories must name exactly {DIMENSION_ROLES}")
        invoices = policy["invoices"]
        return cls(
            legal_entity_by_currency=dict(policy["legal_entity_by_currency"]),
            categories=categories,
            option_pattern=re.compile(policy["option_name"]["pattern"]),
            option_format=policy["option_name"]["format"],
            invoice_type=invoices["type"],
            line_amount_types=invoices["line_amount_types"],
            default_account_code=str(invoices["default_account_code"]),
            lock_dates=tuple(policy["lock_dates"]),
        )

    def role_of(self, category_name: str) -> str | None:
        """'cost_centre', 'project' or None for a tracking category name."""
        for role, name in self.categories.items():
            if name.casefold() == category_name.casefold():
                return role
        return None


# --- dates --------------------------------------------------------------------------------


def parse_xero_datetime(value: str) -> datetime:
    """A Xero timestamp: '/Date(1518685950940+0000)/' (JSON responses) or ISO 8601."""
    match = _MS_DATE.match(value)
    if match is None:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    # The offset only says how the sender displays it; the milliseconds are UTC already.
    return datetime.fromtimestamp(int(match["ms"]) / 1000, tz=UTC)


def parse_xero_date(value: str) -> date:
    """A Xero date field (an MS date at UTC midnight, or ISO) as a calendar date."""
    return parse_xero_datetime(value).date()


def optional_date(value: str | None) -> date | None:
    """A date field Xero may leave out or send empty."""
    return parse_xero_date(value) if value else None


def provenance(remote_id: str, updated: str | None) -> Provenance:
    """Where a record came from in Xero; the update stamp doubles as its version."""
    return Provenance(
        system=SYSTEM,
        remote_id=remote_id,
        version=updated,
        modified_at=parse_xero_datetime(updated) if updated else None,
    )


# --- legal entities and periods -----------------------------------------------------------


def lock_date(org: XeroOrganisation, mapping: ErpMapping) -> date | None:
    """The last day that can no longer be posted to: the latest configured lock date."""
    dates = [optional_date(getattr(org, name, None)) for name in mapping.lock_dates]
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def to_canonical_legal_entity(org: XeroOrganisation, mapping: ErpMapping) -> LegalEntity:
    """A Xero organisation as the legal entity it books for."""
    code = mapping.legal_entity_by_currency.get(org.BaseCurrency) or org.ShortCode
    return LegalEntity(
        code=code or org.OrganisationID,
        name=org.Name,
        legal_name=org.LegalName,
        base_currency=org.BaseCurrency,
        country=org.CountryCode,
        tax_number=org.TaxNumber,
        financial_year_end_month=org.FinancialYearEndMonth,
        financial_year_end_day=org.FinancialYearEndDay,
        lock_date=lock_date(org, mapping),
        provenance=provenance(org.OrganisationID, None),
    )


def fiscal_year_of(entity: LegalEntity, day: date) -> int:
    """The financial year `day` falls in, named by the calendar year it ends in."""
    return day.year if day.month <= entity.financial_year_end_month else day.year + 1


def is_locked(entity: LegalEntity, day: date) -> bool:
    """Whether the books of `entity` refuse postings dated `day`."""
    return entity.lock_date is not None and day <= entity.lock_date


def to_canonical_accounting_period(entity: LegalEntity, day: date) -> AccountingPeriod:
    """The monthly accounting period containing `day`; closed once its last day is locked."""
    start = day.replace(day=1)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return AccountingPeriod(
        legal_entity=entity.code,
        period=f"{start:%Y-%m}",
        start_date=start,
        end_date=end,
        fiscal_year=fiscal_year_of(entity, start),
        status=PeriodStatus.CLOSED if is_locked(entity, end) else PeriodStatus.OPEN,
    )


def accounting_periods(entity: LegalEntity, fiscal_year: int) -> list[AccountingPeriod]:
    """The twelve monthly periods of one financial year, in order."""
    month = date(fiscal_year - 1, entity.financial_year_end_month, 1)
    periods = []
    for _ in range(12):
        month = (month + timedelta(days=32)).replace(day=1)
        periods.append(to_canonical_accounting_period(entity, month))
    return periods


# --- customers ----------------------------------------------------------------------------


def to_canonical_customer(contact: XeroContact, legal_entity: str) -> Customer | None:
    """A Xero contact as a customer; None for contacts without a customer number."""
    if not contact.ContactNumber:
        return None
    archived = contact.ContactStatus.upper() != "ACTIVE"
    return Customer(
        customer_number=contact.ContactNumber,
        legal_entity=legal_entity,
        name=contact.Name,
        email=contact.EmailAddress or None,
        tax_number=contact.TaxNumber or None,
        currency=contact.DefaultCurrency,
        status=CustomerStatus.ARCHIVED if archived else CustomerStatus.ACTIVE,
        provenance=provenance(contact.ContactID, contact.UpdatedDateUTC),
    )


def from_canonical_customer(
    customer_number: str, upsert: CustomerUpsert, existing: XeroContact | None
) -> dict[str, Any]:
    """The Xero contact body creating or updating a customer (only fields given are sent)."""
    body: dict[str, Any] = {"ContactNumber": customer_number, "Name": upsert.name}
    if existing is not None:
        body["ContactID"] = existing.ContactID
    optional = {
        "EmailAddress": upsert.email,
        "TaxNumber": upsert.tax_number,
        "DefaultCurrency": upsert.currency,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    if upsert.status is not None:
        body["ContactStatus"] = upsert.status.value.upper()
    return body


def changed_customer_fields(customer: Customer, upsert: CustomerUpsert) -> set[str]:
    """The canonical attributes an upsert would change on an existing customer."""
    given = upsert.model_dump(exclude_none=True)
    return {name for name, value in given.items() if getattr(customer, name) != value}


# --- tracking: cost centres and projects --------------------------------------------------


def split_option_name(name: str, mapping: ErpMapping) -> tuple[str, str]:
    """(code, name) from a tracking option name; an unpatterned name is both."""
    match = mapping.option_pattern.match(name)
    if match is None:
        return name, name
    return match["code"], match["name"]


def option_name(code: str, name: str, mapping: ErpMapping) -> str:
    """The tracking option name for a dimension value (Xero allows 100 characters)."""
    return mapping.option_format.format(code=code, name=name)[:100]


def _status(value: str) -> DimensionStatus:
    return DimensionStatus.ACTIVE if value.upper() == "ACTIVE" else DimensionStatus.ARCHIVED


def to_canonical_tracking_category(
    category: XeroTrackingCategory, legal_entity: str, mapping: ErpMapping
) -> TrackingCategory:
    """A Xero tracking category with its options, tagged with the role Atrium gives it."""
    return TrackingCategory(
        id=category.TrackingCategoryID,
        legal_entity=legal_entity,
        name=category.Name,
        role=mapping.role_of(category.Name),
        status=_status(category.Status),
        options=[
            TrackingOption(id=o.TrackingOptionID, name=o.Name, status=_status(o.Status))
            for o in category.Options
        ],
        provenance=provenance(category.TrackingCategoryID, None),
    )


def to_canonical_cost_centre(
    option: XeroTrackingOption, legal_entity: str, mapping: ErpMapping
) -> CostCentre:
    """A cost-centre tracking option as a cost centre."""
    code, name = split_option_name(option.Name, mapping)
    return CostCentre(
        code=code,
        legal_entity=legal_entity,
        name=name,
        status=_status(option.Status),
        provenance=provenance(option.TrackingOptionID, None),
    )


def to_canonical_project_dimension(
    option: XeroTrackingOption, legal_entity: str, mapping: ErpMapping
) -> ProjectDimension:
    """A project tracking option as a project dimension value."""
    code, name = split_option_name(option.Name, mapping)
    return ProjectDimension(
        project_code=code,
        legal_entity=legal_entity,
        name=name,
        status=_status(option.Status),
        provenance=provenance(option.TrackingOptionID, None),
    )


@dataclass(frozen=True, slots=True)
class DimensionIndex:
    """Per role, the category name and the option name for each code (one tenant)."""

    category_names: Mapping[str, str]
    option_names: Mapping[str, Mapping[str, str]]


def dimension_index(categories: list[XeroTrackingCategory], mapping: ErpMapping) -> DimensionIndex:
    """What tracking a line needs for each dimension code, from the tenant's categories."""
    names: dict[str, str] = {}
    options: dict[str, dict[str, str]] = {role: {} for role in DIMENSION_ROLES}
    for category in categories:
        role = mapping.role_of(category.Name)
        if role is None or category.Status.upper() != "ACTIVE":
            continue
        names[role] = category.Name
        for option in category.Options:
            if option.Status.upper() == "ACTIVE":
                options[role][split_option_name(option.Name, mapping)[0]] = option.Name
    return DimensionIndex(category_names=names, option_names=options)


def to_tracking(
    dimensions: Dimensions, index: DimensionIndex, pointer: str
) -> list[dict[str, str]]:
    """Xero line tracking for a line's dimensions; unknown codes → 422 with pointers."""
    tracking, errors = [], []
    for role in DIMENSION_ROLES:
        code = getattr(dimensions, role)
        if code is None:
            continue
        option = index.option_names.get(role, {}).get(code)
        if option is None:
            errors.append(ProblemFieldError(detail=f"unknown {role}", pointer=f"{pointer}/{role}"))
            continue
        tracking.append({"Name": index.category_names[role], "Option": option})
    if errors:
        raise ProblemError("validation-failed", "Unknown dimension values.", errors=errors)
    return tracking


def from_tracking(tracking: list[XeroLineTracking], mapping: ErpMapping) -> Dimensions:
    """A line's dimensions from its Xero tracking (categories Atrium does not use are dropped)."""
    codes: dict[str, str] = {}
    for item in tracking:
        role = mapping.role_of(item.Name)
        if role is not None:
            codes[role] = split_option_name(item.Option, mapping)[0]
    return Dimensions(**codes)


# --- invoices -----------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> Money:
    # Xero's JSON numbers lose trailing zeros (2550.0); money reads with at least 2 places.
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(CENT)
    return Money(amount=amount, currency=currency)


def to_canonical_invoice(invoice: XeroInvoice, legal_entity: str, mapping: ErpMapping) -> Invoice:
    """A Xero invoice as a canonical invoice with dimensioned lines."""
    currency = invoice.CurrencyCode
    lines = [
        InvoiceLine(
            description=item.Description or "",
            quantity=item.Quantity,
            unit_price=_money(item.UnitAmount, currency),
            amount=_money(item.LineAmount, currency),
            account_code=item.AccountCode,
            dimensions=from_tracking(item.Tracking, mapping),
        )
        for item in invoice.LineItems
    ]
    return Invoice(
        id=invoice.InvoiceID,
        invoice_number=invoice.InvoiceNumber or None,
        legal_entity=legal_entity,
        customer_number=invoice.Contact.ContactNumber,
        reference=invoice.Reference or None,
        status=InvoiceStatus(invoice.Status.lower()),
        issue_date=optional_date(invoice.Date),
        due_date=optional_date(invoice.DueDate),
        currency=currency,
        lines=lines,
        subtotal=_money(invoice.SubTotal, currency),
        tax=_money(invoice.TotalTax, currency),
        total=_money(invoice.Total, currency),
        amount_due=_money(invoice.AmountDue, currency),
        provenance=provenance(invoice.InvoiceID, invoice.UpdatedDateUTC),
    )


def from_canonical_invoice(
    create: InvoiceCreate, contact_id: str, index: DimensionIndex, mapping: ErpMapping
) -> dict[str, Any]:
    """The Xero body of a new DRAFT invoice (JSON numbers on the wire, exact to 4 places)."""
    items = [
        {
            "Description": line.description,
            "Quantity": float(line.quantity),
            "UnitAmount": float(line.unit_price),
            "AccountCode": line.account_code or mapping.default_account_code,
            "Tracking": to_tracking(line.dimensions, index, f"#/lines/{i}/dimensions"),
        }
        for i, line in enumerate(create.lines)
    ]
    body: dict[str, Any] = {
        "Type": mapping.invoice_type,
        "Contact": {"ContactID": contact_id},
        "Date": create.issue_date.isoformat(),
        "DueDate": create.due_date.isoformat(),
        "LineAmountTypes": mapping.line_amount_types,
        "Status": "DRAFT",
        "LineItems": items,
    }
    optional = {
        "InvoiceNumber": create.invoice_number,
        "Reference": create.reference,
        "CurrencyCode": create.currency,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    return body


def void_status(current: InvoiceStatus) -> str | None:
    """The Xero status that voids an invoice now: drafts are deleted, authorised voided."""
    if current in (InvoiceStatus.DRAFT, InvoiceStatus.SUBMITTED):
        return "DELETED"
    if current is InvoiceStatus.AUTHORISED:
        return "VOIDED"
    return None


# --- journals -----------------------------------------------------------------------------


def imbalance(create: JournalEntryCreate) -> Decimal:
    """Debits minus credits of a journal to post; zero when it balances."""
    signed = (
        line.amount if line.side is JournalSide.DEBIT else -line.amount for line in create.lines
    )
    return sum(signed, Decimal(0))


def to_canonical_journal_entry(
    journal: XeroManualJournal, entity: LegalEntity, mapping: ErpMapping
) -> JournalEntry:
    """A Xero manual journal as a journal entry (positive amounts are debits in Xero)."""
    lines = [
        JournalLine(
            account_code=line.AccountCode,
            side=JournalSide.DEBIT if line.LineAmount >= 0 else JournalSide.CREDIT,
            amount=_money(abs(line.LineAmount), entity.base_currency),
            description=line.Description or None,
            dimensions=from_tracking(line.Tracking, mapping),
        )
        for line in journal.JournalLines
    ]
    return JournalEntry(
        id=journal.ManualJournalID,
        legal_entity=entity.code,
        date=parse_xero_date(journal.Date),
        narration=journal.Narration,
        status=JournalStatus(journal.Status.lower()),
        lines=lines,
        provenance=provenance(journal.ManualJournalID, journal.UpdatedDateUTC),
    )


def from_canonical_journal(create: JournalEntryCreate, index: DimensionIndex) -> dict[str, Any]:
    """The Xero body of a POSTED manual journal: debits positive, credits negative."""
    lines = []
    for i, line in enumerate(create.lines):
        amount = line.amount if line.side is JournalSide.DEBIT else -line.amount
        body: dict[str, Any] = {
            "LineAmount": float(amount),
            "AccountCode": line.account_code,
            "Tracking": to_tracking(line.dimensions, index, f"#/lines/{i}/dimensions"),
        }
        if line.description is not None:
            body["Description"] = line.description
        lines.append(body)
    return {
        "Narration": create.narration,
        "Date": create.date.isoformat(),
        "Status": "POSTED",
        "JournalLines": lines,
    }
