"""The hire-to-assign runtime: the shared flow engine plus the HCM poller of this process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.engine import FlowRuntime, flow_runtime
from process_apis._runtime.periodic import in_background
from process_apis.hire_to_assign.poller import create_marks_table, poll_forever
from process_apis.hire_to_assign.settings import HireToAssignSettings


@asynccontextmanager
async def runtime(ctx: RuntimeContext) -> AsyncIterator[FlowRuntime]:
    """Enter the flow engine and poll the HCM every `poll_interval_s` (unless 0)."""
    settings = settings_from(HireToAssignSettings, ctx)
    async with flow_runtime(ctx) as flows:
        await create_marks_table(flows.store)
        polling = poll_forever(flows, settings) if settings.poll_interval_s > 0 else None
        async with in_background(polling):
            yield flows
