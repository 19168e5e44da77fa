"""Stripe invoices: list, retrieve, lines, create (draft), finalize, void, pay out of band."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.stripe import objects
from sandboxes.stripe.auth import AccountDep
from sandboxes.stripe.deps import StoreDep, now
from sandboxes.stripe.errors import StripeError, invalid_param, no_such, not_editable
from sandboxes.stripe.forms import (
    Params,
    boolean,
    check_known,
    choice,
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
COLLECTION = "invoices"
DAY_S = 86_400
STATUSES = ("draft", "open", "paid", "uncollectible", "void")
_FILTERS = {
    "customer",
    "status",
    "collection_method",
    "limit",
    "starting_after",
    "ending_before",
    "expand",
    "created",
}
_CREATE = {
    "customer",
    "auto_advance",
    "collection_method",
    "currency",
    "days_until_due",
    "due_date",
    "description",
    "metadata",
    "pending_invoice_items_behavior",
    "expand",
}


def load_invoice(store: Store, invoice_id: str) -> dict[str, Any]:
    doc = store.get(COLLECTION, invoice_id)
    if doc is None:
        raise no_such("invoice", invoice_id, param="id")
    return doc


def render(store: Store, doc: dict[str, Any]) -> dict[str, Any]:
    """A stored invoice with its items and customer, as Stripe's object."""
    items = store.find("invoiceitems", invoice=doc["id"])
    customer = store.get("customers", doc["customer"]) or {}
    return objects.invoice(doc, items, customer)


@router.get("/v1/invoices")
async def list_invoices(request: Request, account: AccountDep, store: StoreDep) -> dict[str, Any]:
    params = query_params(request)
    check_known(params, _FILTERS)
    equals: dict[str, Any] = {}
    for name, options in (
        ("status", STATUSES),
        ("collection_method", ("charge_automatically", "send_invoice")),
    ):
        value = choice(params, name, options)
        if value is not None:
            equals[name] = value
    customer = text(params, "customer")
    if customer is not None:
        equals["customer"] = customer
    docs = store.find(COLLECTION, **equals)
    return list_object(
        docs, params, url="/v1/invoices", kind="invoice", render=lambda d: render(store, d)
    )


@router.get("/v1/invoices/{invoice}")
async def retrieve_invoice(invoice: str, account: AccountDep, store: StoreDep) -> dict[str, Any]:
    return render(store, load_invoice(store, invoice))


@router.get("/v1/invoices/{invoice}/lines")
async def list_lines(
    invoice: str, request: Request, account: AccountDep, store: StoreDep
) -> dict[str, Any]:
    params = query_params(request)
    check_known(params, {"limit", "starting_after", "ending_before", "expand"})
    load_invoice(store, invoice)
    # Lines keep their order on the invoice (oldest first), and are addressed by line id.
    lines = [objects.line_item(i) for i in store.find("invoiceitems", invoice=invoice)]
    return list_object(
        list(reversed(lines)),
        params,
        url=f"/v1/invoices/{invoice}/lines",
        kind="line item",
        render=lambda d: d,
    )


def _due(params: Params, method: str, created: int) -> tuple[int | None, int | None]:
    """(days_until_due, due_date) after Stripe's rules for the collection method."""
    days, due = integer(params, "days_until_due"), integer(params, "due_date")
    if method == "charge_automatically":
        if days is not None or due is not None:
            raise invalid_param(
                "days_until_due",
                "Invoices with `collection_method=charge_automatically` cannot have a due date.",
            )
        return None, None
    if days is None and due is None:
        raise invalid_param(
            "days_until_due",
            "Invoices with `collection_method=send_invoice` must have a `due_date` or "
            "`days_until_due`.",
        )
    if days is not None and not 0 <= days <= 36500:
        raise invalid_param("days_until_due", "This value must be greater than or equal to 0.")
    return days, due if due is not None else created + (days or 0) * DAY_S


def create_draft(store: Store, params: Params) -> dict[str, Any]:
    """Validate and store a draft invoice, sweeping in pending items when asked."""
    check_known(params, _CREATE)
    customer_id = text(params, "customer", required=True) or ""
    method = (
        choice(params, "collection_method", ("charge_automatically", "send_invoice"))
        or "charge_automatically"
    )
    behavior = choice(params, "pending_invoice_items_behavior", ("include", "exclude")) or "exclude"
    created = now()
    days, due = _due(params, method, created)
    auto_advance, meta = boolean(params, "auto_advance"), metadata(params) or {}
    customer = load_customer(store, customer_id, param="customer", status=400)
    currency = (text(params, "currency") or customer.get("currency") or "usd").lower()
    invoice_id = object_id("in", store.next_id(COLLECTION))
    doc = {
        "id": invoice_id,
        "customer": customer_id,
        "created": created,
        "status": "draft",
        "currency": currency,
        "collection_method": method,
        "days_until_due": days,
        "due_date": due,
        "auto_advance": bool(auto_advance),
        "description": text(params, "description"),
        "metadata": merge_metadata({}, meta, clear=False),
    }
    with store.transaction():
        store.insert(COLLECTION, doc, id=invoice_id)
        if behavior == "include":
            for item in store.find(
                "invoiceitems", customer=customer_id, invoice=None, currency=currency
            ):
                store.update("invoiceitems", item["id"], {"invoice": invoice_id})
    return render(store, doc)


@router.post("/v1/invoices")
async def create_invoice(request: Request, account: AccountDep, store: StoreDep) -> JSONResponse:
    params = await form_params(request)
    return run_keyed(request, store, account, params, lambda: create_draft(store, params))


def finalize(store: Store, invoice_id: str, params: Params) -> dict[str, Any]:
    """draft → open, numbered `PREFIX-0001` per customer; owing nothing, it is paid at once."""
    check_known(params, {"auto_advance", "expand"})
    boolean(params, "auto_advance")
    doc = load_invoice(store, invoice_id)
    if doc["status"] != "draft":
        raise not_editable(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice."
        )
    at = now()
    with store.transaction():
        customer = load_customer(store, doc["customer"])
        sequence = customer.get("next_invoice_sequence", 1)
        store.update("customers", customer["id"], {"next_invoice_sequence": sequence + 1})
        total = sum(i["amount"] for i in store.find("invoiceitems", invoice=invoice_id))
        changes: dict[str, Any] = {
            "status": "open" if total > 0 else "paid",
            "number": f"{customer['invoice_prefix']}-{sequence:04d}",
            "finalized_at": at,
        }
        if doc.get("days_until_due") is not None:
            changes["due_date"] = at + doc["days_until_due"] * DAY_S
        if total <= 0:
            changes["paid_at"] = at
        doc = store.update(COLLECTION, invoice_id, changes)
    return render(store, doc)


def void(store: Store, invoice_id: str, params: Params) -> dict[str, Any]:
    """open (or uncollectible) → void."""
    check_known(params, {"expand"})
    doc = load_invoice(store, invoice_id)
    if doc["status"] not in ("open", "uncollectible"):
        raise not_editable(
            f"You can only void an open or uncollectible invoice; this invoice is {doc['status']}."
        )
    return render(
        store, store.update(COLLECTION, invoice_id, {"status": "void", "voided_at": now()})
    )


def pay(store: Store, invoice_id: str, params: Params) -> dict[str, Any]:
    """open → paid, out of band only (the sandbox holds no payment methods)."""
    check_known(params, {"paid_out_of_band", "expand"})
    out_of_band = boolean(params, "paid_out_of_band")
    doc = load_invoice(store, invoice_id)
    if doc["status"] != "open":
        raise StripeError(
            400,
            f"Invoice is already {doc['status']}",
            code="invoice_not_editable" if doc["status"] == "draft" else None,
        )
    if not out_of_band:
        raise StripeError(
            400, "This customer has no attached payment source or default payment method."
        )
    changes = {"status": "paid", "paid_at": now(), "paid_out_of_band": True}
    return render(store, store.update(COLLECTION, invoice_id, changes))


def _action(name: str, action: Any) -> None:
    @router.post(f"/v1/invoices/{{invoice}}/{name}", name=f"{name}_invoice")
    async def route(
        invoice: str, request: Request, account: AccountDep, store: StoreDep
    ) -> JSONResponse:
        params = await form_params(request)
        return run_keyed(request, store, account, params, lambda: action(store, invoice, params))


for _name, _fn in (("finalize", finalize), ("void", void), ("pay", pay)):
    _action(_name, _fn)
