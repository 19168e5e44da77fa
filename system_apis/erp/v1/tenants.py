"""The legal entities behind the ERP API: one Xero tenant each, discovered and cached."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from contracts.erp import LegalEntity
from contracts.problems import ProblemError
from system_apis.erp.connector.api import XeroApi
from system_apis.erp.mapping import ErpMapping, to_canonical_legal_entity


@dataclass(frozen=True, slots=True)
class Tenant:
    """A legal entity and the connector that acts on its Xero organisation."""

    entity: LegalEntity
    api: XeroApi


class Tenants:
    """Legal entities by code, refreshed from Xero at most every `ttl_s` seconds.

    Lock dates change when the books close, so the cache is short; connectors are
    kept per tenant id so their quotas and concurrency slots outlive a refresh.
    """

    def __init__(
        self,
        identity: XeroApi,
        make_api: Callable[[str], XeroApi],
        mapping: ErpMapping,
        ttl_s: float,
    ) -> None:
        self._identity = identity
        self._make_api = make_api
        self._mapping = mapping
        self._ttl_s = ttl_s
        self._apis: dict[str, XeroApi] = {}
        self._by_code: dict[str, Tenant] = {}
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def api_for(self, tenant_id: str) -> XeroApi:
        if tenant_id not in self._apis:
            self._apis[tenant_id] = self._make_api(tenant_id)
        return self._apis[tenant_id]

    @property
    def apis(self) -> list[XeroApi]:
        return [self._identity, *self._apis.values()]

    async def all(self) -> list[Tenant]:
        """Every connected organisation as a legal entity, ordered by code."""
        async with self._lock:
            if time.monotonic() >= self._expires:
                self._by_code = await self._discover()
                self._expires = time.monotonic() + self._ttl_s
            return sorted(self._by_code.values(), key=lambda t: t.entity.code)

    async def get(self, code: str) -> Tenant:
        """The tenant of one legal entity; 404 problem when there is none."""
        for tenant in await self.all():
            if tenant.entity.code == code:
                return tenant
        raise ProblemError("not-found", "No legal entity has this code.")

    async def _discover(self) -> dict[str, Tenant]:
        connections = await self._identity.list_connections()
        organisations = [c for c in connections if c.tenant_type == "ORGANISATION"]
        apis = [self.api_for(c.tenant_id) for c in organisations]
        orgs = await asyncio.gather(*(api.get_organisation() for api in apis))
        tenants = [
            Tenant(to_canonical_legal_entity(org, self._mapping), api)
            for org, api in zip(orgs, apis, strict=True)
        ]
        return {t.entity.code: t for t in tenants}
