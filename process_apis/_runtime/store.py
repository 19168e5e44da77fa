"""The flow runtime's own tables, in the gateway's application database.

DBOS keeps the durable execution state in its system database; these tables hold what
people search and act on: the run index by business key, exceptions, events and
deliveries. Each module declares its tables on `metadata`; `open_store` creates them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

metadata = MetaData()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


async def open_store(database_url: str) -> AsyncEngine:
    """An engine on the application database with the runtime's tables created."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine = create_async_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return engine
