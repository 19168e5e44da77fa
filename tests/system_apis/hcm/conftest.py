"""The HCM API mounted in a real gateway, in front of a BambooHR sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import httpx
import pytest

from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.edge import EdgeGateway, edge_gateway
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers

BASE = "/system/hcm/v1"
READ_SCOPES = ("hcm.workers:read", "hcm.org:read", "hcm.leave:read")
ALL_SCOPES = (*READ_SCOPES, "hcm.workers:write", "hcm.compensation:read")
TIMEOUT_S = 1.5


@dataclass
class Hcm:
    """The gateway (HTTP client) and the BambooHR sandbox behind it."""

    gateway: EdgeGateway
    bamboohr: RunningSandbox
    _tokens: dict[tuple[tuple[str, ...], str | None], str] = field(default_factory=dict)

    async def token(self, scopes: Iterable[str], partner: str | None) -> str:
        key = (tuple(sorted(scopes)), partner)
        if key not in self._tokens:
            credential = await create_client(
                self.gateway.engine, name="hcm test", scopes=list(key[0]), partner_id=partner
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
        **kwargs: object,
    ) -> httpx.Response:
        auth = {"Authorization": f"Bearer {await self.token(scopes, partner)}"}
        return await self.gateway.http.request(
            method,
            BASE + path,
            headers=auth | (headers or {}),
            **kwargs,  # type: ignore[arg-type]
        )

    async def get(self, path: str, **kwargs: object) -> httpx.Response:
        return await self.call("GET", path, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def hcm(
    sandbox_server: SandboxServers, settings: GatewaySettings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Hcm]:
    bamboohr = sandbox_server("bamboohr")
    monkeypatch.setenv("ATRIUM_HCM_BASE_URL", bamboohr.url)
    monkeypatch.setenv("ATRIUM_HCM_TIMEOUT_S", str(TIMEOUT_S))
    monkeypatch.setenv("ATRIUM_HCM_MAX_CONNECTIONS", "2")
    big_bodies = settings.model_copy(update={"max_body_bytes": 65536})
    async with edge_gateway(big_bodies, BASE) as gateway:
        yield Hcm(gateway, bamboohr)
