"""The ERP system API in a gateway, over a Xero sandbox served on loopback.

`erp` is one gateway and one sandbox per test module (starting a gateway costs seconds);
tests that share it use their own business keys. `erp_fresh` is per test, for fault tests.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gateway.app import create_app
from gateway.database import create_engine
from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.apps import PolicyFolder, serving
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers

BASE = "/system/erp/v1"
ALL_SCOPES = [
    "erp.entities:read",
    "erp.customers:read",
    "erp.customers:write",
    "erp.dimensions:read",
    "erp.dimensions:write",
    "erp.invoices:read",
    "erp.invoices:write",
    "erp.journals:read",
    "erp.journals:write",
]
ENV = {
    "ATRIUM_ERP_TIMEOUT_S": "1.0",
    "ATRIUM_ERP_RETRY_MAX_DELAY_S": "0.05",
    "ATRIUM_ERP_RETRY_MAX_AFTER_S": "1.5",
    "ATRIUM_ERP_ENTITY_CACHE_S": "0",
}


@dataclass
class Erp:
    """A gateway client holding a token for every ERP scope, and the sandbox behind it."""

    client: httpx.AsyncClient
    xero: RunningSandbox
    settings: GatewaySettings

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(BASE + path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post(BASE + path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.put(BASE + path, **kwargs)

    async def as_client(self, scopes: list[str], partner_id: str | None = None) -> str:
        """A token for another client (fewer scopes, or bound to a partner)."""
        return await token(self.client, self.settings, scopes, partner_id)


async def token(
    client: httpx.AsyncClient,
    settings: GatewaySettings,
    scopes: list[str],
    partner_id: str | None = None,
) -> str:
    engine = create_engine(settings)
    try:
        credential = await create_client(
            engine, name="erp tests", scopes=scopes, tier="internal", partner_id=partner_id
        )
    finally:
        await engine.dispose()
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(credential.client_id, credential.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@asynccontextmanager
async def erp_gateway(root: Path, xero: RunningSandbox) -> AsyncIterator[Erp]:
    """A gateway serving the ERP API against `xero`, with a token for every ERP scope."""
    settings = GatewaySettings(
        data_dir=root / "var", policy_dir=PolicyFolder(root / "policies").root
    )
    saved = {k: os.environ.get(k) for k in [*ENV, "ATRIUM_ERP_BASE_URL"]}
    os.environ.update({**ENV, "ATRIUM_ERP_BASE_URL": xero.url})
    try:
        async with serving(create_app(settings)) as client:
            client.headers["Authorization"] = "Bearer " + await token(client, settings, ALL_SCOPES)
            yield Erp(client, xero, settings)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def module_xero(
    tmp_path_factory: pytest.TempPathFactory, _sandbox_templates: tuple[dict[str, Path], Path]
) -> Iterator[RunningSandbox]:
    templates, template_dir = _sandbox_templates
    servers = SandboxServers(tmp_path_factory.mktemp("xero"), templates, template_dir)
    with servers.stack:
        yield servers("xero")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def erp(
    module_xero: RunningSandbox, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Erp]:
    # One gateway serves the whole module: its outbound quota must not throttle the suite
    # (the quota itself is tested with a per-test gateway in test_faults.py).
    os.environ["ATRIUM_ERP_TENANT_LIMITS"] = "6000/minute"
    try:
        async with erp_gateway(tmp_path_factory.mktemp("erp-gateway"), module_xero) as shared:
            yield shared
    finally:
        os.environ.pop("ATRIUM_ERP_TENANT_LIMITS", None)


@pytest.fixture(autouse=True)
def _fresh_vendor_windows(request: pytest.FixtureRequest) -> None:
    """Each test starts with Xero's per-minute windows empty, as with a sandbox of its own."""
    if "erp" in request.fixturenames:
        xero: RunningSandbox = request.getfixturevalue("module_xero")
        xero.app.state.limit.reset()


@pytest.fixture
async def erp_fresh(sandbox_server: SandboxServers, tmp_path: Path) -> AsyncIterator[Erp]:
    async with erp_gateway(tmp_path / "gateway", sandbox_server("xero")) as fresh:
        yield fresh
