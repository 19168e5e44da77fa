"""Reading the exception queue: search by owner, type, business key, SLA; one with its audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from process_apis._runtime.exceptions import (
    ACTIVE_STATUSES,
    ExceptionKind,
    ExceptionStatus,
    audit_table,
    exceptions_table,
)
from process_apis._runtime.query import stored_bound
from process_apis._runtime.redaction import redact

_table = exceptions_table.c


class AuditEntry(BaseModel):
    """One action on an exception: who, what, when, and its non-sensitive particulars."""

    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


class ExceptionView(BaseModel):
    """An exception as its owner sees it: context, owner, SLA, state and (for one) its audit."""

    id: str
    kind: ExceptionKind
    status: ExceptionStatus
    error_type: str
    title: str
    detail: str
    flow: str | None = None
    run_id: str | None = None
    event_id: str | None = None
    step: str | None = None
    system: str | None = None
    business_keys: dict[str, str]
    error_chain: list[str]
    data: dict[str, Any] = Field(description="The input a person may correct (redacted).")
    attempts: int
    trace_id: str | None = None
    owner: str
    claimed_by: str | None = None
    sla_due_at: datetime
    sla_breached: bool = Field(
        description="Still open past its due time, or closed after it.",
    )
    created_at: datetime
    updated_at: datetime
    resolution: dict[str, Any] | None = None
    audit: list[AuditEntry] | None = None


class ExceptionPage(BaseModel):
    """A page of exceptions, newest first; `next_offset` is absent on the last page."""

    items: list[ExceptionView]
    next_offset: int | None = None


class ExceptionFilter(BaseModel):
    """What an exception search may narrow by; every field is optional."""

    status: ExceptionStatus | None = None
    owner: str | None = None
    error_type: str | None = None
    flow: str | None = None
    kind: ExceptionKind | None = None
    keys: dict[str, str] = Field(default_factory=dict)
    created_after: datetime | None = None
    created_before: datetime | None = None
    sla_breached: bool | None = None


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def _breached(now: float) -> ColumnElement[bool]:
    active = [s.value for s in ACTIVE_STATUSES]
    return or_(
        and_(_table.status.in_(active), _table.sla_due_at < now),
        and_(_table.status.not_in(active), _table.updated_at > _table.sla_due_at),
    )


def conditions(search: ExceptionFilter, now: float) -> list[ColumnElement[bool]]:
    """SQL conditions for `search` (the SLA measured at `now`)."""
    wanted: list[ColumnElement[bool]] = []
    equal = {
        _table.status: search.status,
        _table.owner: search.owner,
        _table.error_type: search.error_type,
        _table.flow: search.flow,
        _table.kind: search.kind,
    }
    wanted.extend(column == value for column, value in equal.items() if value is not None)
    # A time copied from a view selects (or, as an upper bound, excludes) its exception.
    if search.created_after is not None:
        wanted.append(_table.created_at >= stored_bound(search.created_after))
    if search.created_before is not None:
        wanted.append(_table.created_at < stored_bound(search.created_before))
    for name, value in search.keys.items():
        wanted.append(_table.business_keys[name].as_string() == value)
    if search.sla_breached is not None:
        breached = _breached(now)
        wanted.append(breached if search.sla_breached else not_(breached))
    return wanted


def to_view(row: Any, now: float) -> ExceptionView:
    """The view of one `flow_exceptions` row."""
    active = row.status in {s.value for s in ACTIVE_STATUSES}
    return ExceptionView(
        id=row.id,
        kind=row.kind,
        status=row.status,
        error_type=row.error_type,
        title=row.title,
        detail=row.detail,
        flow=row.flow,
        run_id=row.run_id,
        event_id=row.event_id,
        step=row.step,
        system=row.system,
        business_keys=row.business_keys,
        error_chain=row.error_chain,
        data=redact(row.data),
        attempts=row.attempts,
        trace_id=row.trace_id,
        owner=row.owner,
        claimed_by=row.claimed_by,
        sla_due_at=_at(row.sla_due_at),
        sla_breached=(now if active else row.updated_at) > row.sla_due_at,
        created_at=_at(row.created_at),
        updated_at=_at(row.updated_at),
        resolution=row.resolution,
    )


async def list_exceptions(
    store: AsyncEngine, search: ExceptionFilter, *, limit: int, offset: int, now: float
) -> ExceptionPage:
    """Exceptions matching `search`, newest first."""
    query = (
        select(exceptions_table)
        .where(*conditions(search, now))
        .order_by(_table.created_at.desc(), _table.id)
        .limit(limit + 1)
        .offset(offset)
    )
    async with store.connect() as connection:
        rows = list(await connection.execute(query))
    more = len(rows) > limit
    return ExceptionPage(
        items=[to_view(row, now) for row in rows[:limit]],
        next_offset=offset + limit if more else None,
    )


async def get_exception(
    store: AsyncEngine, exception_id: str, *, now: float
) -> ExceptionView | None:
    """One exception with its audit trail (oldest action first), or None."""
    async with store.connect() as connection:
        row = (
            await connection.execute(select(exceptions_table).where(_table.id == exception_id))
        ).first()
        if row is None:
            return None
        trail = await connection.execute(
            select(audit_table)
            .where(audit_table.c.exception_id == exception_id)
            .order_by(audit_table.c.id)
        )
        audit = [
            AuditEntry(at=_at(a.at), actor=a.actor, action=a.action, detail=a.detail) for a in trail
        ]
    view = to_view(row, now)
    view.audit = audit
    return view
