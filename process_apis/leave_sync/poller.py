"""The leave poller: finds approved or cancelled leave in the HCM and starts a run for each.

BambooHR dates a leave request's status change only to the day, so instead of a time mark
the poller keeps the (request, status) pairs it has handled in the application database
and starts runs for the pairs it has not: new approvals and cancellations. The first poll
of an installation records what it finds without running it: history is not replayed.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Float, MetaData, String, Table, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.hcm import LeaveRequest, LeaveStatus
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.flows import start_run
from process_apis._runtime.periodic import every
from process_apis.leave_sync.changes import DECISIONS, change_of
from process_apis.leave_sync.settings import LeaveSyncSettings
from process_apis.leave_sync.spec import SPEC

_log = logging.getLogger("atrium.flows.leave_sync.poller")
POLLER = "hcm-leave-poller"
PAGE = 200

seen_metadata = MetaData()
seen = Table(
    "leave_sync_seen",
    seen_metadata,
    Column("leave_request_id", String(64), primary_key=True),
    Column("status", String(16), primary_key=True),
)
baseline = Table(
    "leave_sync_baseline",
    seen_metadata,
    Column("name", String(64), primary_key=True),
    Column("taken_at", Float, nullable=False),
)


async def create_seen_tables(store: AsyncEngine) -> None:
    try:
        async with store.begin() as connection:
            await connection.run_sync(seen_metadata.create_all)
    except DBAPIError:
        # Another process created them at the same moment: they exist now.
        async with store.begin() as connection:
            await connection.run_sync(seen_metadata.create_all)


async def _decided(runtime: FlowRuntime, settings: LeaveSyncSettings) -> list[LeaveRequest]:
    today = datetime.now(UTC).date()
    start = today - timedelta(days=settings.poll_past_days)
    end = today + timedelta(days=settings.poll_ahead_days)
    found: list[LeaveRequest] = []
    cursor = None
    while True:
        page = await runtime.systems.hcm.list_leave_requests(
            start, end, status=list(DECISIONS), cursor=cursor, limit=PAGE
        )
        found.extend(r for r in page.items if r.status in DECISIONS)
        cursor = page.next_cursor
        if cursor is None:
            return found


async def _handled(store: AsyncEngine, ids: list[str]) -> set[tuple[str, str]]:
    async with store.connect() as connection:
        rows = await connection.execute(select(seen).where(seen.c.leave_request_id.in_(ids)))
        return {(row.leave_request_id, row.status) for row in rows}


async def _remember(store: AsyncEngine, request_id: str, status: LeaveStatus) -> None:
    try:
        async with store.begin() as connection:
            await connection.execute(
                insert(seen).values(leave_request_id=request_id, status=status.value)
            )
    except IntegrityError:
        pass  # another poller got there first


async def _take_baseline(store: AsyncEngine) -> bool:
    """Record the first poll; False when one was recorded before."""
    try:
        async with store.begin() as connection:
            await connection.execute(insert(baseline).values(name=POLLER, taken_at=time.time()))
    except IntegrityError:
        return False
    return True


async def poll_once(runtime: FlowRuntime, settings: LeaveSyncSettings) -> int:
    """One poll: start a run per decision not handled yet; returns how many were new."""
    decided = await _decided(runtime, settings)
    handled = await _handled(runtime.store, sorted({r.id for r in decided}))
    new = [r for r in decided if (r.id, r.status.value) not in handled]
    if await _take_baseline(runtime.store):
        for request in new:
            await _remember(runtime.store, request.id, request.status)
        return 0
    numbers: dict[str, str | None] = {}
    started = 0
    for request in new:
        if request.worker_id not in numbers:
            worker = await runtime.systems.hcm.get_worker(request.worker_id)
            numbers[request.worker_id] = worker.employee_number
        number = numbers[request.worker_id]
        change = None if number is None else change_of(request, number)
        if change is not None:
            run = await start_run(runtime, SPEC, change, client_id=POLLER)
            started += run.created
        await _remember(runtime.store, request.id, request.status)
    return started


async def poll_forever(runtime: FlowRuntime, settings: LeaveSyncSettings) -> None:
    async def poll() -> None:
        started = await poll_once(runtime, settings)
        if started:
            _log.info("started runs for HCM leave decisions", extra={"runs": started})

    # The HCM may be away; the next poll catches up.
    await every(
        settings.poll_interval_s, poll, log=_log, failure="polling the HCM for leave failed"
    )
