"""Subscriptions over graphql-transport-ws: run status changes and newly opened exceptions.

Both poll the process APIs with the caller's token every `Feeds.interval_s`, reading the
newest `Feeds.window` records (per flow, for runs), and compare with the previous poll:
a run whose status differs (or that is new) is sent, as is an exception opened since the
subscription started and not sent before. The first poll of runs only sets the baseline.
Scopes and rate limits are those of the REST reads, checked at every poll, so a token that
expires or is revoked ends the subscription with an error. What one subscription holds is
bounded: the previous window, one upstream client per connection, and fresh loaders per
event (`Context.fresh_loaders`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField

from gateway.graphql.context import Info
from gateway.graphql.operations import LIST_EXCEPTIONS, chosen_flows, newest_first
from gateway.graphql.scopes import require
from gateway.graphql.types.operations import FlowRun, QueueException
from gateway.graphql.upstream import fetch
from process_apis._runtime.runs import RunView


async def _newest_runs(info: Info, flows: list[str]) -> list[RunView]:
    client = info.context.upstream.process
    window = info.context.feeds.window
    pages = await asyncio.gather(
        *(fetch("process", client.list_runs(f, limit=window)) for f in flows)
    )
    return newest_first([run for page in pages for run in page.items])


def changed_runs(previous: dict[str, str], runs: list[RunView]) -> list[RunView]:
    """Runs whose status is not the one seen last time (new runs included), oldest first."""
    return [r for r in reversed(runs) if previous.get(r.id) != r.status.value]


def subscription(description: str) -> Callable[[Callable[..., Any]], StrawberryField]:
    """`@strawberry.subscription(description=…)`, typed."""

    def decorate(resolver: Callable[..., Any]) -> StrawberryField:
        return strawberry.subscription(resolver, description=description)

    return decorate


@strawberry.type(description="Live changes, over graphql-transport-ws at /graphql.")
class Subscription:
    @subscription(
        description="A run changed status (or started): one flow's runs, or every flow you "
        "may read. Sent within a poll interval of the change."
    )
    async def run_status_changed(
        self,
        info: Info,
        flow: Annotated[str | None, strawberry.argument(description="e.g. 'time-to-cash'.")] = None,
    ) -> AsyncGenerator[FlowRun, None]:
        flows = chosen_flows(info, flow)
        seen: dict[str, str] | None = None
        while True:
            runs = await _newest_runs(info, flows)
            if seen is not None:
                for run in changed_runs(seen, runs):
                    info.context.fresh_loaders()
                    yield FlowRun.of(run)
            seen = {r.id: r.status.value for r in runs}
            await asyncio.sleep(info.context.feeds.interval_s)

    @subscription(
        description="An exception was opened (a run parked or failed, an event dead-lettered). "
        "Sent within a poll interval of its creation."
    )
    async def exception_opened(self, info: Info) -> AsyncGenerator[QueueException, None]:
        require(info, LIST_EXCEPTIONS)
        client = info.context.upstream.process
        since = datetime.now(UTC)  # only exceptions opened after the subscription started
        seen: set[str] = set()
        while True:
            read = client.list_exceptions(created_after=since, limit=info.context.feeds.window)
            found = (await fetch("process", read)).items
            for view in reversed(found):
                if view.id not in seen:
                    info.context.fresh_loaders()
                    yield QueueException.of(view)
            # Exceptions are never deleted and the list is newest first, so one that left
            # the window cannot come back: remembering the window is enough.
            seen = {view.id for view in found}
            await asyncio.sleep(info.context.feeds.interval_s)
