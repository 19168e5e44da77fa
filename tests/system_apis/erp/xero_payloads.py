"""Xero payloads for mapping tests, shaped as the sandbox (and Xero) send them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from system_apis.erp.connector.models import (
    XeroContact,
    XeroInvoice,
    XeroManualJournal,
    XeroOrganisation,
    XeroTrackingCategory,
)

CATEGORY_ID = "05bc582e-59d5-5c3e-adda-a4551e6d3857"


def organisation(**changes: Any) -> XeroOrganisation:
    base: dict[str, Any] = {
        "OrganisationID": "17175387-d873-598c-84ce-58bb15f6f516",
        "Name": "Atrium Advisory Ltd",
        "LegalName": "Atrium Advisory Ltd",
        "BaseCurrency": "GBP",
        "CountryCode": "GB",
        "TaxNumber": "GB 284 1937 52",
        "ShortCode": "!GB01",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "PeriodLockDate": "/Date(1788134400000+0000)/",  # 2026-08-31
        "EndOfYearLockDate": "/Date(1774915200000+0000)/",  # 2026-03-31
    }
    return XeroOrganisation.model_validate({**base, **changes})


def contact(**changes: Any) -> XeroContact:
    base: dict[str, Any] = {
        "ContactID": "ab902bfd-fbc2-5ce7-8224-30904c3892e9",
        "ContactNumber": "C0019",
        "ContactStatus": "ACTIVE",
        "Name": "Driftwood Manufacturing plc",
        "EmailAddress": "accounts@driftwood.example",
        "TaxNumber": "GB 204 7277 90",
        "DefaultCurrency": "GBP",
        "UpdatedDateUTC": "/Date(1793404800000+0000)/",
    }
    return XeroContact.model_validate({**base, **changes})


def tracking_category(name: str = "Cost Centre", **changes: Any) -> XeroTrackingCategory:
    base: dict[str, Any] = {
        "TrackingCategoryID": CATEGORY_ID,
        "Name": name,
        "Status": "ACTIVE",
        "Options": [
            {
                "TrackingOptionID": "1c4a7a56-3d78-5843-b5b9-18941efe285a",
                "Name": "CC-GB01-CON - Consulting GB",
                "Status": "ACTIVE",
            },
            {
                "TrackingOptionID": "7159c10e-2671-5d7a-84e1-20589f575478",
                "Name": "Legacy",
                "Status": "ARCHIVED",
            },
        ],
    }
    return XeroTrackingCategory.model_validate({**base, **changes})


def project_category() -> XeroTrackingCategory:
    return tracking_category(
        "Project",
        TrackingCategoryID="4117f230-f1b5-5390-8dc5-2af31671a266",
        Options=[
            {
                "TrackingOptionID": "38a6e035-1835-5405-9303-e8208f04ce81",
                "Name": "PRJ-0029 - Ironbridge Regulatory Reporting",
                "Status": "ACTIVE",
            },
        ],
    )


def invoice(**changes: Any) -> XeroInvoice:
    base: dict[str, Any] = {
        "InvoiceID": "a8bb7968-eebe-533e-ab55-f4cf53429937",
        "Type": "ACCREC",
        "InvoiceNumber": "INV-GB-1006",
        "Reference": "PRJ-0029 2026-08",
        "Contact": {
            "ContactID": "ca823ffe-7b7b-53c7-9d3b-6d01b30acc98",
            "ContactNumber": "C0029",
            "Name": "Ironbridge Insurance Ltd",
        },
        "Date": "/Date(1788220800000+0000)/",
        "DueDate": "2026-09-15T00:00:00",
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "Description": "Design, August 2026, at 95 GBP/h",
                "Quantity": Decimal("5.25"),
                "UnitAmount": Decimal("95.0"),
                "AccountCode": "200",
                "TaxAmount": Decimal("99.75"),
                "LineAmount": Decimal("498.75"),
                "Tracking": [
                    {"Name": "Cost Centre", "Option": "CC-GB01-DES - Design GB"},
                    {"Name": "Project", "Option": "PRJ-0029 - Ironbridge Regulatory Reporting"},
                    {"Name": "Region", "Option": "North"},
                ],
            }
        ],
        "SubTotal": Decimal("498.75"),
        "TotalTax": Decimal("99.75"),
        "Total": Decimal("598.50"),
        "AmountDue": Decimal("598.50"),
        "CurrencyCode": "GBP",
        "UpdatedDateUTC": "/Date(1788220800000+0000)/",
    }
    return XeroInvoice.model_validate({**base, **changes})


def manual_journal(**changes: Any) -> XeroManualJournal:
    base: dict[str, Any] = {
        "ManualJournalID": "0c5e7b7a-3b55-4a65-8d3a-5a7a3f1f3c11",
        "Narration": "Accrue September salaries",
        "Date": "/Date(1790640000000+0000)/",
        "Status": "POSTED",
        "JournalLines": [
            {
                "LineAmount": Decimal("1200.00"),
                "AccountCode": "477",
                "Description": "Salaries",
                "Tracking": [{"Name": "Cost Centre", "Option": "CC-GB01-CON - Consulting GB"}],
            },
            {
                "LineAmount": Decimal("-1200.00"),
                "AccountCode": "478",
                "Description": "",
                "Tracking": [],
            },
        ],
        "UpdatedDateUTC": "/Date(1790640000000+0000)/",
    }
    return XeroManualJournal.model_validate({**base, **changes})
