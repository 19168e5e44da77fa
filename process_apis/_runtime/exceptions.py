"""Exceptions: a parked run or a dead-lettered event, with its business context.

A run that failed for good (DBOS status ERROR) becomes one too, so a person can retry
it from the failed step (the exceptions API finds such runs; `process_apis/exceptions`).

An exception says what went wrong where (flow, step, system, error chain, attempts,
trace id), for which business object (keys), who owns the fix (routed by
`policies/owners.yaml`) and by when (SLA). People act on it through the exceptions API;
every action lands in `exception_audit`.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import JSON, Column, Float, Integer, String, Table, Text, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from process_apis._runtime.owners import OwnerPolicy
from process_apis._runtime.runs import keys_table
from process_apis._runtime.store import metadata

exceptions_table = Table(
    "flow_exceptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("run_id", String(200), nullable=True, index=True),
    Column("event_id", String(64), nullable=True, index=True),
    Column("flow", String(64), nullable=True),
    Column("step", String(64), nullable=True),
    Column("system", String(32), nullable=True),
    Column("error_type", String(64), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("detail", Text, nullable=False),
    Column("business_keys", JSON, nullable=False),
    Column("error_chain", JSON, nullable=False),
    Column("data", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("trace_id", String(32), nullable=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("claimed_by", String(200), nullable=True),
    Column("sla_due_at", Float, nullable=False),
    Column("created_at", Float, nullable=False, index=True),
    Column("updated_at", Float, nullable=False),
    Column("resolution", JSON, nullable=True),
)
audit_table = Table(
    "flow_exception_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("exception_id", String(64), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", JSON, nullable=False),
)


class ExceptionKind(StrEnum):
    PARKED_RUN = "parked-run"
    FAILED_RUN = "failed-run"
    DEAD_LETTER = "dead-letter"


class ExceptionStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (ExceptionStatus.OPEN, ExceptionStatus.CLAIMED)
"""Someone may still act on an exception in these; the others are final."""


class Trouble(BaseModel):
    """What a flow (or the event dispatcher) reports when a human must step in."""

    error_type: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="Stable code.")
    title: str
    detail: str
    step: str | None = None
    system: str | None = None
    business_keys: dict[str, str] = Field(default_factory=dict)
    error_chain: list[str] = Field(default_factory=list)
    attempts: int = 1
    data: dict[str, Any] = Field(
        default_factory=dict, description="The input a person may correct before resuming."
    )


class Resolution(BaseModel):
    """A person's decision, delivered to the parked run."""

    action: Literal["resume", "retry", "cancel"]
    data: dict[str, Any] = Field(default_factory=dict)
    reason: str | None = None
    actor: str


async def audit(
    connection: AsyncConnection, exception_id: str, actor: str, action: str, **detail: Any
) -> None:
    """Append one line to the exception's audit trail."""
    await connection.execute(
        insert(audit_table).values(
            exception_id=exception_id, at=time.time(), actor=actor, action=action, detail=detail
        )
    )


async def open_exception(
    store: AsyncEngine,
    owners: OwnerPolicy,
    *,
    exception_id: str,
    kind: ExceptionKind,
    trouble: Trouble,
    flow: str | None = None,
    run_id: str | None = None,
    event_id: str | None = None,
    trace_id: str | None = None,
) -> str:
    """Record an exception once (the id is deterministic, `exc-…`); returns its id.

    A run's indexed business keys are merged in, so a search by key finds its exceptions
    even when the flow named none.
    """
    rule = owners.route(error_type=trouble.error_type, flow=flow, system=trouble.system)
    keys = await _run_keys(store, run_id) | trouble.business_keys
    now = time.time()
    try:
        async with store.begin() as connection:
            await connection.execute(
                insert(exceptions_table).values(
                    id=exception_id,
                    kind=kind.value,
                    status=ExceptionStatus.OPEN.value,
                    run_id=run_id,
                    event_id=event_id,
                    flow=flow,
                    step=trouble.step,
                    system=trouble.system,
                    error_type=trouble.error_type,
                    title=trouble.title,
                    detail=trouble.detail,
                    business_keys=keys,
                    error_chain=trouble.error_chain,
                    data=trouble.data,
                    attempts=trouble.attempts,
                    trace_id=trace_id,
                    owner=rule.owner,
                    sla_due_at=now + rule.sla_hours * 3600,
                    created_at=now,
                    updated_at=now,
                )
            )
            await audit(connection, exception_id, "atrium", "opened", owner=rule.owner)
    except IntegrityError:
        pass  # a retried step: the first insert stands
    return exception_id


async def _run_keys(store: AsyncEngine, run_id: str | None) -> dict[str, str]:
    # Read before the write transaction: on SQLite (WAL) a read that later upgrades to a
    # write fails at once when another writer committed in between.
    if run_id is None:
        return {}
    async with store.connect() as connection:
        rows = await connection.execute(select(keys_table).where(keys_table.c.run_id == run_id))
        return {row.name: row.value for row in rows}


async def exception_status(store: AsyncEngine, exception_id: str) -> str | None:
    async with store.connect() as connection:
        return (
            await connection.execute(
                select(exceptions_table.c.status).where(exceptions_table.c.id == exception_id)
            )
        ).scalar_one_or_none()
