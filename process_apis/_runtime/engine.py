"""The durable engine: DBOS Transact launched once per process, shared by every flow.

DBOS is a process-wide singleton, so the process APIs' runtimes share one engine: the
first to enter launches it, the last to leave destroys it. Launch happens on the
gateway's event loop, which makes DBOS run recovered and queued async workflows there
(beside the gateway's clients) rather than on a loop of its own.

Recovery: a restarted executor recovers its own pending runs at launch (ids are stable,
`ATRIUM_FLOWS_EXECUTOR_ID`). DBOS open source does nothing for an executor that never
comes back, so every executor writes a heartbeat and a reaper recovers the pending runs
of executors silent for longer than `executor_stale_after_s` (see `reaper.py`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from dbos import DBOS, DBOSConfig
from dbos import _dbos as dbos_internals
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.reaper import beat, heartbeat_forever, reap_forever
from process_apis._runtime.settings import APPLICATION_VERSION, FlowSettings
from process_apis._runtime.store import open_store
from process_apis._runtime.systems import SystemClients

_log = logging.getLogger("atrium.flows")
APP_NAME = "atrium"


@dataclass(slots=True)
class FlowRuntime:
    """What steps and routes of every flow share in this process."""

    settings: FlowSettings
    context: RuntimeContext
    store: AsyncEngine
    systems: SystemClients
    system_database_url: str
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    users: int = 0
    services: AsyncExitStack = field(default_factory=AsyncExitStack)
    """What the runtime opened beside DBOS (event delivery's channels); closed at stop."""


_current: FlowRuntime | None = None


def current_runtime() -> FlowRuntime:
    """The running flow runtime; steps and routes reach clients and tables through it."""
    if _current is None:
        raise RuntimeError("the flow runtime is not running in this process")
    return _current


def system_database_url(settings: FlowSettings, ctx: RuntimeContext) -> str:
    """DBOS's database: configured, else the gateway's PostgreSQL, else SQLite in WAL mode."""
    if settings.system_database_url is not None:
        return settings.system_database_url.get_secret_value()
    if ctx.database_url and make_url(ctx.database_url).get_backend_name() == "postgresql":
        return (
            make_url(ctx.database_url)
            .set(drivername="postgresql+psycopg")
            .render_as_string(hide_password=False)
        )
    path = (ctx.data_dir / "flows.sqlite").resolve()
    _create_wal_sqlite(path)
    return f"sqlite:///{path}"


def _create_wal_sqlite(path: Path) -> None:
    # WAL is a property of the file: set it before DBOS opens it (halves a step's cost).
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def _dbos_config(settings: FlowSettings, url: str) -> DBOSConfig:
    return {
        "name": APP_NAME,
        "system_database_url": url,
        "application_version": APPLICATION_VERSION,
        "executor_id": settings.executor_id,
        "log_level": "WARNING",
        "notification_listener_polling_interval_sec": 0.1,
    }


@asynccontextmanager
async def flow_runtime(ctx: RuntimeContext) -> AsyncIterator[FlowRuntime]:
    """Enter the process's flow runtime, launching DBOS if this is the first user."""
    global _current  # noqa: PLW0603 - DBOS itself is a process singleton
    if _current is None:
        _current = await _start(ctx)
    elif _current.context.data_dir != ctx.data_dir or _current.context.database_url != (
        ctx.database_url
    ):
        raise RuntimeError("one flow runtime per process: it is running with other settings")
    runtime = _current
    runtime.users += 1
    try:
        yield runtime
    finally:
        runtime.users -= 1
        if runtime.users == 0:
            _current = None
            await _stop(runtime)


async def _start(ctx: RuntimeContext) -> FlowRuntime:
    if ctx.api_http is None or ctx.database_url is None:
        raise RuntimeError("process APIs need the gateway's database and internal API clients")
    settings = settings_from(FlowSettings, ctx)
    url = system_database_url(settings, ctx)
    store = await open_store(ctx.database_url)
    runtime = FlowRuntime(
        settings=settings,
        context=ctx,
        store=store,
        systems=SystemClients.build(ctx.api_http),
        system_database_url=url,
    )
    # Imported here (it imports this module); before launch, so recovered deliveries find
    # their workflow registered and their channels open.
    from process_apis._runtime.delivery import event_delivery  # noqa: PLC0415

    await runtime.services.enter_async_context(event_delivery(runtime))
    DBOS(config=_dbos_config(settings, url))
    # Alive before launch: launch recovers this executor's runs and starts dequeuing, and a
    # stale heartbeat left by the previous life would let another reaper take them meanwhile.
    await beat(runtime.store, settings.executor_id, time.time())
    DBOS.launch()
    _log.info("flow engine launched", extra={"executor_id": settings.executor_id})
    runtime.tasks = [
        asyncio.create_task(heartbeat_forever(runtime.store, settings)),
        asyncio.create_task(reap_forever(runtime.store, settings)),
    ]
    return runtime


async def _stop(runtime: FlowRuntime) -> None:
    for task in runtime.tasks:
        task.cancel()
    for task in runtime.tasks:
        with suppress(asyncio.CancelledError):
            await task
    # Runs still waiting (parked, mid-step) stay PENDING and are recovered at next launch.
    await _cancel_workflow_tasks()
    DBOS.destroy(workflow_completion_timeout_sec=0)
    # DBOS made its (now shut down) pool the loop's default executor; what closes after
    # the engine (rate limiter, stores) may still need `asyncio.to_thread`.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(thread_name_prefix="asyncio")
    )
    await runtime.services.aclose()
    await runtime.systems.aclose()
    await runtime.store.dispose()


async def _cancel_workflow_tasks() -> None:
    """Cancel the workflows DBOS runs on this loop, which `DBOS.destroy` leaves running.

    One left running fails when it next wakes (a retry's backoff ends) against the destroyed
    engine, and DBOS records that as the run's ERROR: recovery would never see it. Cancelled,
    it stays PENDING.
    """
    instance = dbos_internals._dbos_global_instance
    tasks = [t for t in getattr(instance, "_workflow_tasks", ()) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=5)
