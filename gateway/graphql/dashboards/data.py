"""What the dashboards read, once per request whichever dashboards and fields ask for it.

Whole collections go through `Loaders.scan` (shared with the loaders: a query asking for
projects and a dashboard reads the projects once); single reads through `Loaders.once`.
Process-API lists are read page by page up to `MAX_PAGES` (200 records each); past that a
dashboard counts what it read and says so (`complete: false`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from contracts import billing, erp, hcm, psa
from gateway.graphql.context import Info
from gateway.graphql.pagination import OffsetPage
from gateway.graphql.process import PAGE_LIMIT
from gateway.graphql.upstream import fetch
from process_apis._runtime.runs import RunView
from process_apis.events.listing import EventView
from process_apis.exceptions.views import ExceptionView

T = TypeVar("T")
MAX_PAGES = 10
_CONCURRENT = 4


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time(), tzinfo=UTC)


async def workers(info: Info) -> list[hcm.Worker]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        "workers", "hcm", lambda c, n: up.hcm.list_workers(cursor=c, limit=n)
    )
    return await read.items()


async def org_units(info: Info) -> list[hcm.OrgUnit]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        "org-units", "hcm", lambda c, n: up.hcm.list_org_units(cursor=c, limit=n)
    )
    return await read.items()


async def resources(info: Info) -> list[psa.Resource]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        "resources", "psa", lambda c, n: up.psa.list_resources(cursor=c, limit=n)
    )
    return await read.items()


async def projects(info: Info) -> list[psa.Project]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        "projects", "psa", lambda c, n: up.psa.list_projects(cursor=c, limit=n)
    )
    return await read.items()


async def invoices(info: Info) -> list[billing.Invoice]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        "invoices", "billing", lambda c, n: up.billing.list_invoices(cursor=c, limit=n)
    )
    return await read.items()


def months(start: date, end: date) -> list[tuple[date, date]]:
    """[start, end] cut at each month's end: calendar-month chunks, clipped at both ends."""
    chunks = []
    while start <= end:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        chunks.append((start, min(following - timedelta(days=1), end)))
        start = following
    return chunks


async def _entries(
    info: Info, start: date | None, end: date | None, project_id: str | None
) -> list[psa.TimeEntry]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        ("time-entries", start, end, project_id),
        "psa",
        lambda c, n: up.psa.list_time_entries(
            project_id=project_id, period_start=start, period_end=end, cursor=c, limit=n
        ),
    )
    return await read.items()


async def time_entries(
    info: Info, *, start: date | None = None, end: date | None = None, project_id: str | None = None
) -> list[psa.TimeEntry]:
    """Time entries spent in [start, end] (open ends allowed), of one project or all.

    A bounded range of every project is read a calendar month at a time, several months at
    once: the pages of one list can only be followed one after another, and whole months let
    two dashboards of one request share the months they both cover.
    """
    if start is None or end is None or project_id is not None:
        return await _entries(info, start, end, project_id)
    parts = await _bounded(
        [lambda a=a, b=b: _entries(info, a, b, None) for a, b in months(start, end)]  # type: ignore[misc]
    )
    return [entry for part in parts for entry in part]


async def legal_entities(info: Info) -> list[erp.LegalEntity]:
    up = info.context.upstream
    read = info.context.loaders.scan(
        "legal-entities", "erp", lambda c, n: up.erp.list_legal_entities(cursor=c, limit=n)
    )
    return await read.items()


async def _bounded(calls: list[Callable[[], Awaitable[T]]]) -> list[T]:
    gate = asyncio.Semaphore(_CONCURRENT)

    async def gated(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(gated(c) for c in calls)))


async def availability(info: Info, start: date, end: date) -> dict[str, hcm.WorkerAvailability]:
    """Capacity and approved leave per HCM worker id over [start, end] (the HCM's numbers).

    One firm-wide read (`listAvailability`: the HCM reads its workers, leave and holidays
    once), a page per 200 workers.
    """
    up = info.context.upstream
    read = info.context.loaders.scan(
        ("availability", start, end),
        "hcm",
        lambda c, n: up.hcm.list_availability(start, end, cursor=c, limit=n),
    )
    return {row.worker_id: row for row in await read.items()}


async def _offset_pages(
    read: Callable[[int, int], Awaitable[OffsetPage[T]]],
) -> tuple[list[T], bool]:
    """Items of an offset-paged list, up to MAX_PAGES pages; and whether that was all."""
    items: list[T] = []
    offset: int | None = 0
    for _ in range(MAX_PAGES):
        assert offset is not None
        page = await fetch("process", read(offset, PAGE_LIMIT))
        items += page.items
        offset = page.next_offset
        if offset is None or not page.items:
            return items, True
    return items, False


async def runs_between(
    info: Info, flows: list[str], since: date, until: date
) -> tuple[list[RunView], bool]:
    """Runs of `flows` created from `since` to `until` (whole days); and whether all were read."""

    async def read() -> tuple[list[RunView], bool]:
        client = info.context.upstream.process
        after, before = start_of(since), start_of(until + timedelta(days=1))
        pages = await asyncio.gather(
            *(
                _offset_pages(
                    lambda o, n, f=flow: client.list_runs(  # type: ignore[misc]
                        f, created_after=after, created_before=before, limit=n, offset=o
                    )
                )
                for flow in flows
            )
        )
        return [r for items, _ in pages for r in items], all(done for _, done in pages)

    return await info.context.loaders.once(("runs", tuple(flows), since, until), read)


async def exceptions(info: Info, **search: Any) -> tuple[list[ExceptionView], bool]:
    """Exceptions matching `search` (ProcessClient.list_exceptions' filters)."""

    async def read() -> tuple[list[ExceptionView], bool]:
        client = info.context.upstream.process
        return await _offset_pages(lambda o, n: client.list_exceptions(**search, limit=n, offset=o))

    key = ("exceptions", tuple(sorted((k, str(v)) for k, v in search.items())))
    return await info.context.loaders.once(key, read)


async def events(info: Info, event_type: str) -> tuple[list[EventView], bool]:
    async def read() -> tuple[list[EventView], bool]:
        client = info.context.upstream.process
        return await _offset_pages(
            lambda o, n: client.list_events(event_type=event_type, limit=n, offset=o)
        )

    return await info.context.loaders.once(("events", event_type), read)
