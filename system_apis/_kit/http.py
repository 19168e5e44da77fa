"""The one factory for vendor HTTP clients: explicit limits and timeouts, swappable transport."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import httpx
from httpx_aiohttp import AiohttpTransport

TransportName = Literal["httpx", "aiohttp"]

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=2.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10)


def pool_limits(max_connections: int) -> httpx.Limits:
    """A pool of `max_connections`, all of which may stay alive between calls."""
    return httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)


def build_transport(name: TransportName, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """httpx's own pool, or aiohttp's (faster under concurrency, encode/httpx#3215)."""
    if name == "aiohttp":
        return AiohttpTransport(limits=limits, trust_env=False)
    return httpx.AsyncHTTPTransport(limits=limits, trust_env=False)


def create_vendor_client(
    *,
    base_url: str,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    limits: httpx.Limits = DEFAULT_LIMITS,
    transport: httpx.AsyncBaseTransport | TransportName = "httpx",
) -> httpx.AsyncClient:
    """A long-lived client for one vendor; call sites never build their own."""
    if isinstance(transport, str):
        transport = build_transport(transport, limits)
    return httpx.AsyncClient(
        base_url=base_url,
        headers=dict(headers or {}),
        auth=auth,
        timeout=timeout,
        transport=transport,
        follow_redirects=False,
        trust_env=False,
    )
