"""The ERP API's long-lived parts: one Xero HTTP pool, connectors per tenant, policies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from contracts.registry import RuntimeContext
from system_apis._kit.breaker import CircuitBreaker
from system_apis._kit.http import create_vendor_client
from system_apis._kit.policy_files import load_mapping, load_ownership
from system_apis._kit.quota import OutboundQuota
from system_apis._kit.retry import RetryPolicy
from system_apis._kit.runtime import settings_from
from system_apis.erp.connector.api import VENDOR, XeroApi
from system_apis.erp.mapping import ErpMapping
from system_apis.erp.settings import ErpSettings
from system_apis.erp.v1.service import ErpService
from system_apis.erp.v1.tenants import Tenants

# Xero's app-wide limit for tenantless calls such as GET /connections.
APP_LIMITS = ["10000/minute"]


def build_service(
    settings: ErpSettings,
    ctx: RuntimeContext,
    client: httpx.AsyncClient,
) -> ErpService:
    """The service over `client`, with one quota and concurrency budget per Xero tenant."""
    breaker = CircuitBreaker()
    retry = RetryPolicy(
        attempts=settings.retry_attempts,
        max_delay_s=settings.retry_max_delay_s,
        max_retry_after_s=settings.retry_max_after_s,
    )

    def connector(tenant_id: str | None, limits: list[str]) -> XeroApi:
        quota = OutboundQuota.build(
            VENDOR,
            tenant_id or "app",
            limits,
            redis_url=ctx.redis_url,
            max_wait_s=settings.quota_max_wait_s,
        )
        return XeroApi(
            client,
            tenant_id=tenant_id,
            quota=quota,
            breaker=breaker,
            retry=retry,
            concurrency=settings.tenant_concurrency,
        )

    mapping = ErpMapping.from_policy(load_mapping(ctx.policy_dir, "erp"))
    tenants = Tenants(
        connector(None, APP_LIMITS),
        lambda tenant_id: connector(tenant_id, [settings.tenant_limits]),
        mapping,
        settings.entity_cache_s,
    )
    return ErpService(tenants, mapping, load_ownership(ctx.policy_dir))


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[ErpService]:
    """Open the Xero client for the gateway's lifetime and close it after."""
    settings = settings_from(ErpSettings, ctx)
    client = create_vendor_client(
        base_url=settings.base_url,
        headers={
            "Authorization": f"Bearer {settings.access_token.get_secret_value()}",
            "Accept": "application/json",
        },
        timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        transport=settings.transport,
    )
    async with client:
        yield build_service(settings, ctx, client)
