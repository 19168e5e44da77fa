"""The HCM API mounted in a real gateway, in front of a BambooHR sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.settings import GatewaySettings
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.fixtures.system_api import SystemApi, mounted_over_sandbox

BASE = "/system/hcm/v1"
READ_SCOPES = ("hcm.workers:read", "hcm.org:read", "hcm.leave:read")
ALL_SCOPES = (*READ_SCOPES, "hcm.workers:write", "hcm.compensation:read")
TIMEOUT_S = 1.5


class Hcm(SystemApi):
    """The gateway (HTTP client) and the BambooHR sandbox behind it."""

    @property
    def bamboohr(self) -> RunningSandbox:
        return self.sandbox


@pytest.fixture
async def hcm(
    sandbox_server: SandboxServers, settings: GatewaySettings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Hcm]:
    bamboohr = sandbox_server("bamboohr")
    environ = {
        "ATRIUM_HCM_BASE_URL": bamboohr.url,
        "ATRIUM_HCM_TIMEOUT_S": str(TIMEOUT_S),
        "ATRIUM_HCM_MAX_CONNECTIONS": "2",
    }
    async with mounted_over_sandbox(settings, monkeypatch, BASE, environ) as gateway:
        yield Hcm(gateway, bamboohr, BASE, ALL_SCOPES)
