"""The run index and run views: search runs by business key, show a run with its steps.

DBOS holds each run's durable status and step checkpoints; it cannot filter by attribute
on SQLite, so business keys are indexed here (`flow_run_keys`) and statuses are read
from DBOS for the runs a search found. A run waiting for a human is `parked` (its open
exception is recorded on the row).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from dbos import DBOS, WorkflowStatus
from pydantic import BaseModel, Field
from sqlalchemy import Column, Float, Index, String, Table, and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from process_apis._runtime.redaction import redact, upstream_ids
from process_apis._runtime.store import metadata

runs_table = Table(
    "flow_runs",
    metadata,
    Column("run_id", String(200), primary_key=True),
    Column("flow", String(64), nullable=False, index=True),
    Column("created_at", Float, nullable=False, index=True),
    Column("requested_by", String(200), nullable=True),
    Column("traceparent", String(64), nullable=True),
    Column("parked_exception", String(64), nullable=True),
)
keys_table = Table(
    "flow_run_keys",
    metadata,
    Column("run_id", String(200), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
    Index("ix_flow_run_keys_lookup", "name", "value"),
)


class RunStatus(StrEnum):
    """Where a run is; `parked` waits for a human through the exception queue."""

    QUEUED = "queued"
    RUNNING = "running"
    PARKED = "parked"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


_FROM_DBOS = {
    "ENQUEUED": RunStatus.QUEUED,
    "DELAYED": RunStatus.QUEUED,
    "PENDING": RunStatus.RUNNING,
    "SUCCESS": RunStatus.SUCCEEDED,
    "ERROR": RunStatus.FAILED,
    "MAX_RECOVERY_ATTEMPTS_EXCEEDED": RunStatus.FAILED,
    "CANCELLED": RunStatus.CANCELLED,
}


class StepView(BaseModel):
    """One step of a run as operators see it: redacted output, upstream ids, timing."""

    step: int
    name: str
    succeeded: bool
    started_at: datetime | None = None
    completed_at: datetime | None = None
    duration_ms: int | None = None
    output: Any = None
    error: str | None = None
    upstream_ids: dict[str, str] = Field(default_factory=dict)


class RunView(BaseModel):
    """A run: status, business keys, outcome and (for one run) its step history."""

    id: str
    flow: str
    status: RunStatus
    business_keys: dict[str, str]
    created_at: datetime
    updated_at: datetime | None = None
    requested_by: str | None = None
    traceparent: str | None = None
    exception_id: str | None = Field(
        default=None, description="The open exception while the run is parked."
    )
    input: Any = Field(default=None, description="The run's request, redacted (one run only).")
    output: Any = None
    error: str | None = None
    steps: list[StepView] | None = None


class RunPage(BaseModel):
    """A page of runs, newest first; `next_offset` is absent on the last page."""

    items: list[RunView]
    next_offset: int | None = None


def _at(epoch: float | int | None, *, ms: bool = False) -> datetime | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch / 1000 if ms else epoch, tz=UTC)


async def record_run(
    store: AsyncEngine,
    *,
    run_id: str,
    flow: str,
    keys: dict[str, str],
    requested_by: str | None,
    traceparent: str | None,
) -> bool:
    """Index a new run; False when the run id is already known (a repeated trigger)."""
    try:
        async with store.begin() as connection:
            await connection.execute(
                insert(runs_table).values(
                    run_id=run_id,
                    flow=flow,
                    created_at=time.time(),
                    requested_by=requested_by,
                    traceparent=traceparent,
                )
            )
            if keys:
                await connection.execute(
                    insert(keys_table),
                    [{"run_id": run_id, "name": k, "value": v} for k, v in keys.items()],
                )
    except IntegrityError:
        return False
    return True


async def add_keys(store: AsyncEngine, run_id: str, keys: dict[str, str]) -> None:
    """Index business keys a run learned on the way (an invoice number); repeats are no-ops."""
    for name, value in keys.items():
        try:
            async with store.begin() as connection:
                await connection.execute(
                    insert(keys_table).values(run_id=run_id, name=name, value=value)
                )
        except IntegrityError:
            continue


async def set_parked(store: AsyncEngine, run_id: str, exception_id: str | None) -> None:
    """Mark a run parked on `exception_id`, or running again when None."""
    async with store.begin() as connection:
        await connection.execute(
            update(runs_table)
            .where(runs_table.c.run_id == run_id)
            .values(parked_exception=exception_id)
        )


async def _keys_of(store: AsyncEngine, run_ids: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {run_id: {} for run_id in run_ids}
    async with store.connect() as connection:
        rows = await connection.execute(select(keys_table).where(keys_table.c.run_id.in_(run_ids)))
        for row in rows:
            out[row.run_id][row.name] = row.value
    return out


def _view(row: Any, keys: dict[str, str], status: WorkflowStatus | None) -> RunView:
    run_status = RunStatus.QUEUED if status is None else _FROM_DBOS[status.status]
    if run_status is RunStatus.RUNNING and row.parked_exception:
        run_status = RunStatus.PARKED
    error = None
    if status is not None and status.error is not None:
        error = type(status.error).__name__ + ": " + str(status.error)[:500]
    return RunView(
        id=row.run_id,
        flow=row.flow,
        status=run_status,
        business_keys=keys,
        created_at=_at(row.created_at) or datetime.now(UTC),
        updated_at=_at(status.updated_at, ms=True) if status else None,
        requested_by=row.requested_by,
        traceparent=row.traceparent,
        exception_id=row.parked_exception if run_status is RunStatus.PARKED else None,
        output=redact(status.output) if status is not None else None,
        error=error,
    )


async def _statuses(run_ids: list[str]) -> dict[str, WorkflowStatus]:
    if not run_ids:
        return {}
    found = await DBOS.list_workflows_async(workflow_ids=run_ids, load_input=False)
    return {status.workflow_id: status for status in found}


async def get_run(store: AsyncEngine, run_id: str, *, flow: str | None = None) -> RunView | None:
    """One run with its step history, or None if this flow has no such run."""
    async with store.connect() as connection:
        row = (
            await connection.execute(select(runs_table).where(runs_table.c.run_id == run_id))
        ).first()
    if row is None or (flow is not None and row.flow != flow):
        return None
    found = await DBOS.list_workflows_async(workflow_ids=[run_id])
    status = found[0] if found else None
    view = _view(row, (await _keys_of(store, [run_id]))[run_id], status)
    if status is not None and status.input and status.input["args"]:
        view.input = redact(status.input["args"][0])
    view.steps = [_step(info) for info in await DBOS.list_workflow_steps_async(run_id)]
    return view


def _step(info: Any) -> StepView:
    started, completed = info.get("started_at_epoch_ms"), info.get("completed_at_epoch_ms")
    error = info.get("error")
    return StepView(
        step=info["function_id"],
        name=info["function_name"],
        succeeded=error is None,
        started_at=_at(started, ms=True),
        completed_at=_at(completed, ms=True),
        duration_ms=completed - started if started is not None and completed is not None else None,
        output=redact(info.get("output")),
        error=None if error is None else type(error).__name__ + ": " + str(error)[:500],
        upstream_ids=upstream_ids(info.get("output")),
    )


class RunFilter(BaseModel):
    """What a run search may narrow by; every field is optional."""

    flow: str | None = None
    keys: dict[str, str] = Field(default_factory=dict)
    status: RunStatus | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


async def list_runs(
    store: AsyncEngine, search: RunFilter, *, limit: int, offset: int = 0
) -> RunPage:
    """Runs matching `search`, newest first."""
    query = select(runs_table).order_by(runs_table.c.created_at.desc(), runs_table.c.run_id)
    conditions = []
    if search.flow:
        conditions.append(runs_table.c.flow == search.flow)
    if search.created_after:
        conditions.append(runs_table.c.created_at >= search.created_after.timestamp())
    if search.created_before:
        conditions.append(runs_table.c.created_at < search.created_before.timestamp())
    for name, value in search.keys.items():
        alias = keys_table.alias()
        query = query.join(alias, alias.c.run_id == runs_table.c.run_id)
        conditions.extend([alias.c.name == name, alias.c.value == value])
    if conditions:
        query = query.where(and_(*conditions))
    items: list[RunView] = []
    position = offset
    batch = max(limit, 50)
    while len(items) < limit:
        async with store.connect() as connection:
            rows = list(await connection.execute(query.limit(batch).offset(position)))
        if not rows:
            return RunPage(items=items)
        ids = [row.run_id for row in rows]
        statuses, keys = await _statuses(ids), await _keys_of(store, ids)
        for row in rows:
            position += 1
            view = _view(row, keys[row.run_id], statuses.get(row.run_id))
            if search.status is None or view.status is search.status:
                items.append(view)
                if len(items) == limit:
                    break
    return RunPage(items=items, next_offset=position)
