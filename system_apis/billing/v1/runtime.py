"""The billing API's long-lived service: one Stripe connector per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from contracts.registry import RuntimeContext
from system_apis._kit.breaker import CircuitBreaker
from system_apis._kit.http import create_vendor_client, pool_limits
from system_apis._kit.policy_files import load_mapping, load_ownership
from system_apis._kit.quota import OutboundQuota
from system_apis._kit.retry import RetryPolicy
from system_apis._kit.runtime import settings_from
from system_apis.billing.connector.api import StripeConnector
from system_apis.billing.errors import VENDOR
from system_apis.billing.mapping import load_billing_mapping
from system_apis.billing.settings import BillingSettings
from system_apis.billing.v1.service import BillingService


def build_connector(
    settings: BillingSettings,
    rules_pointers: dict[str, dict[str, str]],
    *,
    redis_url: str | None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> StripeConnector:
    """A Stripe connector from settings (tests may pass their own transport)."""
    client = create_vendor_client(
        base_url=settings.base_url,
        headers={
            "Authorization": f"Bearer {settings.secret_key.get_secret_value()}",
            "Stripe-Version": settings.stripe_version,
        },
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        limits=pool_limits(settings.max_connections),
        transport=transport or settings.transport,
    )
    quota = OutboundQuota.build(
        VENDOR,
        settings.account_id,
        [settings.rate_limit],
        redis_url=redis_url,
        max_wait_s=settings.quota_max_wait_s,
    )
    retry = RetryPolicy(
        attempts=settings.retry_attempts,
        base_delay_s=settings.retry_base_delay_s,
        max_delay_s=settings.retry_max_delay_s,
    )
    breaker = CircuitBreaker(settings.breaker_threshold, settings.breaker_reset_s)
    return StripeConnector(
        client, pointers=rules_pointers, quota=quota, breaker=breaker, retry=retry
    )


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[BillingService]:
    """Open the Stripe connector for the gateway's lifetime."""
    settings = settings_from(BillingSettings, ctx)
    rules = load_billing_mapping(load_mapping(ctx.policy_dir, "billing"))
    connector = build_connector(settings, rules.error_pointers, redis_url=ctx.redis_url)
    try:
        yield BillingService(connector, rules, load_ownership(ctx.policy_dir))
    finally:
        await connector.aclose()
