"""Heartbeats and the reaper: recover the runs of executors that never come back.

DBOS open source recovers a dead executor's pending runs only when an executor with the
same id launches again. Each executor therefore records a heartbeat; any live executor
finds those silent for longer than `executor_stale_after_s` and hands their pending runs
to DBOS recovery (which re-enqueues them; the queue's atomic dequeue admits exactly one
runner, so two reapers racing over the same dead executor is harmless).
"""

from __future__ import annotations

import asyncio
import logging
import time

from dbos import DBOS
from sqlalchemy import Column, Float, String, Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from process_apis._runtime.periodic import every
from process_apis._runtime.settings import FlowSettings
from process_apis._runtime.store import metadata

_log = logging.getLogger("atrium.flows.reaper")

executors = Table(
    "flow_executors",
    metadata,
    Column("executor_id", String(64), primary_key=True),
    Column("last_seen", Float, nullable=False),
)


async def beat(store: AsyncEngine, executor_id: str, now: float) -> None:
    """Record that `executor_id` is alive at `now`."""
    async with store.begin() as connection:
        updated = await connection.execute(
            update(executors).where(executors.c.executor_id == executor_id).values(last_seen=now)
        )
        if updated.rowcount == 0:
            await connection.execute(
                insert(executors).values(executor_id=executor_id, last_seen=now)
            )


async def stale_executors(store: AsyncEngine, *, me: str, before: float) -> list[str]:
    """Executors other than `me` whose last heartbeat is older than `before`."""
    async with store.connect() as connection:
        rows = await connection.execute(
            select(executors.c.executor_id).where(
                executors.c.last_seen < before, executors.c.executor_id != me
            )
        )
        return [row.executor_id for row in rows]


async def reap_once(store: AsyncEngine, settings: FlowSettings, now: float) -> list[str]:
    """Recover the pending runs of every stale executor; returns the recovered run ids."""
    recovered: list[str] = []
    before = now - settings.executor_stale_after_s
    for executor_id in await stale_executors(store, me=settings.executor_id, before=before):
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor_id])
        recovered.extend(handle.get_workflow_id() for handle in handles)
        async with store.begin() as connection:
            await connection.execute(
                delete(executors).where(
                    executors.c.executor_id == executor_id, executors.c.last_seen < before
                )
            )
        _log.warning(
            "recovered the runs of a silent executor",
            extra={"executor_id": executor_id, "runs": len(handles)},
        )
    return recovered


async def heartbeat_forever(store: AsyncEngine, settings: FlowSettings) -> None:
    # The database may be briefly away; keep beating.
    await every(
        settings.heartbeat_interval_s,
        lambda: beat(store, settings.executor_id, time.time()),
        log=_log,
        failure="heartbeat failed",
        level=logging.ERROR,
    )


async def reap_forever(store: AsyncEngine, settings: FlowSettings) -> None:
    await every(
        settings.reaper_interval_s,
        lambda: reap_once(store, settings, time.time()),
        log=_log,
        failure="reaper pass failed",
        level=logging.ERROR,
        wait_first=True,
    )
