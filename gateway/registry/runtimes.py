"""Start and stop the long-lived services of in-process API versions with the gateway."""

from __future__ import annotations

import importlib
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from contracts.registry import Lifecycle, RuntimeContext
from gateway.registry.discovery import ManifestError
from gateway.registry.mounting import MountedVersion
from gateway.settings import GatewaySettings

Runtime = Callable[[RuntimeContext], AbstractAsyncContextManager[Any]]


def runtime_context(settings: GatewaySettings) -> RuntimeContext:
    """The context every version runtime receives, built from the gateway's settings."""
    return RuntimeContext(
        environ=dict(os.environ),
        redis_url=settings.redis_url.get_secret_value() if settings.redis_url else None,
        policy_dir=settings.policy_dir,
        data_dir=settings.data_dir,
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
    mounted: list[MountedVersion], context: RuntimeContext
) -> AsyncIterator[dict[str, Any]]:
    """Enter every served version's runtime; yields services keyed 'kind/name/vN'."""
    async with AsyncExitStack() as stack:
        services: dict[str, Any] = {}
        for served in mounted:
            runtime = served.version.runtime
            if runtime is None or served.version.lifecycle is Lifecycle.RETIRED:
                continue
            factory = load_runtime(runtime)
            services[served.key] = await stack.enter_async_context(factory(context))
        yield services
