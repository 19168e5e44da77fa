"""Clients: list and retrieve (the PSA mirror of the ERP's customers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from sandboxes.harvest.deps import ActiveQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import fetch, keep, newest_first
from sandboxes.harvest.paging import page_of

router = APIRouter()


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
