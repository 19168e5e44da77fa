"""The HCM API's long-lived parts: one BambooHR client with its quota and breaker."""

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
from system_apis.hcm.connector.api import BambooConnector
from system_apis.hcm.errors import VENDOR
from system_apis.hcm.mapping import HcmMapping
from system_apis.hcm.settings import HcmSettings
from system_apis.hcm.v1.service import HcmService


def build_connector(
    settings: HcmSettings,
    redis_url: str | None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> BambooConnector:
    """A BambooHR connector speaking as `settings` say (tests may pass a transport)."""
    client = create_vendor_client(
        base_url=settings.base_url,
        headers={"Accept": "application/json"},
        auth=httpx.BasicAuth(settings.api_key.get_secret_value(), "x"),
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        limits=pool_limits(settings.max_connections),
        transport=transport or settings.transport,
    )
    quota = OutboundQuota.build(
        VENDOR,
        settings.company_domain,
        settings.rate_limits,
        redis_url=redis_url,
        max_wait_s=settings.quota_max_wait_s,
    )
    return BambooConnector(
        VENDOR,
        client,
        quota=quota,
        breaker=CircuitBreaker(),
        retry=RetryPolicy(attempts=settings.retry_attempts),
    )


def build_service(
    ctx: RuntimeContext, connector: BambooConnector, settings: HcmSettings
) -> HcmService:
    """The service over `connector`, with the policies from `ctx.policy_dir`."""
    return HcmService(
        connector=connector,
        mapping=HcmMapping.from_policy(load_mapping(ctx.policy_dir, "hcm")),
        ownership=load_ownership(ctx.policy_dir),
        page_size=settings.page_size,
    )


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[HcmService]:
    """Yield the HCM service for the gateway's lifespan; close the BambooHR pool after."""
    settings = settings_from(HcmSettings, ctx)
    service = build_service(ctx, build_connector(settings, ctx.redis_url), settings)
    try:
        yield service
    finally:
        await service.connector.aclose()
