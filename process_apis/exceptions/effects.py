"""What acting on an exception does to its run or event, decided from its kind and state.

- a parked run still waiting gets the person's `Resolution` (resume, retry or cancel),
  sent at most once per exception (the exception id is the message's idempotency key);
- a failed run (DBOS ERROR) is retried by forking it from its last failed step under the
  run id `{flow}:retry-{exception id}`, indexed with the original's business keys;
- a dead letter is retried by the event delivery's `redeliver` (a new delivery of the
  same event to the same target; subscribers de-duplicate on event id).

Nothing waits behind a cancelled failed run or dead letter: cancelling only closes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbos import DBOS, SetWorkflowID
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.problems import ProblemError
from process_apis._runtime.delivery import redeliver
from process_apis._runtime.exceptions import ExceptionKind, Resolution
from process_apis._runtime.parking import deliver_resolution
from process_apis._runtime.runs import keys_table, record_run, runs_table
from process_apis.exceptions.failed_runs import FAILED, WAITING, retry_step


@dataclass(slots=True)
class Effect:
    """What one action does beyond moving the exception; `record` says what it did."""

    resolution: Resolution | None = None
    fork_from: int | None = None
    delivery_id: str | None = None
    record: dict[str, Any] = field(default_factory=dict)


def unavailable(detail: str) -> ProblemError:
    return ProblemError("exception-action-unavailable", detail)


def fork_id(row: Any) -> str:
    """The id of the run a retry forks from a failed one."""
    return f"{row.flow or 'run'}:retry-{row.id}"


async def _run_status(row: Any) -> str | None:
    if row.run_id is None:
        return None
    status = await DBOS.get_workflow_status_async(row.run_id)
    return None if status is None else status.status


async def plan_retry(row: Any, decision: Resolution) -> Effect:
    """Retry: the parked run tries again, a failed run is forked, a dead letter redelivered."""
    if row.kind == ExceptionKind.DEAD_LETTER:
        delivery_id = row.data.get("delivery_id")
        if not isinstance(delivery_id, str):
            raise unavailable("The dead letter does not say which delivery to repeat.")
        return Effect(delivery_id=delivery_id)
    status = await _run_status(row)
    if row.kind == ExceptionKind.PARKED_RUN and status in WAITING:
        return Effect(resolution=decision, record={"run_id": row.run_id})
    if status not in FAILED:
        raise unavailable(f"The run is {status or 'unknown'}; there is nothing to retry.")
    step = retry_step(await DBOS.list_workflow_steps_async(row.run_id))
    if step is None:
        raise unavailable(
            "The run has no failed step to retry from, or compensated after it; start a new run."
        )
    return Effect(fork_from=step, record={"run_id": fork_id(row), "from_step": step})


async def plan_resume(row: Any, decision: Resolution) -> Effect:
    """Resume: only a parked run that still waits can take corrected data."""
    if row.kind != ExceptionKind.PARKED_RUN:
        raise unavailable(f"Nothing waits for data behind a {row.kind} exception; retry it.")
    status = await _run_status(row)
    if status not in WAITING:
        raise unavailable(f"The run is {status or 'unknown'}, not waiting for a decision.")
    return Effect(resolution=decision, record={"run_id": row.run_id})


async def plan_cancel(row: Any, decision: Resolution) -> Effect:
    """Cancel: a waiting parked run is told (it may compensate); anything else just closes."""
    if row.kind == ExceptionKind.PARKED_RUN and await _run_status(row) in WAITING:
        return Effect(resolution=decision, record={"run_id": row.run_id})
    return Effect()


async def prepare(store: AsyncEngine, row: Any, effect: Effect, actor: str) -> None:
    """The part of an effect that comes before the exception moves.

    A redelivery writes its own rows (it cannot join the exception's transaction), and a
    fork's run must be indexed before it starts, so that it can mark itself parked.
    """
    if effect.delivery_id is not None:
        try:
            started = await redeliver(effect.delivery_id)
        except LookupError as exc:  # its channel is not configured in this process
            raise unavailable("The dead letter's channel is not open in this process.") from exc
        if started is None:
            raise unavailable("The dead letter's delivery or event is no longer stored.")
        effect.record["delivery_id"] = started.id
    if effect.fork_from is not None:
        original = await _original(store, row.run_id)
        await record_run(
            store,
            run_id=fork_id(row),
            flow=row.flow or original["flow"],
            keys=original["keys"],
            requested_by=actor,
            traceparent=original["traceparent"],
        )


async def _original(store: AsyncEngine, run_id: str) -> dict[str, Any]:
    async with store.connect() as connection:
        run = (
            await connection.execute(select(runs_table).where(runs_table.c.run_id == run_id))
        ).first()
        keys = await connection.execute(select(keys_table).where(keys_table.c.run_id == run_id))
        return {
            "flow": run.flow if run else "unknown",
            "traceparent": run.traceparent if run else None,
            "keys": {key.name: key.value for key in keys},
        }


async def apply(row: Any, effect: Effect) -> None:
    """The part of an effect inside the exception's transaction (it fails with it)."""
    if effect.resolution is not None:
        await deliver_resolution(row.run_id, effect.resolution, key=row.id)
    if effect.fork_from is not None:
        new_id = fork_id(row)
        if await DBOS.get_workflow_status_async(new_id) is None:  # not forked by a lost attempt
            with SetWorkflowID(new_id):
                await DBOS.fork_workflow_async(row.run_id, effect.fork_from)


async def undo_prepare(store: AsyncEngine, row: Any, effect: Effect) -> None:
    """Drop a fork's index entry when the exception could not move (the fork never started)."""
    if effect.fork_from is None or await DBOS.get_workflow_status_async(fork_id(row)):
        return
    async with store.begin() as connection:
        await connection.execute(delete(keys_table).where(keys_table.c.run_id == fork_id(row)))
        await connection.execute(delete(runs_table).where(runs_table.c.run_id == fork_id(row)))
