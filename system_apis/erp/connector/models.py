"""Xero Accounting payloads, field for field as the vendor spells them (PascalCase).

Only the fields Atrium reads are declared; anything else Xero sends is ignored. Fields
without a default are the ones we rely on: when Xero stops sending one, parsing fails
as schema drift naming it. Money arrives as JSON numbers and is read as Decimal.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class XeroModel(BaseModel):
    """A Xero payload: unknown fields tolerated."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class XeroConnection(XeroModel):
    """A tenant this token may act on (identity API: camelCase, not PascalCase)."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True)

    id: str
    tenant_id: str
    tenant_type: str
    tenant_name: str | None = None


class XeroOrganisation(XeroModel):
    OrganisationID: str
    Name: str
    LegalName: str | None = None
    BaseCurrency: str
    CountryCode: str | None = None
    TaxNumber: str | None = None
    ShortCode: str | None = None
    FinancialYearEndDay: int
    FinancialYearEndMonth: int
    PeriodLockDate: str | None = None
    EndOfYearLockDate: str | None = None


class XeroOrganisations(XeroModel):
    Organisations: list[XeroOrganisation]


class XeroPagination(XeroModel):
    """Paging of a list response (the one camelCase object in Xero's accounting API)."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True)

    page: int
    page_size: int
    page_count: int
    item_count: int


class XeroContact(XeroModel):
    ContactID: str
    ContactNumber: str | None = None
    Name: str
    EmailAddress: str | None = None
    TaxNumber: str | None = None
    DefaultCurrency: str | None = None
    ContactStatus: str = "ACTIVE"
    UpdatedDateUTC: str | None = None


class XeroContacts(XeroModel):
    Contacts: list[XeroContact]
    pagination: XeroPagination | None = None


class XeroTrackingOption(XeroModel):
    TrackingOptionID: str
    Name: str
    Status: str = "ACTIVE"


class XeroTrackingCategory(XeroModel):
    TrackingCategoryID: str
    Name: str
    Status: str = "ACTIVE"
    Options: list[XeroTrackingOption] = Field(default_factory=list)


class XeroTrackingCategories(XeroModel):
    TrackingCategories: list[XeroTrackingCategory]


class XeroTrackingOptions(XeroModel):
    Options: list[XeroTrackingOption]


class XeroLineTracking(XeroModel):
    """A line's tracking: category name and option name (ids may accompany them)."""

    Name: str
    Option: str
    TrackingCategoryID: str | None = None
    TrackingOptionID: str | None = None


class XeroContactRef(XeroModel):
    ContactID: str
    ContactNumber: str | None = None
    Name: str | None = None


class XeroLineItem(XeroModel):
    Description: str | None = None
    Quantity: Decimal = Decimal(0)
    UnitAmount: Decimal = Decimal(0)
    LineAmount: Decimal
    AccountCode: str | None = None
    TaxAmount: Decimal | None = None
    Tracking: list[XeroLineTracking] = Field(default_factory=list)


class XeroInvoice(XeroModel):
    InvoiceID: str
    Type: str
    InvoiceNumber: str | None = None
    Reference: str | None = None
    Contact: XeroContactRef
    Status: str
    Date: str | None = None
    DueDate: str | None = None
    CurrencyCode: str
    LineItems: list[XeroLineItem] = Field(default_factory=list)
    SubTotal: Decimal
    TotalTax: Decimal
    Total: Decimal
    AmountDue: Decimal
    UpdatedDateUTC: str | None = None


class XeroInvoices(XeroModel):
    Invoices: list[XeroInvoice]
    pagination: XeroPagination | None = None


class XeroJournalLine(XeroModel):
    LineAmount: Decimal
    AccountCode: str
    Description: str | None = None
    Tracking: list[XeroLineTracking] = Field(default_factory=list)


class XeroManualJournal(XeroModel):
    ManualJournalID: str
    Narration: str
    Date: str
    Status: str
    JournalLines: list[XeroJournalLine] = Field(default_factory=list)
    UpdatedDateUTC: str | None = None


class XeroManualJournals(XeroModel):
    ManualJournals: list[XeroManualJournal]
    pagination: XeroPagination | None = None


class XeroValidationError(XeroModel):
    Message: str = ""


class XeroElement(XeroModel):
    ValidationErrors: list[XeroValidationError] = Field(default_factory=list)


class XeroError(XeroModel):
    """The body of a 400: `Elements[i]` is the i-th object of the request's array."""

    ErrorNumber: int | None = None
    Type: str | None = None
    Message: str | None = None
    Elements: list[XeroElement] = Field(default_factory=list)
