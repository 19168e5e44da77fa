"""`GET /catalog`: every API, version, lifecycle state, owner and spec link."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from contracts.registry import Lifecycle
from gateway.registry.mounting import MountedVersion


class CatalogVersion(BaseModel):
    """One version as the catalog lists it."""

    version: str
    lifecycle: Lifecycle
    base_path: str
    spec_url: str | None
    docs_url: str | None
    served_by: Literal["in-process", "remote"]
    scopes: list[str]
    deprecated_at: datetime | None
    sunset_at: datetime | None


class CatalogApi(BaseModel):
    """One API with all of its versions."""

    name: str
    kind: Literal["system", "process"]
    title: str
    owner: str
    description: str
    versions: list[CatalogVersion]


class Catalog(BaseModel):
    """Everything the gateway serves."""

    apis: list[CatalogApi]


def build_catalog(mounted: list[MountedVersion]) -> Catalog:
    """The catalog for a set of mounted versions, grouped by API."""
    by_api: dict[tuple[str, str], CatalogApi] = {}
    for m in mounted:
        key = (m.manifest.kind, m.manifest.name)
        entry = by_api.setdefault(
            key,
            CatalogApi(
                name=m.manifest.name,
                kind=m.manifest.kind,
                title=m.manifest.title,
                owner=m.manifest.owner,
                description=m.manifest.description,
                versions=[],
            ),
        )
        live = m.version.lifecycle is not Lifecycle.RETIRED
        entry.versions.append(
            CatalogVersion(
                version=m.version.label,
                lifecycle=m.version.lifecycle,
                base_path=m.base_path,
                spec_url=f"{m.base_path}/openapi.json" if live else None,
                docs_url=f"{m.base_path}/docs" if live else None,
                served_by="remote" if m.version.remote else "in-process",
                scopes=list(m.version.scopes),
                deprecated_at=m.version.deprecated_at,
                sunset_at=m.version.sunset_at,
            )
        )
    return Catalog(apis=list(by_api.values()))


router = APIRouter(tags=["catalog"])


@router.get("/catalog", operation_id="getCatalog", summary="List every API and version")
async def get_catalog(request: Request) -> Catalog:
    """Every API the gateway serves, with lifecycle state, owner and spec links."""
    catalog: Catalog = request.app.state.catalog
    return catalog
