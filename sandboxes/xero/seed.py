"""The demo firm as Xero holds it: one organisation per legal entity, with its books."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.demo_firm.firm import DemoFirm
from sandboxes.demo_firm.records import Invoice, LegalEntity

_NAMESPACE = uuid.UUID("5b0f9d8e-6a61-4d9c-9a57-3c3e1f0a7e21")
_VERSION = {"US": "US", "GB": "UK"}
_TIMEZONE = {"US": "EASTERNSTANDARDTIME", "GB": "GMTSTANDARDTIME"}
_TAX_TYPE = {"US": "NONE", "GB": "OUTPUT2"}
_INVOICE_STATUS = {"draft": "DRAFT", "authorised": "AUTHORISED", "paid": "PAID", "voided": "VOIDED"}
COST_CENTRE, PROJECT = "Cost Centre", "Project"
REVENUE_ACCOUNT = "200"


def sandbox_id(*parts: str) -> str:
    """A stable GUID for a seeded object, so every seeding gives the same ids."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def tenant_id(legal_entity: str) -> str:
    """The Xero tenant (organisation) id of a legal entity of the demo firm."""
    return sandbox_id("organisation", legal_entity)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000+00:00"


def _organisation(le: LegalEntity, firm: DemoFirm) -> dict[str, Any]:
    org_id = tenant_id(le.code)
    return {
        "OrganisationID": org_id,
        "APIKey": le.code,
        "Name": le.name,
        "LegalName": le.name,
        "PaysTax": le.tax_rate > 0,
        "Version": _VERSION.get(le.country, "GLOBAL"),
        "OrganisationType": "COMPANY",
        "BaseCurrency": le.currency,
        "CountryCode": le.country,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "TaxNumber": le.tax_number,
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 12,
        "SalesTaxBasis": "ACCRUALS" if le.tax_rate > 0 else "NONE",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "PeriodLockDate": firm.lock_date.isoformat(),
        "EndOfYearLockDate": date(firm.today.year - 1, 12, 31).isoformat(),
        "CreatedDateUTC": _stamp(date(2020, 1, 6)),
        "Timezone": _TIMEZONE.get(le.country, "WEUROPESTANDARDTIME"),
        "OrganisationEntityType": "COMPANY",
        "ShortCode": f"!{le.code}",
        "Edition": "BUSINESS",
        "Class": "PREMIUM",
        "_tax_rate": str(le.tax_rate),
        "_tax_type": _TAX_TYPE.get(le.country, "OUTPUT"),
        "_accounts": [a.code for a in firm.accounts],
        "_connection_id": sandbox_id("connection", le.code),
        "_tenant": org_id,
    }


def _option(category: str, code: str, name: str, active: bool) -> dict[str, Any]:
    return {
        "TrackingOptionID": sandbox_id("option", category, code),
        "Name": f"{code} - {name}"[:100],
        "Status": "ACTIVE" if active else "ARCHIVED",
    }


def _category(le: LegalEntity, name: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "TrackingCategoryID": sandbox_id("category", le.code, name),
        "Name": name,
        "Status": "ACTIVE",
        "Options": options,
        "_tenant": tenant_id(le.code),
    }


Options = dict[tuple[str, str], dict[str, Any]]


def _tracking(store: Store, firm: DemoFirm, le: LegalEntity) -> Options:
    """Seed the entity's two categories; their tracking per (category, code) for lines."""
    centres = {
        c.code: _option(COST_CENTRE, c.code, c.name, True)
        for c in firm.cost_centres
        if c.legal_entity == le.code
    }
    projects = {
        p.code: _option(PROJECT, p.code, p.name, p.status != "closed")
        for p in firm.projects
        if p.legal_entity == le.code
    }
    index: Options = {}
    for name, options in ((COST_CENTRE, centres), (PROJECT, projects)):
        doc = _category(le, name, list(options.values()))
        store.insert("tracking", doc, id=doc["TrackingCategoryID"])
        for code, option in options.items():
            index[(name, code)] = {
                "Name": name,
                "Option": option["Name"],
                "TrackingCategoryID": doc["TrackingCategoryID"],
                "TrackingOptionID": option["TrackingOptionID"],
            }
    return index


def _contacts(store: Store, firm: DemoFirm) -> dict[str, dict[str, Any]]:
    missing = firm.absent_from("erp", "customer")
    contacts = {}
    for c in firm.customers:
        if c.customer_number in missing:
            continue
        contact_id = sandbox_id("contact", c.customer_number)
        doc = {
            "ContactID": contact_id,
            "ContactNumber": c.customer_number,
            "ContactStatus": "ACTIVE",
            "Name": firm.value_in("erp", "customer", c.customer_number, "name", c.name),
            "EmailAddress": c.billing_email,
            "TaxNumber": c.tax_number,
            "DefaultCurrency": c.currency,
            "IsCustomer": True,
            "IsSupplier": False,
            "Addresses": [{"AddressType": "POBOX", "City": c.city, "Country": c.country}],
            "Phones": [],
            "HasAttachments": False,
            "HasValidationErrors": False,
            "UpdatedDateUTC": _stamp(firm.today),
            "_tenant": tenant_id(c.legal_entity),
        }
        contacts[c.customer_number] = store.insert("contacts", doc, id=contact_id)
    return contacts


def _invoice(invoice: Invoice, contact: dict[str, Any], tracking: Options) -> dict[str, Any]:
    lines = [
        {
            "LineItemID": sandbox_id("line", invoice.invoice_number, str(i)),
            "Description": line.description,
            "Quantity": float(line.quantity),
            "UnitAmount": float(line.unit_amount),
            "AccountCode": REVENUE_ACCOUNT,
            "TaxAmount": float((line.amount * invoice.tax_rate).quantize(Decimal("0.01"))),
            "LineAmount": float(line.amount),
            "Tracking": [
                tracking[(COST_CENTRE, line.cost_centre)],
                tracking[(PROJECT, invoice.project)],
            ],
        }
        for i, line in enumerate(invoice.lines)
    ]
    status = _INVOICE_STATUS[invoice.status]
    paid = invoice.total if status == "PAID" else Decimal(0)
    due = Decimal(0) if status in ("PAID", "VOIDED") else invoice.total
    invoice_id = sandbox_id("invoice", invoice.invoice_number)
    return {
        "InvoiceID": invoice_id,
        "Type": "ACCREC",
        "InvoiceNumber": invoice.invoice_number,
        "Reference": f"{invoice.project} {invoice.period_start:%Y-%m}",
        "Contact": {
            "ContactID": contact["ContactID"],
            "ContactNumber": contact["ContactNumber"],
            "Name": contact["Name"],
        },
        "Date": invoice.issue_date.isoformat(),
        "DueDate": invoice.due_date.isoformat(),
        "Status": status,
        "LineAmountTypes": "Exclusive",
        "LineItems": lines,
        "SubTotal": float(invoice.subtotal),
        "TotalTax": float(invoice.tax),
        "Total": float(invoice.total),
        "AmountDue": float(due),
        "AmountPaid": float(paid),
        "AmountCredited": 0.0,
        "FullyPaidOnDate": invoice.paid_date.isoformat() if invoice.paid_date else None,
        "CurrencyCode": invoice.currency,
        "CurrencyRate": 1.0,
        "HasAttachments": False,
        "IsDiscounted": False,
        "UpdatedDateUTC": _stamp(invoice.paid_date or invoice.issue_date),
        "_tenant": tenant_id(invoice.legal_entity),
    }


def seed_xero(store: Store, firm: DemoFirm) -> None:
    """Seed organisations, tracking, contacts and invoices from the demo firm."""
    tracking: Options = {}
    for le in firm.legal_entities:
        org = _organisation(le, firm)
        store.insert("organisations", org, id=org["OrganisationID"])
        tracking |= _tracking(store, firm, le)
    contacts = _contacts(store, firm)
    for invoice in firm.invoices:
        contact = contacts.get(invoice.customer)
        if contact is not None:
            doc = _invoice(invoice, contact, tracking)
            store.insert("invoices", doc, id=doc["InvoiceID"])
