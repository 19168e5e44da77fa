"""The delivery log: one row per delivery of an event to a target, one per attempt, dead letters.

A delivery is one durable workflow (`deliver:{event id}:{target}[:replay-{n}]`); its row
says where it stands (`pending`, `delivered`, `dead-lettered`, `cancelled`) and its
attempts say what happened each time. The dead-letter store is the set of dead-lettered
deliveries not yet superseded by a later successful delivery of the same event to the
same target.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import (
    Column,
    Float,
    Integer,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from contracts.events import CloudEvent
from process_apis._runtime.channels import AttemptResult, Outcome
from process_apis._runtime.exceptions import ExceptionStatus, audit, exceptions_table
from process_apis._runtime.store import metadata

deliveries_table = Table(
    "event_deliveries",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("workflow_id", String(300), nullable=False, unique=True),
    Column("event_id", String(64), nullable=False, index=True),
    Column("event_type", String(64), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("target", String(80), nullable=False, index=True),
    Column("replay", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("exception_id", String(64), nullable=True),
    Column("superseded_by", String(40), nullable=True),
    Column("created_at", Float, nullable=False, index=True),
    Column("updated_at", Float, nullable=False),
    Column("dead_lettered_at", Float, nullable=True),
)
attempts_table = Table(
    "event_delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(40), nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("at", Float, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Integer, nullable=False),
)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD_LETTERED = "dead-lettered"
    CANCELLED = "cancelled"


_FINAL = {Outcome.DELIVERED: DeliveryStatus.DELIVERED, Outcome.GONE: DeliveryStatus.CANCELLED}


def workflow_id_for(event_id: str, target: str, replay: int) -> str:
    """`deliver:{event}:{target}`, with `:replay-{n}` for the n-th redelivery."""
    base = f"deliver:{event_id}:{target}"
    return base if replay == 0 else f"{base}:replay-{replay}"


def delivery_id_for(workflow_id: str) -> str:
    """The public, opaque id of the delivery run by `workflow_id`."""
    return "dlv_" + hashlib.sha256(workflow_id.encode()).hexdigest()[:24]


def _at(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


class AttemptView(BaseModel):
    """One attempt of a delivery."""

    attempt: int
    at: datetime
    outcome: Outcome
    status_code: int | None = None
    error: str | None = None
    duration_ms: int


class DeliveryView(BaseModel):
    """A delivery of one event to one target, and (for one delivery) its attempts."""

    id: str
    event_id: str
    event_type: str
    channel: str
    target: str
    replay: int = Field(description="0 for the first delivery, n for the n-th redelivery.")
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = None
    exception_id: str | None = Field(default=None, description="The dead letter's exception.")
    superseded_by: str | None = Field(
        default=None, description="A later delivery that succeeded where this one failed."
    )
    created_at: datetime
    updated_at: datetime
    dead_lettered_at: datetime | None = None
    attempt_log: list[AttemptView] | None = None


def _view(row: Any) -> DeliveryView:
    return DeliveryView(
        id=row.id,
        event_id=row.event_id,
        event_type=row.event_type,
        channel=row.channel,
        target=row.target,
        replay=row.replay,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        exception_id=row.exception_id,
        superseded_by=row.superseded_by,
        created_at=_at(row.created_at) or datetime.now(UTC),
        updated_at=_at(row.updated_at) or datetime.now(UTC),
        dead_lettered_at=_at(row.dead_lettered_at),
    )


async def open_delivery(
    store: AsyncEngine, event: CloudEvent, *, channel: str, target: str, replay: int
) -> str:
    """Record a delivery about to start (once per workflow id); returns its delivery id."""
    workflow_id = workflow_id_for(event.id, target, replay)
    delivery_id = delivery_id_for(workflow_id)
    now = time.time()
    try:
        async with store.begin() as connection:
            await connection.execute(
                insert(deliveries_table).values(
                    id=delivery_id,
                    workflow_id=workflow_id,
                    event_id=event.id,
                    event_type=event.type,
                    channel=channel,
                    target=target,
                    replay=replay,
                    status=DeliveryStatus.PENDING.value,
                    attempts=0,
                    created_at=now,
                    updated_at=now,
                )
            )
    except IntegrityError:
        pass  # dispatched before: the workflow id de-duplicates the delivery itself
    return delivery_id


async def log_attempt(
    store: AsyncEngine, delivery_id: str, attempt: int, result: AttemptResult, duration_ms: int
) -> None:
    """Append an attempt and bring the delivery's row up to date."""
    now = time.time()
    status = _FINAL.get(result.outcome, DeliveryStatus.PENDING)
    async with store.begin() as connection:
        await connection.execute(
            insert(attempts_table).values(
                delivery_id=delivery_id,
                attempt=attempt,
                at=now,
                outcome=result.outcome.value,
                status_code=result.status_code,
                error=result.error,
                duration_ms=duration_ms,
            )
        )
        await connection.execute(
            update(deliveries_table)
            .where(deliveries_table.c.id == delivery_id)
            .values(
                status=status.value,
                attempts=attempt,
                last_status_code=result.status_code,
                last_error=result.error,
                updated_at=now,
            )
        )


async def mark_dead_lettered(store: AsyncEngine, delivery_id: str, exception_id: str) -> None:
    now = time.time()
    async with store.begin() as connection:
        await connection.execute(
            update(deliveries_table)
            .where(deliveries_table.c.id == delivery_id)
            .values(
                status=DeliveryStatus.DEAD_LETTERED.value,
                exception_id=exception_id,
                dead_lettered_at=now,
                updated_at=now,
            )
        )


async def supersede_dead_letters(store: AsyncEngine, delivery_id: str) -> list[str]:
    """After `delivery_id` succeeded: retire earlier dead letters of its event and target.

    Their exceptions are resolved (audited); returns the retired deliveries' ids.
    """
    async with store.connect() as connection:
        done = (
            await connection.execute(
                select(deliveries_table).where(deliveries_table.c.id == delivery_id)
            )
        ).one()
        rows = list(
            await connection.execute(
                select(deliveries_table.c.id, deliveries_table.c.exception_id).where(
                    _dead_letter_condition(True),
                    deliveries_table.c.event_id == done.event_id,
                    deliveries_table.c.target == done.target,
                    deliveries_table.c.id != delivery_id,
                )
            )
        )
    if not rows:
        return []
    now = time.time()
    async with store.begin() as connection:
        await connection.execute(
            update(deliveries_table)
            .where(deliveries_table.c.id.in_([row.id for row in rows]))
            .values(superseded_by=delivery_id, updated_at=now)
        )
        for row in rows:
            if row.exception_id is not None:
                await _resolve_exception(connection, row.exception_id, delivery_id, now)
    return [row.id for row in rows]


async def _resolve_exception(connection: Any, exception_id: str, by: str, now: float) -> None:
    resolved = await connection.execute(
        update(exceptions_table)
        .where(
            exceptions_table.c.id == exception_id,
            exceptions_table.c.status.in_(
                [ExceptionStatus.OPEN.value, ExceptionStatus.CLAIMED.value]
            ),
        )
        .values(
            status=ExceptionStatus.RESOLVED.value,
            resolution={"action": "redelivered", "delivery_id": by},
            updated_at=now,
        )
    )
    if resolved.rowcount:
        await audit(connection, exception_id, "atrium", "resolved", redelivered_by=by)


def _dead_letter_condition(dead_only: bool) -> ColumnElement[bool]:
    condition = deliveries_table.c.status == DeliveryStatus.DEAD_LETTERED.value
    if dead_only:
        return and_(condition, deliveries_table.c.superseded_by.is_(None))
    return condition


async def deliveries_so_far(store: AsyncEngine, event_id: str, target: str) -> int:
    """How many deliveries of `event_id` to `target` exist (the next replay's number)."""
    async with store.connect() as connection:
        count = await connection.execute(
            select(func.count()).where(
                deliveries_table.c.event_id == event_id, deliveries_table.c.target == target
            )
        )
        return int(count.scalar_one())


class DeliveryFilter(BaseModel):
    """What a delivery search may narrow by."""

    channel: str | None = None
    targets: list[str] | None = Field(default=None, description="None: any target.")
    status: DeliveryStatus | None = None
    event_type: str | None = None
    dead_letters_only: bool = False
    """Dead-lettered and not superseded: the dead-letter store."""


async def list_deliveries(
    store: AsyncEngine, search: DeliveryFilter, *, limit: int, offset: int = 0
) -> tuple[list[DeliveryView], int | None]:
    """Deliveries matching `search`, newest first, and the next page's offset."""
    table = deliveries_table
    conditions: list[ColumnElement[bool]] = []
    if search.channel is not None:
        conditions.append(table.c.channel == search.channel)
    if search.targets is not None:
        conditions.append(table.c.target.in_(search.targets))
    if search.status is not None:
        conditions.append(table.c.status == search.status.value)
    if search.event_type is not None:
        conditions.append(table.c.event_type == search.event_type)
    if search.dead_letters_only:
        conditions.append(_dead_letter_condition(True))
    query = select(table).where(*conditions).order_by(table.c.created_at.desc(), table.c.id)
    async with store.connect() as connection:
        rows = list(await connection.execute(query.limit(limit + 1).offset(offset)))
    items = [_view(row) for row in rows[:limit]]
    return items, (offset + limit if len(rows) > limit else None)


async def get_delivery(store: AsyncEngine, delivery_id: str) -> DeliveryView | None:
    """One delivery with its attempts, oldest first."""
    async with store.connect() as connection:
        row = (
            await connection.execute(
                select(deliveries_table).where(deliveries_table.c.id == delivery_id)
            )
        ).first()
        if row is None:
            return None
        attempts = await connection.execute(
            select(attempts_table)
            .where(attempts_table.c.delivery_id == delivery_id)
            .order_by(attempts_table.c.id)
        )
        view = _view(row)
        view.attempt_log = [
            AttemptView(
                attempt=a.attempt,
                at=_at(a.at) or datetime.now(UTC),
                outcome=Outcome(a.outcome),
                status_code=a.status_code,
                error=a.error,
                duration_ms=a.duration_ms,
            )
            for a in attempts
        ]
        return view


async def dead_lettered_targets(store: AsyncEngine, event_id: str) -> list[tuple[str, str]]:
    """(channel, target) pairs holding a live dead letter of `event_id`."""
    async with store.connect() as connection:
        rows = await connection.execute(
            select(deliveries_table.c.channel, deliveries_table.c.target)
            .where(deliveries_table.c.event_id == event_id, _dead_letter_condition(True))
            .distinct()
        )
        return [(row.channel, row.target) for row in rows]
