"""The SQL engine: SQLite (WAL) under the data directory by default, PostgreSQL in production."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.settings import GatewaySettings

metadata = MetaData()
"""Every table the gateway owns; created at startup (idempotent)."""

_T = TypeVar("_T")
_BUSY_TIMEOUT_S = 5.0  # as PRAGMA busy_timeout below


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(settings: GatewaySettings) -> AsyncEngine:
    """An async engine for the configured database, creating SQLite's directory if needed."""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database cannot answer a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def create_schema(engine: AsyncEngine) -> None:
    """Create the gateway's tables if they are missing."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


SqlConnection = Connection | sqlite3.Connection
"""What a unit of work gets: SQLite's own connection on a SQLite file, else SQLAlchemy's."""


class Transactions:
    """Runs a blocking unit of work in one transaction, without blocking the event loop.

    On a SQLite file the work runs on a thread of its own with its own `sqlite3`
    connection (same pragmas): one thread hop per transaction, where aiosqlite makes one
    per DBAPI call; this process's writes queue in order instead of meeting SQLite's
    busy handler, which sleeps whole milliseconds; and no SQLAlchemy execution machinery,
    which costs more CPU than SQLite takes to run a small statement. Elsewhere
    (PostgreSQL, in-memory SQLite) the async engine runs the work through
    `AsyncConnection.run_sync`, with a SQLAlchemy `Connection`.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._path = _sqlite_file(engine)
        self._thread = (
            ThreadPoolExecutor(1, thread_name_prefix="atrium-sqlite") if self._path else None
        )
        self._connection: sqlite3.Connection | None = None  # opened on the thread, kept open

    async def run(self, work: Callable[[SqlConnection], _T]) -> _T:
        """`work(connection)` inside a transaction that commits when it returns."""
        if self._thread is None:
            async with self.engine.begin() as connection:
                return await connection.run_sync(work)
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._begin, work)

    def _begin(self, work: Callable[[SqlConnection], _T]) -> _T:
        if self._connection is None:
            assert self._path is not None
            self._connection = sqlite3.connect(self._path, timeout=_BUSY_TIMEOUT_S)
            _sqlite_pragmas(self._connection, None)
        with self._connection:  # commits, or rolls back if the work raised
            return work(self._connection)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def aclose(self) -> None:
        """Close the connection on its own thread, then stop the thread."""
        if self._thread is None:
            return
        await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
        self._thread.shutdown(wait=False)


def _sqlite_file(engine: AsyncEngine) -> str | None:
    """The SQLite database file behind the engine, or None for other databases."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") or url.query:
        return None  # (URI filenames and driver options stay with SQLAlchemy's connection)
    return url.database
