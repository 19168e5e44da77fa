"""Stripe invoice items: list (by customer, invoice, pending), retrieve, create."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.stripe import objects
from sandboxes.stripe.auth import AccountDep
from sandboxes.stripe.deps import StoreDep, now
from sandboxes.stripe.errors import StripeError, invalid_param, missing_param, no_such, not_editable
from sandboxes.stripe.forms import (
    Params,
    boolean,
    check_known,
    form_params,
    integer,
    merge_metadata,
    metadata,
    query_params,
    text,
)
from sandboxes.stripe.idempotency import run_keyed
from sandboxes.stripe.ids import object_id
from sandboxes.stripe.paging import list_object
from sandboxes.stripe.routes.customers import load_customer

router = APIRouter()
COLLECTION = "invoiceitems"
MAX_AMOUNT = 99_999_999  # Stripe's cap on one amount (eight digits of minor units)
_WRITABLE = {
    "customer",
    "amount",
    "currency",
    "description",
    "invoice",
    "metadata",
    "period",
    "quantity",
    "unit_amount",
    "expand",
}
_FILTERS = {
    "customer",
    "invoice",
    "pending",
    "limit",
    "starting_after",
    "ending_before",
    "expand",
    "created",
}


@router.get("/v1/invoiceitems")
async def list_invoice_items(
    request: Request, account: AccountDep, store: StoreDep
) -> dict[str, Any]:
    params = query_params(request)
    check_known(params, _FILTERS)
    equals: dict[str, Any] = {}
    for name in ("customer", "invoice"):
        value = text(params, name)
        if value is not None:
            equals[name] = value
    docs = store.find(COLLECTION, **equals)
    pending = boolean(params, "pending")
    if pending is not None:
        docs = [d for d in docs if (d.get("invoice") is None) == pending]
    return list_object(
        docs,
        params,
        url="/v1/invoiceitems",
        kind="invoiceitem",
        render=objects.invoice_item,
        created_field="date",
    )


@router.get("/v1/invoiceitems/{invoiceitem}")
async def retrieve_invoice_item(
    invoiceitem: str, account: AccountDep, store: StoreDep
) -> dict[str, Any]:
    doc = store.get(COLLECTION, invoiceitem)
    if doc is None:
        raise no_such("invoiceitem", invoiceitem, param="id")
    return objects.invoice_item(doc)


def _amounts(params: Params) -> tuple[int, int, int]:
    """(amount, unit_amount, quantity) from either `amount` or `unit_amount` times `quantity`."""
    amount, unit, quantity = (
        integer(params, "amount"),
        integer(params, "unit_amount"),
        integer(params, "quantity"),
    )
    if amount is not None and unit is not None:
        raise invalid_param(
            "unit_amount", "You may only specify one of these parameters: amount, unit_amount."
        )
    if quantity is not None and quantity < 0:
        raise invalid_param("quantity", "This value must be greater than or equal to 0.")
    if amount is not None:
        if abs(amount) > MAX_AMOUNT:
            raise invalid_param(
                "amount", f"Amount must be no more than {MAX_AMOUNT} in the smallest currency unit."
            )
        return amount, amount, 1 if quantity is None else quantity
    if unit is None:
        raise missing_param("amount")
    count = 1 if quantity is None else quantity
    return unit * count, unit, count


def _period(params: Params, default: int) -> dict[str, int]:
    raw = params.get("period")
    if raw is None:
        return {"start": default, "end": default}
    if not isinstance(raw, dict):
        raise invalid_param("period", "Invalid period: must be an object")
    start, end = integer(raw, "start", required=True) or 0, integer(raw, "end", required=True) or 0
    if end < start:
        raise invalid_param("period[end]", "The period end must be on or after the period start.")
    return {"start": start, "end": end}


def _check_invoice(store: Store, invoice_id: str, customer: dict[str, Any], currency: str) -> None:
    invoice = store.get("invoices", invoice_id)
    if invoice is None:
        raise no_such("invoice", invoice_id, param="invoice", status=400)
    if invoice["customer"] != customer["id"]:
        raise invalid_param("invoice", f"The invoice {invoice_id} belongs to a different customer.")
    if invoice["status"] != "draft":
        raise not_editable(
            "You can only add invoice items to draft invoices; "
            f"{invoice_id} is {invoice['status']}."
        )
    if invoice["currency"] != currency:
        raise invalid_param(
            "currency", f"The invoice {invoice_id} is in {invoice['currency']}, not {currency}."
        )


def create_item(store: Store, params: Params) -> dict[str, Any]:
    """Validate and store one invoice item (the customer's currency is set on first use)."""
    check_known(params, _WRITABLE)
    customer_id = text(params, "customer", required=True) or ""
    amount, unit, quantity = _amounts(params)
    currency = (text(params, "currency", required=True) or "").lower()
    if len(currency) != 3 or not currency.isalpha():
        raise invalid_param("currency", f"Invalid currency: {currency}")
    meta, created = metadata(params) or {}, now()
    customer = load_customer(store, customer_id, param="customer", status=400)
    if customer.get("currency") not in (None, currency):
        raise StripeError(
            400,
            "You cannot combine currencies on a single customer. This customer has had a "
            f"subscription, coupon, or invoice item with currency {customer['currency']}",
            param="currency",
        )
    invoice_id = text(params, "invoice")
    if invoice_id is not None:
        _check_invoice(store, invoice_id, customer, currency)
    item_id = object_id("ii", store.next_id(COLLECTION))
    doc = {
        "id": item_id,
        "amount": amount,
        "unit_amount": unit,
        "quantity": quantity,
        "currency": currency,
        "customer": customer_id,
        "date": created,
        "description": text(params, "description"),
        "invoice": invoice_id,
        "metadata": merge_metadata({}, meta, clear=False),
        "period": _period(params, created),
    }
    with store.transaction():
        if customer.get("currency") is None:
            store.update("customers", customer_id, {"currency": currency})
        return objects.invoice_item(store.insert(COLLECTION, doc, id=item_id))


@router.post("/v1/invoiceitems")
async def create_invoice_item(
    request: Request, account: AccountDep, store: StoreDep
) -> JSONResponse:
    params = await form_params(request)
    return run_keyed(request, store, account, params, lambda: create_item(store, params))
