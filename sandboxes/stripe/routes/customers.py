"""Stripe customers: list, search, retrieve, create, update."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.stripe import objects
from sandboxes.stripe.auth import AccountDep
from sandboxes.stripe.deps import StoreDep, now
from sandboxes.stripe.errors import invalid_param, no_such
from sandboxes.stripe.forms import (
    Params,
    check_known,
    choice,
    form_params,
    merge_metadata,
    metadata,
    query_params,
    text,
)
from sandboxes.stripe.idempotency import run_keyed
from sandboxes.stripe.ids import invoice_prefix, object_id
from sandboxes.stripe.paging import limit_of, list_object
from sandboxes.stripe.search import compile_query

router = APIRouter()
COLLECTION = "customers"
_WRITABLE = {"name", "email", "description", "phone", "metadata", "tax_exempt", "expand"}
_TAX_EXEMPT = ("none", "exempt", "reverse")


def load_customer(
    store: Store, customer_id: str, *, param: str = "id", status: int = 404
) -> dict[str, Any]:
    """A stored customer; Stripe's `resource_missing` otherwise."""
    doc = store.get(COLLECTION, customer_id)
    if doc is None:
        raise no_such("customer", customer_id, param=param, status=status)
    return doc


def _fields(params: Params) -> dict[str, Any]:
    """Writable scalar fields present in `params`; an empty string clears one (Stripe's rule)."""
    fields: dict[str, Any] = {}
    for name in ("name", "email", "description", "phone"):
        value = text(params, name)
        if value is not None:
            fields[name] = value or None
    tax_exempt = choice(params, "tax_exempt", _TAX_EXEMPT)
    if tax_exempt is not None:
        fields["tax_exempt"] = tax_exempt
    return fields


@router.get("/v1/customers")
async def list_customers(request: Request, account: AccountDep, store: StoreDep) -> dict[str, Any]:
    params = query_params(request)
    check_known(params, {"email", "limit", "starting_after", "ending_before", "expand", "created"})
    docs = store.all(COLLECTION)
    email = text(params, "email")
    if email is not None:
        docs = [d for d in docs if d.get("email") == email]
    return list_object(docs, params, url="/v1/customers", kind="customer", render=objects.customer)


@router.get("/v1/customers/search")
async def search_customers(
    request: Request, account: AccountDep, store: StoreDep
) -> dict[str, Any]:
    params = query_params(request)
    check_known(params, {"query", "limit", "page", "expand"})
    matches = compile_query(text(params, "query", required=True) or "")
    docs = [d for d in reversed(store.all(COLLECTION)) if matches(d)]
    limit, offset = limit_of(params), _page_offset(text(params, "page"))
    more = offset + limit < len(docs)
    return {
        "object": "search_result",
        "data": [objects.customer(d) for d in docs[offset : offset + limit]],
        "has_more": more,
        "next_page": _page_token(offset + limit) if more else None,
        "url": "/v1/customers/search",
    }


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _page_offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise invalid_param("page", f"Invalid page: {token}")


@router.get("/v1/customers/{customer}")
async def retrieve_customer(customer: str, account: AccountDep, store: StoreDep) -> dict[str, Any]:
    return objects.customer(load_customer(store, customer))


@router.post("/v1/customers")
async def create_customer(request: Request, account: AccountDep, store: StoreDep) -> JSONResponse:
    params = await form_params(request)

    def execute() -> dict[str, Any]:
        check_known(params, _WRITABLE)
        fields, meta = _fields(params), metadata(params) or {}
        customer_id = object_id("cus", store.next_id(COLLECTION))
        doc = {
            "id": customer_id,
            "created": now(),
            "currency": None,
            "balance": 0,
            "invoice_prefix": invoice_prefix(customer_id),
            "next_invoice_sequence": 1,
            "tax_exempt": "none",
            **fields,
            "metadata": merge_metadata({}, meta, clear=False),
        }
        return objects.customer(store.insert(COLLECTION, doc, id=customer_id))

    return run_keyed(request, store, account, params, execute)


@router.post("/v1/customers/{customer}")
async def update_customer(
    customer: str, request: Request, account: AccountDep, store: StoreDep
) -> JSONResponse:
    params = await form_params(request)

    def execute() -> dict[str, Any]:
        check_known(params, _WRITABLE)
        doc = load_customer(store, customer)
        fields, meta = _fields(params), metadata(params)
        merged = merge_metadata(doc.get("metadata", {}), meta, clear=params.get("metadata") == "")
        return objects.customer(store.update(COLLECTION, customer, {**fields, "metadata": merged}))

    return run_keyed(request, store, account, params, execute)
