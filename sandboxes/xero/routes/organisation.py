"""GET /connections (identity API) and GET /Organisation (accounting API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sandboxes.xero.auth import TENANTS, BearerDep, StoreDep, TenantDep
from sandboxes.xero.books import render
from sandboxes.xero.wire import envelope

identity = APIRouter()
router = APIRouter()


@identity.get("/connections")
def list_connections(_token: BearerDep, store: StoreDep) -> list[dict[str, Any]]:
    """The tenants this token is connected to (camelCase: the identity API's casing)."""
    return [
        {
            "id": org["_connection_id"],
            "authEventId": org["_connection_id"],
            "tenantId": org["OrganisationID"],
            "tenantType": "ORGANISATION",
            "tenantName": org["Name"],
            "createdDateUtc": org["CreatedDateUTC"],
            "updatedDateUtc": org["CreatedDateUTC"],
        }
        for org in store.all(TENANTS)
    ]


@router.get("/Organisation")
def get_organisations(org: TenantDep) -> dict[str, Any]:
    """The organisation of the tenant named in `xero-tenant-id`."""
    return envelope("Organisations", [render(org)])
