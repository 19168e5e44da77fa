"""Typed lifespan state: the long-lived clients every request shares."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict, cast

import httpx
from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.edge.idempotency_store import IdempotencyStore
from gateway.edge.rate_limiter import RateLimiter
from gateway.oauth.denylist import Denylist
from gateway.oauth.keys import KeyStore
from gateway.oauth.trusted_issuers import TrustedIssuers
from gateway.settings import GatewaySettings


class GatewayState(TypedDict):
    """What the lifespan opens at startup and closes at shutdown."""

    settings: GatewaySettings
    db: AsyncEngine
    redis: Redis | None
    upstream_http: httpx.AsyncClient
    keys: KeyStore
    denylist: Denylist
    trusted_issuers: TrustedIssuers
    rate_limiter: RateLimiter
    idempotency: IdempotencyStore
    apis: dict[str, Any]


def get_state(request: Request) -> GatewayState:
    return cast(GatewayState, request.scope["state"])


StateDep = Annotated[GatewayState, Depends(get_state)]
