"""Clients: list, retrieve and create (the PSA mirror of the ERP's customers)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette import status

from sandboxes.harvest.deps import ActiveQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import fetch, keep, newest_first, stamped
from sandboxes.harvest.errors import Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()
COMPANY_CURRENCY = "USD"  # the demo account's own currency


@router.get("/clients")
def list_clients(
    request: Request,
    store: StoreDep,
    is_active: ActiveQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    docs = keep(store.all("clients"), is_active=is_active, updated_since=updated_since)
    return page_of(request, "clients", newest_first(docs))


@router.get("/clients/{client_id}")
def retrieve_client(client_id: str, store: StoreDep) -> dict[str, Any]:
    return fetch(store, "clients", client_id)


class NewClient(BaseModel):
    """createClient's body: a name; the company's currency when none is given."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    is_active: bool | None = None
    address: str | None = None
    currency: str | None = None


@router.post("/clients", status_code=status.HTTP_201_CREATED)
def create_client(body: NewClient, store: StoreDep) -> dict[str, Any]:
    if not body.name:
        raise Unprocessable("Name can't be blank")
    doc = {
        "name": body.name,
        "is_active": True if body.is_active is None else body.is_active,
        "address": body.address,
        "statement_key": uuid.uuid4().hex,
        "currency": body.currency or COMPANY_CURRENCY,
    }
    with store.transaction():
        if store.find("clients", name=body.name):
            raise Unprocessable("Name has already been taken")
        return store.insert("clients", stamped(doc))
