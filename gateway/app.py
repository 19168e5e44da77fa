"""The application factory: settings in, a fully mounted gateway out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, cast

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway import console, health
from gateway.console import documents as console_documents
from gateway.database import create_engine, create_schema
from gateway.edge.idempotency_store import create_idempotency_store
from gateway.edge.rate_limiter import create_rate_limiter
from gateway.graphql.endpoint import mount_graphql
from gateway.middleware.body_limit import BodyLimitMiddleware
from gateway.middleware.errors import UnhandledErrorMiddleware
from gateway.middleware.header_limit import HeaderLimitMiddleware
from gateway.middleware.request_context import RequestContextMiddleware
from gateway.oauth import router as oauth
from gateway.oauth.denylist import create_denylist
from gateway.oauth.keys import KeyStore
from gateway.oauth.trusted_issuers import TrustedIssuers
from gateway.openapi_problems import install_problem_openapi
from gateway.policy.scopes import load_scope_policy
from gateway.problems import install_problem_handlers
from gateway.registry import catalog
from gateway.registry.discovery import discover_apis
from gateway.registry.internal_client import InternalTokenAuth, internal_client_factory
from gateway.registry.mounting import MountedVersion, mount_apis
from gateway.registry.runtimes import running_services, runtime_context
from gateway.settings import GatewaySettings
from gateway.state import GatewayState
from gateway.upstream import create_upstream_client

_log = logging.getLogger("atrium.startup")
BOOTSTRAP_WAIT_S = 3.0  # then serve anyway; /readyz reports the database


async def _bootstrap(engine: AsyncEngine, keys: KeyStore) -> None:
    """Create tables and load signing keys, retrying while the database is unreachable.

    The gateway starts (and `/readyz` says why it is not ready) instead of crashing
    when the database comes up after it.
    """
    while True:
        try:
            await create_schema(engine)
            await keys.refresh()
            return
        except (OSError, SQLAlchemyError) as exc:
            _log.warning("database not reachable yet; retrying", extra={"error": repr(exc)})
            await asyncio.sleep(2)


def _lifespan(settings: GatewaySettings, mounted: list[MountedVersion]):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[GatewayState]:
        engine = create_engine(settings)
        redis = (
            Redis.from_url(settings.redis_url.get_secret_value(), socket_timeout=1.0)
            if settings.redis_url
            else None
        )
        upstream = create_upstream_client(settings.upstream_transport)
        keys = KeyStore(engine, ttl_s=settings.key_cache_ttl_s)
        idempotency = create_idempotency_store(settings, engine)
        bootstrapping = asyncio.create_task(_bootstrap(engine, keys))
        await asyncio.wait({bootstrapping}, timeout=BOOTSTRAP_WAIT_S)
        state = GatewayState(
            settings=settings,
            db=engine,
            redis=redis,
            upstream_http=upstream,
            keys=keys,
            denylist=create_denylist(settings, engine, redis),
            trusted_issuers=TrustedIssuers(settings, upstream),
            rate_limiter=create_rate_limiter(settings, redis),
            idempotency=idempotency,
            apis={},
        )
        auth = InternalTokenAuth(keys, settings, list(app.state.scope_policy.scopes))
        api_http = internal_client_factory(app, cast(dict[str, Any], state), auth)
        stack = AsyncExitStack()
        try:
            context = runtime_context(settings, api_http=api_http)
            # Filled in place: requests and the internal clients read this very dict, and a
            # runtime that starts late (retried in the background) appears in it.
            await stack.enter_async_context(running_services(mounted, context, state["apis"]))
            yield state
        finally:
            await stack.aclose()
            bootstrapping.cancel()
            await idempotency.aclose()
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
        docs_url="/docs",
        redoc_url=None,
    )
    install_problem_handlers(app)
    install_problem_openapi(app)
    app.include_router(health.router)
    app.include_router(catalog.router)
    app.include_router(oauth.router)
    app.state.scope_policy = scopes = load_scope_policy(settings.policy_dir)
    mounted = mount_apis(app, discover_apis(), scopes)
    mount_graphql(app, settings, scopes, trusted=console_documents.DOCUMENTS.values())
    app.include_router(console.router)
    app.router.lifespan_context = _lifespan(settings, mounted)
    app.state.catalog = catalog.build_catalog(mounted)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeaderLimitMiddleware, max_bytes=settings.max_header_bytes)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
