"""The PSA API mounted in a real gateway, in front of a Harvest sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.edge import EdgeGateway, edge_gateway
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers

BASE = "/system/psa/v1"
ALL_SCOPES = (
    "psa.customers:read",
    "psa.projects:read",
    "psa.projects:write",
    "psa.tasks:write",
    "psa.resources:read",
    "psa.resources:write",
    "psa.rates:read",
    "psa.assignments:read",
    "psa.assignments:write",
    "psa.time:read",
    "psa.time:approve",
)


@dataclass
class Psa:
    """The gateway (HTTP client) and the Harvest sandbox behind it."""

    gateway: EdgeGateway
    harvest: RunningSandbox
    _tokens: dict[tuple[tuple[str, ...], str | None], str] = field(default_factory=dict)

    async def token(self, scopes: Iterable[str] = ALL_SCOPES, partner: str | None = None) -> str:
        key = (tuple(sorted(scopes)), partner)
        if key not in self._tokens:
            credential = await create_client(
                self.gateway.engine, name="psa test", scopes=list(key[0]), partner_id=partner
            )
            response = await self.gateway.http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(credential.client_id, credential.client_secret),
            )
            assert response.status_code == 200, response.text
            self._tokens[key] = response.json()["access_token"]
        return self._tokens[key]

    async def call(
        self,
        method: str,
        path: str,
        *,
        scopes: Iterable[str] = ALL_SCOPES,
        partner: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        token = await self.token(scopes, partner)
        headers = {"Authorization": f"Bearer {token}"} | (headers or {})
        return await self.gateway.http.request(method, BASE + path, headers=headers, **kwargs)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.call("GET", path, **kwargs)


@pytest.fixture
async def psa(
    sandbox_server: SandboxServers,
    settings: GatewaySettings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Psa]:
    harvest = sandbox_server("harvest")
    monkeypatch.setenv("ATRIUM_PSA_BASE_URL", harvest.url + "/v2")
    monkeypatch.setenv("ATRIUM_PSA_TIMEOUT_S", "1.5")
    monkeypatch.setenv("ATRIUM_PSA_MAX_CONNECTIONS", "2")
    big_bodies = settings.model_copy(update={"max_body_bytes": 65536})
    async with edge_gateway(big_bodies, BASE) as gateway:
        yield Psa(gateway, harvest)
