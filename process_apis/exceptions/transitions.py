"""The exception state machine, every move audited in the same transaction.

    open ──claim──▶ claimed ──resume / retry──▶ resolved
      │                │
      └────────────────┴──────cancel─────────▶ cancelled

Resume, retry and cancel also act on an open exception. A claim reserves it: others get
409 `exception-claimed` until they take it over (`claim` with `take_over`). Resolved and
cancelled are final: any action on them is 409 `exception-closed`.

A move is a compare-and-set on the row as it was read, so two people acting at once
cannot both win; the side effect (a message to the run, a fork) happens inside the
transaction, so a failed effect leaves the exception as it was.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.problems import NotFoundError, ProblemError
from process_apis._runtime.exceptions import (
    ACTIVE_STATUSES,
    ExceptionStatus,
    audit,
    exceptions_table,
)

_table = exceptions_table.c


async def read_exception(store: AsyncEngine, exception_id: str) -> Any:
    """The exception's row; 404 when there is none."""
    async with store.connect() as connection:
        row = (
            await connection.execute(select(exceptions_table).where(_table.id == exception_id))
        ).first()
    if row is None:
        raise NotFoundError("No exception with this id.")
    return row


def check_actionable(row: Any, actor: str, *, take_over: bool = False) -> None:
    """Refuse to act on a closed exception, or on one claimed by someone else."""
    if row.status not in {s.value for s in ACTIVE_STATUSES}:
        raise ProblemError(
            "exception-closed",
            f"The exception is {row.status}; it takes no further action.",
            extensions={"exception_status": row.status},
        )
    if row.status == ExceptionStatus.CLAIMED and row.claimed_by != actor and not take_over:
        raise ProblemError(
            "exception-claimed",
            "Another client has claimed this exception; claim it with take_over to act on it.",
            extensions={"claimed_by": row.claimed_by},
        )


@asynccontextmanager
async def transition(
    store: AsyncEngine,
    row: Any,
    *,
    actor: str,
    action: str,
    to: ExceptionStatus,
    detail: dict[str, Any],
    resolution: dict[str, Any] | None = None,
) -> AsyncIterator[AsyncConnection]:
    """Move `row` to `to` unless it changed since it was read; the body's effect commits with it."""
    values: dict[str, Any] = {"status": to.value, "updated_at": time.time()}
    if to is ExceptionStatus.CLAIMED:
        values["claimed_by"] = actor
    if resolution is not None:
        values["resolution"] = resolution
    async with store.begin() as connection:
        # The update comes first: it takes SQLite's write lock before anything is read.
        moved = await connection.execute(
            update(exceptions_table)
            .where(
                _table.id == row.id,
                _table.status == row.status,
                _table.claimed_by.is_not_distinct_from(row.claimed_by),
            )
            .values(**values)
        )
        if moved.rowcount == 1:
            await audit(connection, row.id, actor, action, **detail)
            yield connection
            return
    check_actionable(await read_exception(store, row.id), actor)
    raise ProblemError("conflict", "The exception changed while you acted; read it and retry.")
