"""The leave-sync runtime: the shared flow engine plus the HCM leave poller of this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.engine import FlowRuntime, flow_runtime
from process_apis.leave_sync.poller import create_seen_tables, poll_forever
from process_apis.leave_sync.settings import LeaveSyncSettings


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[FlowRuntime]:
    """Enter the flow engine and poll the HCM's leave every `poll_interval_s` (unless 0)."""
    settings = settings_from(LeaveSyncSettings, ctx)
    async with flow_runtime(ctx) as flows:
        await create_seen_tables(flows.store)
        poller = None
        if settings.poll_interval_s > 0:
            poller = asyncio.create_task(poll_forever(flows, settings))
        try:
            yield flows
        finally:
            if poller is not None:
                poller.cancel()
                with suppress(asyncio.CancelledError):
                    await poller
