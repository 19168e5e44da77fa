"""The billing API mounted in a real gateway, in front of a Stripe sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import httpx
import pytest

from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.edge import EdgeGateway, edge_gateway
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers

BASE = "/system/billing/v1"
ALL_SCOPES = (
    "billing.customers:read",
    "billing.customers:write",
    "billing.invoices:read",
    "billing.invoices:write",
    "billing.balances:read",
)


@dataclass
class Billing:
    """The gateway (HTTP client) and the Stripe sandbox behind it."""

    gateway: EdgeGateway
    stripe: RunningSandbox
    _tokens: dict[tuple[tuple[str, ...], str | None], str] = field(default_factory=dict)

    async def token(self, scopes: Iterable[str] = ALL_SCOPES, partner: str | None = None) -> str:
        key = (tuple(sorted(scopes)), partner)
        if key not in self._tokens:
            credential = await create_client(
                self.gateway.engine, name="billing test", scopes=list(key[0]), partner_id=partner
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
async def billing(
    sandbox_server: SandboxServers,
    settings: GatewaySettings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Billing]:
    stripe = sandbox_server("stripe")
    monkeypatch.setenv("ATRIUM_BILLING_BASE_URL", stripe.url)
    monkeypatch.setenv("ATRIUM_BILLING_TIMEOUT_S", "1.5")
    monkeypatch.setenv("ATRIUM_BILLING_RETRY_BASE_DELAY_S", "0.05")
    monkeypatch.setenv("ATRIUM_BILLING_RETRY_MAX_DELAY_S", "0.2")
    monkeypatch.setenv("ATRIUM_BILLING_MAX_CONNECTIONS", "2")
    big_bodies = settings.model_copy(update={"max_body_bytes": 65536})
    async with edge_gateway(big_bodies, BASE) as gateway:
        yield Billing(gateway, stripe)
