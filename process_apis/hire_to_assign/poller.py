"""The `changed since` poller: asks the HCM for changed workers and starts a run per change.

Its high-water mark (the latest HCM change time it has handled) is kept in the application
database, so a restarted or second gateway process carries on where the last poll ended.
Each poll re-reads `poll_overlap_s` before the mark; a change seen again maps to the run it
already started. A fresh installation starts from "now": history is not replayed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Float, MetaData, String, Table, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.flows import start_run
from process_apis._runtime.periodic import every
from process_apis.hire_to_assign.changes import change_of
from process_apis.hire_to_assign.settings import HireToAssignSettings
from process_apis.hire_to_assign.spec import SPEC

_log = logging.getLogger("atrium.flows.hire_to_assign.poller")
POLLER = "hcm-poller"
PAGE = 200

marks_metadata = MetaData()
marks = Table(
    "hire_to_assign_marks",
    marks_metadata,
    Column("name", String(64), primary_key=True),
    Column("mark", Float, nullable=False),
)


async def create_marks_table(store: AsyncEngine) -> None:
    try:
        async with store.begin() as connection:
            await connection.run_sync(marks_metadata.create_all)
    except DBAPIError:
        # Another process created them at the same moment: they exist now.
        async with store.begin() as connection:
            await connection.run_sync(marks_metadata.create_all)


async def read_mark(store: AsyncEngine, name: str = POLLER) -> datetime | None:
    """The latest change time handled, or None before the first poll."""
    async with store.connect() as connection:
        value = (
            await connection.execute(select(marks.c.mark).where(marks.c.name == name))
        ).scalar_one_or_none()
    return None if value is None else datetime.fromtimestamp(value, UTC)


async def advance_mark(store: AsyncEngine, at: datetime, name: str = POLLER) -> None:
    """Move the mark forward to `at` (never back: two pollers may race)."""
    value = at.timestamp()
    try:
        async with store.begin() as connection:
            await connection.execute(insert(marks).values(name=name, mark=value))
        return
    except IntegrityError:
        pass  # the mark exists: move it forward
    async with store.begin() as connection:
        await connection.execute(
            update(marks).where(marks.c.name == name, marks.c.mark < value).values(mark=value)
        )


async def poll_once(runtime: FlowRuntime, settings: HireToAssignSettings) -> int:
    """One poll: start a run for each change since the mark; returns how many were new."""
    mark = await read_mark(runtime.store)
    if mark is None:
        await advance_mark(runtime.store, datetime.now(UTC))
        return 0
    since = mark - timedelta(seconds=settings.poll_overlap_s)
    latest, started, cursor = mark, 0, None
    while True:
        page = await runtime.systems.hcm.list_workers(
            changed_since=since, cursor=cursor, limit=PAGE
        )
        for worker in page.items:
            change = change_of(worker)
            if change is None:
                continue
            run = await start_run(runtime, SPEC, change, client_id=POLLER)
            started += run.created
            latest = max(latest, change.changed_at)
        cursor = page.next_cursor
        if cursor is None:
            break
    await advance_mark(runtime.store, latest)
    return started


async def poll_forever(runtime: FlowRuntime, settings: HireToAssignSettings) -> None:
    async def poll() -> None:
        started = await poll_once(runtime, settings)
        if started:
            _log.info("started runs for HCM changes", extra={"runs": started})

    # The HCM may be away; the next poll resumes from the mark.
    await every(
        settings.poll_interval_s, poll, log=_log, failure="polling the HCM for changes failed"
    )
