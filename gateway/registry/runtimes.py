"""Start and stop the long-lived services of in-process API versions with the gateway."""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, suppress
from typing import Any

import httpx

from contracts.registry import Lifecycle, RuntimeContext
from gateway.registry.discovery import ManifestError
from gateway.registry.mounting import MountedVersion
from gateway.settings import GatewaySettings

Runtime = Callable[[RuntimeContext], AbstractAsyncContextManager[Any]]

_log = logging.getLogger("atrium.runtimes")
RETRY_S = 5.0


def runtime_context(
    settings: GatewaySettings, *, api_http: Callable[[str], httpx.AsyncClient] | None = None
) -> RuntimeContext:
    """The context every version runtime receives, built from the gateway's settings."""
    return RuntimeContext(
        environ=dict(os.environ),
        redis_url=settings.redis_url.get_secret_value() if settings.redis_url else None,
        policy_dir=settings.policy_dir,
        data_dir=settings.data_dir,
        database_url=settings.resolved_database_url(),
        api_http=api_http,
    )


def load_runtime(import_path: str) -> Runtime:
    """The runtime factory named by 'package.module:attribute'."""
    module_name, _, attribute = import_path.partition(":")
    factory = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(factory):
        raise ManifestError(f"{import_path} is not a runtime factory")
    return factory  # type: ignore[no-any-return]


@asynccontextmanager
async def running_services(
    mounted: list[MountedVersion],
    context: RuntimeContext,
    services: dict[str, Any],
    *,
    retry_s: float | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Enter every served version's runtime into `services` (keyed 'kind/name/vN').

    A runtime that cannot start (its database is not up yet, say) does not stop the
    gateway: it is logged, its routes answer 503 `service-unavailable`, and it is
    retried in the background until it starts.
    """
    async with AsyncExitStack() as stack:
        waiting: list[tuple[str, Runtime]] = []
        for served in mounted:
            runtime = served.version.runtime
            if runtime is None or served.version.lifecycle is Lifecycle.RETIRED:
                continue
            factory = load_runtime(runtime)
            if not await _enter(stack, services, served.key, factory, context):
                waiting.append((served.key, factory))
        retrying = (
            asyncio.create_task(_retry(stack, services, waiting, context, retry_s or RETRY_S))
            if waiting
            else None
        )
        try:
            yield services
        finally:
            if retrying is not None:
                retrying.cancel()
                with suppress(asyncio.CancelledError):
                    await retrying


async def _enter(
    stack: AsyncExitStack,
    services: dict[str, Any],
    key: str,
    factory: Runtime,
    context: RuntimeContext,
    *,
    quiet: bool = False,
) -> bool:
    try:
        services[key] = await stack.enter_async_context(factory(context))
    except Exception as exc:
        if quiet:
            _log.debug("runtime still not starting", extra={"api": key, "error": repr(exc)})
        else:
            _log.exception("runtime failed to start; retrying", extra={"api": key})
        return False
    _log.info("runtime started", extra={"api": key})
    return True


async def _retry(
    stack: AsyncExitStack,
    services: dict[str, Any],
    waiting: list[tuple[str, Runtime]],
    context: RuntimeContext,
    retry_s: float,
) -> None:
    while waiting:
        await asyncio.sleep(retry_s)
        waiting[:] = [
            (key, factory)
            for key, factory in waiting
            if not await _enter(stack, services, key, factory, context, quiet=True)
        ]
