"""The leave-sync runtime: the shared flow engine plus the HCM leave poller of this process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.engine import FlowRuntime, flow_runtime
from process_apis._runtime.periodic import in_background
from process_apis.leave_sync.poller import create_seen_tables, poll_forever
from process_apis.leave_sync.settings import LeaveSyncSettings


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[FlowRuntime]:
    """Enter the flow engine and poll the HCM's leave every `poll_interval_s` (unless 0)."""
    settings = settings_from(LeaveSyncSettings, ctx)
    async with flow_runtime(ctx) as flows:
        await create_seen_tables(flows.store)
        polling = poll_forever(flows, settings) if settings.poll_interval_s > 0 else None
        async with in_background(polling):
            yield flows
