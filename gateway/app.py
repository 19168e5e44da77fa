"""The application factory: settings in, a fully mounted gateway out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from redis.asyncio import Redis

from gateway import health
from gateway.database import create_engine
from gateway.middleware.body_limit import BodyLimitMiddleware
from gateway.middleware.errors import UnhandledErrorMiddleware
from gateway.middleware.request_context import RequestContextMiddleware
from gateway.openapi_problems import install_problem_openapi
from gateway.problems import install_problem_handlers
from gateway.registry import catalog
from gateway.registry.discovery import discover_apis
from gateway.registry.mounting import mount_apis
from gateway.settings import GatewaySettings
from gateway.state import GatewayState

UPSTREAM_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=50)


def _lifespan(settings: GatewaySettings):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[GatewayState]:
        engine = create_engine(settings)
        redis = (
            Redis.from_url(settings.redis_url.get_secret_value(), socket_timeout=1.0)
            if settings.redis_url
            else None
        )
        upstream = httpx.AsyncClient(limits=UPSTREAM_LIMITS, follow_redirects=False)
        try:
            yield GatewayState(settings=settings, db=engine, redis=redis, upstream_http=upstream)
        finally:
            await upstream.aclose()
            if redis is not None:
                await redis.aclose()
            await engine.dispose()

    return lifespan


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the gateway: discover and mount every API, install the edge middleware."""
    settings = settings or GatewaySettings()
    app = FastAPI(
        title="Atrium gateway",
        version="1",
        description="The gateway's own endpoints: catalog and health. "
        "Each API version serves its own document under its prefix.",
        lifespan=_lifespan(settings),
        docs_url="/docs",
        redoc_url=None,
    )
    install_problem_handlers(app)
    install_problem_openapi(app)
    app.include_router(health.router)
    app.include_router(catalog.router)
    mounted = mount_apis(app, discover_apis())
    app.state.catalog = catalog.build_catalog(mounted)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
