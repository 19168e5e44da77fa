"""What people do with an exception: claim, resume, retry, cancel, redrive in bulk.

Each action reads the exception, checks that the caller may act on it, plans its effect
(`effects.py`), then moves the exception (`transitions.py`) with the effect inside the
same transaction. The audit records who, what, the note and the names of corrected
fields, never their values.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.problems import ProblemError
from process_apis._runtime.exceptions import ExceptionStatus, Resolution, exceptions_table
from process_apis.exceptions import effects
from process_apis.exceptions.transitions import check_actionable, read_exception, transition
from process_apis.exceptions.views import ExceptionFilter, ExceptionView, conditions, get_exception


@dataclass(frozen=True, slots=True)
class Pacer:
    """Spaces a redrive's retries `1 / rate_per_s` apart, so it cannot flood the systems."""

    rate_per_s: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def wait_turn(self, started: float, position: int) -> None:
        """Wait until the `position`-th retry (from 0) of a redrive started at `started` is due."""
        await self.sleep(max(0.0, started + position / self.rate_per_s - self.clock()))


class RetryOutcome(BaseModel):
    """What one retry of a redrive started."""

    id: str = Field(description="The exception.")
    run_id: str | None = Field(default=None, description="The run that goes on (or its fork).")
    delivery_id: str | None = Field(default=None, description="A dead letter's new delivery.")


class RedriveSkip(BaseModel):
    """An exception a redrive selected but could not retry, and why."""

    id: str
    problem: str = Field(description="The problem code a single retry would have answered.")
    detail: str


class RedriveResult(BaseModel):
    """What a bulk redrive selected and did."""

    selected: list[str] = Field(description="Exception ids, oldest first.")
    redriven: list[RetryOutcome]
    skipped: list[RedriveSkip]
    more: bool = Field(description="More exceptions matched than this call may redrive.")
    dry_run: bool


async def _move(
    store: AsyncEngine,
    row: Any,
    effect: effects.Effect,
    *,
    actor: str,
    action: Literal["claimed", "resumed", "retried", "cancelled"],
    to: ExceptionStatus,
    detail: dict[str, Any],
) -> None:
    await effects.prepare(store, row, effect, actor)
    detail |= effect.record
    resolution = None
    if to is not ExceptionStatus.CLAIMED:
        resolution = {"action": action, "actor": actor, **detail}
    try:
        async with transition(
            store, row, actor=actor, action=action, to=to, detail=detail, resolution=resolution
        ):
            await effects.apply(row, effect)
    except Exception:
        await effects.undo_prepare(store, row, effect)
        raise


async def _view(store: AsyncEngine, exception_id: str) -> ExceptionView:
    view = await get_exception(store, exception_id, now=time.time())
    assert view is not None  # it was just acted on, and exceptions are never deleted
    return view


async def claim(
    store: AsyncEngine, exception_id: str, *, actor: str, note: str | None, take_over: bool
) -> ExceptionView:
    """Reserve an exception for `actor` (taking it from another claimant if told to)."""
    row = await read_exception(store, exception_id)
    check_actionable(row, actor, take_over=take_over)
    detail: dict[str, Any] = {"note": note}
    if row.claimed_by not in (None, actor):
        detail["taken_from"] = row.claimed_by
    await _move(
        store,
        row,
        effects.Effect(),
        actor=actor,
        action="claimed",
        to=ExceptionStatus.CLAIMED,
        detail=detail,
    )
    return await _view(store, exception_id)


async def resume(
    store: AsyncEngine, exception_id: str, *, actor: str, data: dict[str, Any], note: str | None
) -> ExceptionView:
    """Send corrected data to the parked run, which goes on from where it waited."""
    row = await read_exception(store, exception_id)
    check_actionable(row, actor)
    decision = Resolution(action="resume", data=data, reason=note, actor=actor)
    await _move(
        store,
        row,
        await effects.plan_resume(row, decision),
        actor=actor,
        action="resumed",
        to=ExceptionStatus.RESOLVED,
        detail={"note": note, "data_keys": sorted(data)},
    )
    return await _view(store, exception_id)


async def _retry_row(
    store: AsyncEngine, row: Any, *, actor: str, note: str | None, via: str
) -> RetryOutcome:
    check_actionable(row, actor)
    effect = await effects.plan_retry(row, Resolution(action="retry", reason=note, actor=actor))
    await _move(
        store,
        row,
        effect,
        actor=actor,
        action="retried",
        to=ExceptionStatus.RESOLVED,
        detail={"note": note, "via": via},
    )
    return RetryOutcome(
        id=row.id,
        run_id=effect.record.get("run_id"),
        delivery_id=effect.record.get("delivery_id"),
    )


async def retry(
    store: AsyncEngine, exception_id: str, *, actor: str, note: str | None
) -> ExceptionView:
    """Run the failed step again: the parked run retries it, a failed run is forked from it."""
    row = await read_exception(store, exception_id)
    await _retry_row(store, row, actor=actor, note=note, via="retry")
    return await _view(store, exception_id)


async def cancel(
    store: AsyncEngine, exception_id: str, *, actor: str, reason: str
) -> ExceptionView:
    """Give up on the exception; a parked run is told to cancel (and compensates if it must)."""
    row = await read_exception(store, exception_id)
    check_actionable(row, actor)
    decision = Resolution(action="cancel", reason=reason, actor=actor)
    await _move(
        store,
        row,
        await effects.plan_cancel(row, decision),
        actor=actor,
        action="cancelled",
        to=ExceptionStatus.CANCELLED,
        detail={"reason": reason},
    )
    return await _view(store, exception_id)


async def _select_for_redrive(
    store: AsyncEngine, search: ExceptionFilter, *, actor: str, max_count: int
) -> list[Any]:
    # Open ones, and those the caller claimed: someone else's claim means they are on it.
    table = exceptions_table.c
    mine = or_(
        table.status == ExceptionStatus.OPEN.value,
        and_(table.status == ExceptionStatus.CLAIMED.value, table.claimed_by == actor),
    )
    query = (
        select(exceptions_table)
        .where(mine, *conditions(search, time.time()))
        .order_by(table.created_at, table.id)
        .limit(max_count + 1)
    )
    async with store.connect() as connection:
        return list(await connection.execute(query))


async def redrive(
    store: AsyncEngine,
    search: ExceptionFilter,
    *,
    actor: str,
    note: str | None,
    max_count: int,
    pacer: Pacer,
    dry_run: bool = False,
) -> RedriveResult:
    """Retry up to `max_count` matching exceptions, oldest first, at the pacer's rate."""
    rows = await _select_for_redrive(store, search, actor=actor, max_count=max_count)
    selected = rows[:max_count]
    result = RedriveResult(
        selected=[row.id for row in selected],
        redriven=[],
        skipped=[],
        more=len(rows) > max_count,
        dry_run=dry_run,
    )
    if dry_run:
        return result
    started = pacer.clock()
    for position, row in enumerate(selected):
        await pacer.wait_turn(started, position)
        try:
            outcome = await _retry_row(store, row, actor=actor, note=note, via="redrive")
        except ProblemError as exc:
            result.skipped.append(
                RedriveSkip(id=row.id, problem=exc.problem_type.code, detail=exc.detail)
            )
        else:
            result.redriven.append(outcome)
    return result
