"""Clients that let one API version call another through the gateway's own edge.

Process APIs call system APIs with their typed v1 clients. In the gateway process those
calls go in-process (httpx's ASGI transport into the gateway app), yet through the same
edge as any consumer's: a token, scopes, rate limits and the Idempotency-Key store, so a
step's `{run_id}:{step}` key is replayed rather than executed twice. The token is minted
here for the internal principal `atrium-process-runtime` and renewed before it expires.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable, MutableMapping
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.oauth.keys import KeyStore
from gateway.oauth.rfc9068_tokens import issue_access_token
from gateway.settings import GatewaySettings

INTERNAL_CLIENT_ID = "atrium-process-runtime"
INTERNAL_TIER = "internal"
_RENEW_BEFORE_S = 60
_BASE = "http://atrium.internal"


class _WithState:
    """Give in-process requests the lifespan state a server would copy into each scope."""

    def __init__(self, app: ASGIApp, state: MutableMapping[str, Any]) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = {**scope, "state": dict(self.state)}
        await self.app(scope, receive, send)


class InternalTokenAuth(httpx.Auth):
    """Bearer auth with a token minted from the gateway's active signing key."""

    def __init__(self, keys: KeyStore, settings: GatewaySettings, scopes: list[str]) -> None:
        self._keys = keys
        self._settings = settings
        self._scope = " ".join(sorted(scopes))
        self._token = ""
        self._renew_at = 0.0

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if time.time() >= self._renew_at:
            await self._mint()
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    async def _mint(self) -> None:
        ttl = self._settings.access_token_ttl_s
        self._token, claims = issue_access_token(
            await self._keys.active(),
            issuer=self._settings.token_issuer(),
            audience=self._settings.audience,
            client_id=INTERNAL_CLIENT_ID,
            scope=self._scope,
            ttl_s=ttl,
            extra={"tier": INTERNAL_TIER},
        )
        self._renew_at = claims["exp"] - _RENEW_BEFORE_S


def internal_client_factory(
    app: ASGIApp,
    state: MutableMapping[str, Any],
    auth: httpx.Auth,
    *,
    timeout_s: float = 60.0,
) -> Callable[[str], httpx.AsyncClient]:
    """A factory of clients for API versions by base path, all sharing one `auth`.

    Process APIs pass `InternalTokenAuth`; the GraphQL layer passes the caller's own token.
    """
    transport = httpx.ASGITransport(app=_WithState(app, state))

    def client_for(base_path: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport,
            base_url=f"{_BASE}{base_path.rstrip('/')}/",
            auth=auth,
            timeout=timeout_s,
        )

    return client_for
