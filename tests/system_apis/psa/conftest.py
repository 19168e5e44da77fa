"""The PSA API mounted in a real gateway, in front of a Harvest sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.settings import GatewaySettings
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.fixtures.system_api import SystemApi, mounted_over_sandbox

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


class Psa(SystemApi):
    """The gateway (HTTP client) and the Harvest sandbox behind it."""

    @property
    def harvest(self) -> RunningSandbox:
        return self.sandbox


@pytest.fixture
async def psa(
    sandbox_server: SandboxServers,
    settings: GatewaySettings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Psa]:
    harvest = sandbox_server("harvest")
    environ = {
        "ATRIUM_PSA_BASE_URL": harvest.url + "/v2",
        "ATRIUM_PSA_TIMEOUT_S": "1.5",
        "ATRIUM_PSA_MAX_CONNECTIONS": "2",
    }
    async with mounted_over_sandbox(settings, monkeypatch, BASE, environ) as gateway:
        yield Psa(gateway, harvest, BASE, ALL_SCOPES)
