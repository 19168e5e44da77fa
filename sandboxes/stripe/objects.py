"""Rendering stored documents as the full Stripe objects the API returns.

Stored documents keep only what changes (ids, amounts, states, metadata); the rest of each
object is Stripe's constant shape for an account without subscriptions, taxes or discounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Doc = dict[str, Any]
EMBEDDED_LINES = 10  # Stripe embeds the first ten lines of an invoice; the rest are paged


def customer(doc: Doc) -> Doc:
    """A stored customer as Stripe's `customer` object."""
    return {
        "id": doc["id"],
        "object": "customer",
        "address": None,
        "balance": doc.get("balance", 0),
        "created": doc["created"],
        "currency": doc.get("currency"),
        "default_source": None,
        "delinquent": False,
        "description": doc.get("description"),
        "discount": None,
        "email": doc.get("email"),
        "invoice_prefix": doc["invoice_prefix"],
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": doc.get("metadata", {}),
        "name": doc.get("name"),
        "next_invoice_sequence": doc.get("next_invoice_sequence", 1),
        "phone": doc.get("phone"),
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": doc.get("tax_exempt", "none"),
        "test_clock": None,
    }


def invoice_item(doc: Doc) -> Doc:
    """A stored invoice item as Stripe's `invoiceitem` object."""
    return {
        "id": doc["id"],
        "object": "invoiceitem",
        "amount": doc["amount"],
        "currency": doc["currency"],
        "customer": doc["customer"],
        "date": doc["date"],
        "description": doc.get("description"),
        "discountable": True,
        "discounts": [],
        "invoice": doc.get("invoice"),
        "livemode": False,
        "metadata": doc.get("metadata", {}),
        "period": doc["period"],
        "price": None,
        "proration": False,
        "quantity": doc.get("quantity", 1),
        "subscription": None,
        "tax_rates": [],
        "test_clock": None,
        "unit_amount": doc.get("unit_amount", doc["amount"]),
        "unit_amount_decimal": str(doc.get("unit_amount", doc["amount"])),
    }


def line_item(item: Doc) -> Doc:
    """An invoice item as a line of its invoice."""
    return {
        "id": "il_tmi_" + item["id"].removeprefix("ii_"),
        "object": "line_item",
        "amount": item["amount"],
        "amount_excluding_tax": item["amount"],
        "currency": item["currency"],
        "description": item.get("description"),
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice_item": item["id"],
        "livemode": False,
        "metadata": item.get("metadata", {}),
        "period": item["period"],
        "price": None,
        "proration": False,
        "proration_details": {"credited_items": None},
        "quantity": item.get("quantity", 1),
        "subscription": None,
        "tax_amounts": [],
        "tax_rates": [],
        "type": "invoiceitem",
        "unit_amount_excluding_tax": str(item.get("unit_amount", item["amount"])),
    }


def lines_list(invoice_id: str, items: list[Doc], *, limit: int = EMBEDDED_LINES) -> Doc:
    """The `lines` sub-list of an invoice (first page)."""
    return {
        "object": "list",
        "data": [line_item(i) for i in items[:limit]],
        "has_more": len(items) > limit,
        "total_count": len(items),
        "url": f"/v1/invoices/{invoice_id}/lines",
    }


def totals(doc: Doc, items: Iterable[Doc]) -> Doc:
    """Amounts of an invoice from its items and its state."""
    total = sum(i["amount"] for i in items)
    status = doc["status"]
    paid = total if status == "paid" else 0
    remaining = 0 if status in ("paid", "void") else total - paid
    return {
        "subtotal": total,
        "subtotal_excluding_tax": total,
        "total": total,
        "total_excluding_tax": total,
        "amount_due": total,
        "amount_paid": paid,
        "amount_remaining": remaining,
    }


def invoice(doc: Doc, items: list[Doc], customer_doc: Doc) -> Doc:
    """A stored invoice (plus its items and customer) as Stripe's `invoice` object."""
    return {
        "id": doc["id"],
        "object": "invoice",
        "account_country": "US",
        "account_name": "Atrium Demo Firm",
        "account_tax_ids": None,
        "amount_shipping": 0,
        "application": None,
        "application_fee_amount": None,
        "attempt_count": 0,
        "attempted": doc["status"] in ("paid",),
        "auto_advance": doc.get("auto_advance", False),
        "automatic_tax": {"enabled": False, "status": None},
        "billing_reason": "manual",
        "charge": None,
        "collection_method": doc["collection_method"],
        "created": doc["created"],
        "currency": doc["currency"],
        "custom_fields": None,
        "customer": doc["customer"],
        "customer_address": None,
        "customer_email": customer_doc.get("email"),
        "customer_name": customer_doc.get("name"),
        "customer_phone": None,
        "customer_shipping": None,
        "customer_tax_exempt": customer_doc.get("tax_exempt", "none"),
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": doc.get("description"),
        "discount": None,
        "discounts": [],
        "due_date": doc.get("due_date"),
        "effective_at": doc.get("finalized_at"),
        "ending_balance": None if doc["status"] == "draft" else 0,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "last_finalization_error": None,
        "latest_revision": None,
        "lines": lines_list(doc["id"], items),
        "livemode": False,
        "metadata": doc.get("metadata", {}),
        "next_payment_attempt": None,
        "number": doc.get("number"),
        "on_behalf_of": None,
        "paid": doc["status"] == "paid",
        "paid_out_of_band": doc.get("paid_out_of_band", False),
        "payment_intent": None,
        "payment_settings": {
            "default_mandate": None,
            "payment_method_options": None,
            "payment_method_types": None,
        },
        "period_end": doc["created"],
        "period_start": doc["created"],
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "quote": None,
        "receipt_number": None,
        "rendering_options": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": 0,
        "statement_descriptor": None,
        "status": doc["status"],
        "status_transitions": {
            "finalized_at": doc.get("finalized_at"),
            "marked_uncollectible_at": None,
            "paid_at": doc.get("paid_at"),
            "voided_at": doc.get("voided_at"),
        },
        "subscription": None,
        "subtotal_excluding_tax": None,
        "tax": None,
        "test_clock": None,
        "total_discount_amounts": [],
        "total_tax_amounts": [],
        "transfer_data": None,
        "webhooks_delivered_at": doc["created"],
        **totals(doc, items),
    }
