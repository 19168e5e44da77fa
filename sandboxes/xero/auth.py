"""Xero's front door: an OAuth2 bearer token, then the `xero-tenant-id` of a connected tenant."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request

from sandboxes._kit.store import Store
from sandboxes.xero.wire import XeroError

ACCESS_TOKEN = "xero-sandbox-access-token"  # noqa: S105 - the sandbox's published demo token
TENANTS = "organisations"


def _identity_error(status: int, title: str, detail: str) -> XeroError:
    # Xero's identity layer answers in its own problem-like shape, not the accounting one.
    body: dict[str, Any] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return XeroError(status, body)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(store_of)]


def bearer(request: Request) -> str:
    """The caller's access token; 401 unless it is one the sandbox issued."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token != request.app.state.access_token:
        raise _identity_error(401, "Unauthorized", "AuthenticationUnsuccessful")
    return token


def tenant(
    request: Request, store: StoreDep, _token: Annotated[str, Depends(bearer)]
) -> dict[str, Any]:
    """The organisation named by `xero-tenant-id`; 403 when the token is not connected to it."""
    tenant_id = request.headers.get("xero-tenant-id", "")
    org = store.get(TENANTS, tenant_id) if tenant_id else None
    if org is None:
        raise _identity_error(403, "Forbidden", "AuthorizationUnsuccessful")
    return org


TenantDep = Annotated[dict[str, Any], Depends(tenant)]
BearerDep = Annotated[str, Depends(bearer)]


def rate_key(request: Request) -> str | None:
    """Xero counts calls per tenant; unauthenticated calls are refused before counting."""
    return request.headers.get("xero-tenant-id") or None
