"""The demo firm as a Stripe account holds it: customers, and invoices with their items.

Customers carry the firm's customer number (and legal entity, payment terms) in metadata;
invoices become Stripe invoices in the matching state (authorised → open, voided → void), one
invoice item per invoice line (hours and rate in metadata, since Stripe quantities are whole).
Tax is not modelled (no Stripe Tax rates), so Stripe totals are the invoices' subtotals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.demo_firm import DemoFirm
from sandboxes.demo_firm.records import Customer, Invoice, InvoiceLine
from sandboxes.stripe.ids import invoice_prefix, object_id

SYSTEM = "billing"
_STATUS = {"draft": "draft", "authorised": "open", "paid": "paid", "voided": "void"}
_EXPONENT = {"JPY": 0}  # the demo firm bills in USD, GBP and EUR: two decimals


def unix(day: date) -> int:
    """Midnight UTC of `day` as Unix seconds."""
    return int(datetime.combine(day, time(), UTC).timestamp())


def minor(amount: Decimal, currency: str) -> int:
    """Decimal money → Stripe's integer minor units."""
    return int(amount.scaleb(_EXPONENT.get(currency.upper(), 2)).to_integral_value())


def customer_doc(c: Customer, counter: int, created: int, firm: DemoFirm) -> dict[str, Any]:
    customer_id = object_id("cus", counter)
    name = firm.value_in(SYSTEM, "customer", c.customer_number, "name", c.name)
    return {
        "id": customer_id,
        "created": created,
        "name": name,
        "email": c.billing_email,
        "currency": c.currency.lower(),
        "balance": 0,
        "invoice_prefix": invoice_prefix(customer_id),
        "next_invoice_sequence": 1,
        "tax_exempt": "none",
        "metadata": {
            "customer_number": c.customer_number,
            "legal_entity": c.legal_entity,
            "payment_terms_days": str(c.payment_terms_days),
        },
    }


def item_doc(
    line: InvoiceLine, inv: Invoice, customer_id: str, invoice_id: str, counter: int
) -> dict[str, Any]:
    amount = minor(line.amount, inv.currency)
    return {
        "id": object_id("ii", counter),
        "amount": amount,
        "unit_amount": amount,
        "quantity": 1,
        "currency": inv.currency.lower(),
        "customer": customer_id,
        "date": unix(inv.issue_date),
        "description": line.description,
        "invoice": invoice_id,
        "metadata": {
            "customer_number": inv.customer,
            "project_code": inv.project,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_amount),
            "cost_centre": line.cost_centre,
        },
        "period": {"start": unix(inv.period_start), "end": unix(inv.period_end)},
    }


def invoice_doc(inv: Invoice, customer_id: str, counter: int, terms: int) -> dict[str, Any]:
    status = _STATUS[inv.status]
    finalized = None if status == "draft" else unix(inv.issue_date)
    return {
        "id": object_id("in", counter),
        "customer": customer_id,
        "created": unix(inv.issue_date),
        "status": status,
        "currency": inv.currency.lower(),
        "collection_method": "send_invoice",
        "days_until_due": terms,
        "due_date": unix(inv.due_date),
        "auto_advance": False,
        "description": f"{inv.project} {inv.period_start:%Y-%m}",
        "number": None if status == "draft" else inv.invoice_number,
        "finalized_at": finalized,
        "paid_at": unix(inv.paid_date) if inv.paid_date else None,
        "voided_at": finalized if status == "void" else None,
        "paid_out_of_band": status == "paid",
        "metadata": {
            "customer_number": inv.customer,
            "project_code": inv.project,
            "billing_period": f"{inv.period_start:%Y-%m}",
            "legal_entity": inv.legal_entity,
        },
    }


def seed_stripe(store: Store, firm: DemoFirm) -> None:
    """Seed an empty store with the demo firm's billing account."""
    created = unix(firm.today) - 400 * 86_400
    customers: dict[str, dict[str, Any]] = {}
    missing = firm.absent_from(SYSTEM, "customer")
    for c in firm.customers:
        if c.customer_number in missing:
            continue
        doc = customer_doc(c, store.next_id("customers"), created, firm)
        customers[c.customer_number] = store.insert("customers", doc, id=doc["id"])
    terms = {c.customer_number: c.payment_terms_days for c in firm.customers}
    for inv in sorted(firm.invoices, key=lambda i: (i.issue_date, i.invoice_number)):
        customer = customers.get(inv.customer)
        if customer is None:
            continue
        doc = invoice_doc(inv, customer["id"], store.next_id("invoices"), terms[inv.customer])
        store.insert("invoices", doc, id=doc["id"])
        for line in inv.lines:
            item = item_doc(line, inv, customer["id"], doc["id"], store.next_id("invoiceitems"))
            store.insert("invoiceitems", item, id=item["id"])
    for customer in customers.values():
        used = [i for i in store.find("invoices", customer=customer["id"]) if i.get("number")]
        store.update("customers", customer["id"], {"next_invoice_sequence": len(used) + 1})
