"""The exceptions API's runtime: the shared flow runtime plus the failed-run sweeper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.engine import FlowRuntime, flow_runtime
from process_apis._runtime.periodic import in_background
from process_apis.exceptions.failed_runs import sweep_forever
from process_apis.exceptions.settings import ExceptionSettings


@asynccontextmanager
async def exceptions_runtime(ctx: RuntimeContext) -> AsyncIterator[FlowRuntime]:
    """Enter the flow runtime (routes use it as every flow's do) and sweep for failed runs."""
    settings = settings_from(ExceptionSettings, ctx)
    async with flow_runtime(ctx) as runtime, in_background(sweep_forever(runtime, settings)):
        yield runtime
