"""What Xero checks and computes when an invoice is created or its status changes."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.xero.books import (
    account_errors,
    get_owned,
    lock_error,
    resolve_tracking,
    stamp,
)
from sandboxes.xero.wire import CENT, money, now, number, parse_date, validation_error

COLLECTION = "invoices"
TYPES = ("ACCREC", "ACCPAY")
LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
TRANSITIONS = {
    "DRAFT": {"SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"VOIDED"},
}


def build_invoice(store: Store, org: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A new invoice from a request object, or a 400 listing everything wrong with it."""
    tenant_id = org["OrganisationID"]
    errors: list[str] = []
    if given.get("Type") not in TYPES:
        errors.append("Invoice Type must be specified and be ACCREC or ACCPAY.")
    contact = _contact(store, tenant_id, given.get("Contact"), errors)
    amount_types = given.get("LineAmountTypes", "Exclusive")
    if amount_types not in LINE_AMOUNT_TYPES:
        errors.append("LineAmountTypes is not valid.")
    issued, due = parse_date(given.get("Date")), parse_date(given.get("DueDate"))
    if given.get("Date") and issued is None:
        errors.append("Date is not a valid date.")
    status = given.get("Status", "DRAFT")
    if status not in ("DRAFT", "SUBMITTED", "AUTHORISED"):
        errors.append("Invoice Status must be DRAFT, SUBMITTED or AUTHORISED on creation.")
    if status == "AUTHORISED":
        errors += [e for e in [lock_error(org, issued)] if e]
        if due is None:
            errors.append("Due Date must be specified when the invoice is approved.")
    number_ = given.get("InvoiceNumber") or _next_number(store, tenant_id)
    if store.find(COLLECTION, _tenant=tenant_id, InvoiceNumber=number_):
        errors.append("Invoice # must be unique.")
    lines = _lines(store, org, given.get("LineItems"), str(amount_types), errors)
    if errors:
        raise validation_error(errors, given)
    return _assemble(
        org, given=given, contact=contact, lines=lines, invoice_number=str(number_), status=status
    )


def _contact(store: Store, tenant_id: str, ref: Any, errors: list[str]) -> dict[str, Any] | None:
    contact_id = ref.get("ContactID") if isinstance(ref, dict) else None
    contact = get_owned(store, "contacts", tenant_id, str(contact_id)) if contact_id else None
    if contact is None:
        errors.append("A valid Contact must be specified (ContactID).")
    return contact


def _next_number(store: Store, tenant_id: str) -> str:
    return f"INV-{store.next_id(f'invoice-number:{tenant_id}'):04d}"


def _lines(
    store: Store, org: dict[str, Any], given: Any, amount_types: str, errors: list[str]
) -> list[dict[str, Any]]:
    if not isinstance(given, list) or not given:
        errors.append("An invoice must have at least one line item.")
        return []
    rate = Decimal(org.get("_tax_rate", "0")) if amount_types != "NoTax" else Decimal(0)
    lines = []
    for raw in given:
        item = raw if isinstance(raw, dict) else {}
        if not str(item.get("Description") or "").strip():
            errors.append("Description needs to be at least 1 char long.")
        try:
            quantity = Decimal(str(item.get("Quantity", 1)))
            unit = Decimal(str(item.get("UnitAmount", 0)))
        except ArithmeticError:
            errors.append("Quantity and UnitAmount must be numbers.")
            continue
        errors += account_errors(org, [item.get("AccountCode")])
        tracking, tracking_errors = resolve_tracking(
            store, org["OrganisationID"], item.get("Tracking")
        )
        errors += tracking_errors
        amount = money(quantity * unit)
        tax = _tax(amount, rate, amount_types)
        lines.append(
            {
                "LineItemID": str(uuid.uuid4()),
                "Description": item.get("Description"),
                "Quantity": number(quantity),
                "UnitAmount": number(unit),
                "AccountCode": item.get("AccountCode"),
                "TaxType": org.get("_tax_type", "NONE"),
                "TaxAmount": number(tax),
                "LineAmount": number(amount),
                "Tracking": tracking,
            }
        )
    return lines


def _tax(amount: Decimal, rate: Decimal, amount_types: str) -> Decimal:
    if amount_types == "Inclusive":
        return money(amount - amount / (1 + rate))
    return money(amount * rate)


def _assemble(
    org: dict[str, Any],
    *,
    given: dict[str, Any],
    contact: dict[str, Any] | None,
    lines: list[dict[str, Any]],
    invoice_number: str,
    status: str,
) -> dict[str, Any]:
    assert contact is not None
    amount_types = given.get("LineAmountTypes", "Exclusive")
    sub = sum((money(line["LineAmount"]) for line in lines), Decimal(0))
    tax = sum((money(line["TaxAmount"]) for line in lines), Decimal(0))
    if amount_types == "Inclusive":
        sub -= tax
    issued = parse_date(given.get("Date"))
    due = parse_date(given.get("DueDate"))
    invoice_id = str(uuid.uuid4())
    return {
        "InvoiceID": invoice_id,
        "Type": given["Type"],
        "InvoiceNumber": invoice_number,
        "Reference": given.get("Reference", ""),
        "Contact": {
            "ContactID": contact["ContactID"],
            "ContactNumber": contact.get("ContactNumber"),
            "Name": contact["Name"],
        },
        "Date": (issued or now().date()).isoformat(),
        "DueDate": due.isoformat() if due else None,
        "Status": status,
        "LineAmountTypes": amount_types,
        "LineItems": lines,
        "SubTotal": number(sub.quantize(CENT)),
        "TotalTax": number(tax),
        "Total": number((sub + tax).quantize(CENT)),
        "AmountDue": number((sub + tax).quantize(CENT)),
        "AmountPaid": 0.0,
        "AmountCredited": 0.0,
        "CurrencyCode": given.get("CurrencyCode") or org["BaseCurrency"],
        "CurrencyRate": 1.0,
        "HasAttachments": False,
        "IsDiscounted": False,
        "UpdatedDateUTC": stamp(),
        "_tenant": org["OrganisationID"],
    }


def change_status(
    org: dict[str, Any], invoice: dict[str, Any], given: dict[str, Any]
) -> dict[str, Any]:
    """The changes a status update makes, or a 400 when Xero's workflow forbids it."""
    current, wanted = invoice["Status"], given.get("Status", invoice["Status"])
    errors: list[str] = []
    if wanted != current and wanted not in TRANSITIONS.get(current, set()):
        errors.append(f"Invoice not of valid status for modification ({current} to {wanted}).")
    if wanted == "AUTHORISED" and current != "AUTHORISED":
        errors += [e for e in [lock_error(org, parse_date(invoice["Date"]))] if e]
        if not invoice.get("DueDate"):
            errors.append("Due Date must be specified when the invoice is approved.")
    if wanted == "VOIDED" and money(invoice.get("AmountPaid", 0)) != 0:
        errors.append("This document cannot be voided as it has payments allocated to it.")
    if errors:
        raise validation_error(errors, {"InvoiceID": invoice["InvoiceID"], **given})
    changes: dict[str, Any] = {"Status": wanted, "UpdatedDateUTC": stamp()}
    if wanted in ("VOIDED", "DELETED"):
        changes["AmountDue"] = 0.0
    if current == "DRAFT" and given.get("Reference") is not None:
        changes["Reference"] = given["Reference"]
    return changes
