"""The http client the remote proxy uses, with a swappable transport.

httpx's default pool costs a `poll` per pooled connection per request
(encode/httpx#3215), which caps proxy throughput; the aiohttp transport keeps
the httpx API (call sites unchanged) with aiohttp's connection pool underneath.
"""

from __future__ import annotations

from typing import Literal

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

UpstreamTransport = Literal["aiohttp", "httpx"]
LIMITS = httpx.Limits(max_connections=256, max_keepalive_connections=256, keepalive_expiry=30)


def create_upstream_client(transport: UpstreamTransport) -> httpx.AsyncClient:
    """A long-lived client adding no headers of its own: a proxy forwards, it does not author."""
    chosen: httpx.AsyncBaseTransport = (
        AiohttpTransport(limits=LIMITS, trust_env=False)
        if transport == "aiohttp"
        else httpx.AsyncHTTPTransport(limits=LIMITS, trust_env=False)
    )
    client = httpx.AsyncClient(transport=chosen, follow_redirects=False, trust_env=False)
    client.headers = httpx.Headers()
    return client


def timed_out(exc: httpx.TransportError) -> bool:
    """Whether an upstream failure was a timeout (504) rather than unreachable (502).

    httpx-aiohttp maps a refused connection to `ConnectTimeout`; the aiohttp cause
    tells the two apart.
    """
    if not isinstance(exc, httpx.TimeoutException):
        return False
    cause = exc.__cause__
    refused = isinstance(cause, aiohttp.ClientConnectorError) and not isinstance(
        cause, aiohttp.ServerTimeoutError | aiohttp.ConnectionTimeoutError
    )
    return not refused
