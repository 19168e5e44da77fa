"""The PSA API's long-lived parts: one Harvest client, quota, breaker and lookups."""

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
from system_apis.psa.connector.api import VENDOR, HarvestConnector
from system_apis.psa.mapping import MappingPolicy
from system_apis.psa.settings import PsaSettings
from system_apis.psa.v1.context import PsaContext
from system_apis.psa.v1.directory import Directory
from system_apis.psa.v1.service import PsaService


def build_connector(
    settings: PsaSettings,
    redis_url: str | None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> HarvestConnector:
    """A Harvest connector speaking as `settings` say (tests may pass a transport)."""
    client = create_vendor_client(
        base_url=settings.base_url,
        headers={
            "Authorization": f"Bearer {settings.access_token.get_secret_value()}",
            "Harvest-Account-Id": settings.account_id,
            "User-Agent": settings.user_agent,
            "Accept": "application/json",
        },
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        limits=pool_limits(settings.max_connections),
        transport=transport or settings.transport,
    )
    quota = OutboundQuota.build(
        VENDOR,
        settings.account_id,
        settings.rate_limits,
        redis_url=redis_url,
        max_wait_s=settings.quota_max_wait_s,
    )
    return HarvestConnector(
        VENDOR,
        client,
        quota=quota,
        breaker=CircuitBreaker(),
        retry=RetryPolicy(attempts=settings.retry_attempts),
    )


def build_service(
    ctx: RuntimeContext, connector: HarvestConnector, settings: PsaSettings
) -> PsaService:
    """The service over `connector`, with the policies from `ctx.policy_dir`."""
    policy = MappingPolicy.from_dict(load_mapping(ctx.policy_dir, "psa"))
    context = PsaContext(
        connector=connector,
        directory=Directory(connector, policy, settings.directory_ttl_s),
        mapping=policy,
        ownership=load_ownership(ctx.policy_dir),
    )
    return PsaService(context)


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[PsaService]:
    """Yield the PSA service for the gateway's lifespan; close the Harvest pool after."""
    settings = settings_from(PsaSettings, ctx)
    service = build_service(ctx, build_connector(settings, ctx.redis_url), settings)
    try:
        yield service
    finally:
        await service.aclose()
