"""The billing API mounted in a real gateway, in front of a Stripe sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.settings import GatewaySettings
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.fixtures.system_api import SystemApi, mounted_over_sandbox

BASE = "/system/billing/v1"
ALL_SCOPES = (
    "billing.customers:read",
    "billing.customers:write",
    "billing.invoices:read",
    "billing.invoices:write",
    "billing.balances:read",
)


class Billing(SystemApi):
    """The gateway (HTTP client) and the Stripe sandbox behind it."""

    @property
    def stripe(self) -> RunningSandbox:
        return self.sandbox


@pytest.fixture
async def billing(
    sandbox_server: SandboxServers,
    settings: GatewaySettings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Billing]:
    stripe = sandbox_server("stripe")
    environ = {
        "ATRIUM_BILLING_BASE_URL": stripe.url,
        "ATRIUM_BILLING_TIMEOUT_S": "1.5",
        "ATRIUM_BILLING_RETRY_BASE_DELAY_S": "0.05",
        "ATRIUM_BILLING_RETRY_MAX_DELAY_S": "0.2",
        "ATRIUM_BILLING_MAX_CONNECTIONS": "2",
    }
    async with mounted_over_sandbox(settings, monkeypatch, BASE, environ) as gateway:
        yield Billing(gateway, stripe, BASE, ALL_SCOPES)
