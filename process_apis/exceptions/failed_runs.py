"""Failed runs: a run that ended in error becomes an exception its owner can retry.

A flow parks when a person can fix the data; anything else that escapes it (a step's
permanent error it did not handle, a run recovered too often) ends the run in DBOS status
ERROR. The sweeper finds such runs of indexed flows and opens one `failed-run` exception
per run (deterministic id, so sweepers on several workers open it once), routed like any
other by `policies/owners.yaml`: the error type is the system API's problem code when
the error carries one (`period-closed` goes to finance), else `run-failed`.

Retrying a failed run forks it from its last failed step (`retry_step`): the steps before
are kept, that step and the rest run again under the fork's id.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from dbos import DBOS, WorkflowStatus
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.problems import PROBLEM_BASE_URI, Problem
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.exceptions import (
    ExceptionKind,
    ExceptionStatus,
    Trouble,
    exceptions_table,
    open_exception,
)
from process_apis._runtime.owners import OwnerPolicy, load_owner_policy
from process_apis._runtime.periodic import every
from process_apis._runtime.runs import runs_table
from process_apis.exceptions.settings import ExceptionSettings

_log = logging.getLogger("atrium.flows.exceptions")
FAILED = ("ERROR", "MAX_RECOVERY_ATTEMPTS_EXCEEDED")
"""DBOS statuses of a run that will not go on by itself."""
WAITING = ("PENDING", "ENQUEUED", "DELAYED")
"""DBOS statuses of a run that is still under way (a parked run is PENDING)."""
SWEEP_BATCH = 500
_SYSTEMS = ("hcm", "psa", "erp", "billing")
_MAX_TEXT = 500


def failed_run_exception_id(run_id: str) -> str:
    """The one exception a failed run gets."""
    return "exc-" + hashlib.sha256(f"{run_id}#failed".encode()).hexdigest()[:20]


def retry_step(steps: Sequence[Any]) -> int | None:
    """The step to fork a failed run from: its last failed step, if nothing ran after it.

    None when no step failed (the orchestration itself raised) or when steps succeeded
    after the failure (the flow compensated): re-running from the failure would then build
    on effects already undone, so such a run is started afresh instead.
    """
    failed = [step for step in steps if step.get("error") is not None]
    if not failed:
        return None
    last: int = failed[-1]["function_id"]
    if any(step["function_id"] > last and step.get("error") is None for step in steps):
        return None
    return last


def error_type_of(error: object) -> str:
    """The problem code a system API answered with, else `run-failed`."""
    problem = getattr(error, "problem", None)
    if isinstance(problem, Problem) and problem.type.startswith(PROBLEM_BASE_URI):
        return problem.type.removeprefix(PROBLEM_BASE_URI)
    return "run-failed"


def system_of(error: object) -> str | None:
    """The system whose v1 client raised `error` (clients live in system_apis.<role>.v1)."""
    parts = type(error).__module__.split(".")
    if len(parts) > 1 and parts[0] == "system_apis" and parts[1] in _SYSTEMS:
        return parts[1]
    return None


def _chain(error: object) -> list[str]:
    # DBOS hands back the error's text when it cannot unpickle the error itself.
    if error is None or not isinstance(error, BaseException):
        return [] if error is None else [str(error)[:_MAX_TEXT]]
    chain: list[str] = []
    cause: BaseException | None = error
    while cause is not None and len(chain) < 5:
        chain.append(f"{type(cause).__name__}: {str(cause)[:_MAX_TEXT]}")
        cause = cause.__cause__ or cause.__context__
    return chain


def _trace_id(traceparent: str | None) -> str | None:
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


async def describe_failure(status: WorkflowStatus, flow: str) -> Trouble:
    """What went wrong in a failed run, as the exception will tell it."""
    steps = await DBOS.list_workflow_steps_async(status.workflow_id)
    failed = [step for step in steps if step.get("error") is not None]
    error: object = status.error
    return Trouble(
        error_type=error_type_of(error),
        title=f"A {flow} run failed",
        detail=(str(error) if error is not None else status.status)[:_MAX_TEXT] or status.status,
        step=failed[-1]["function_name"][:64] if failed else None,
        system=system_of(error),
        error_chain=_chain(error),
        attempts=1,
    )


async def _candidates(store: AsyncEngine, run_ids: list[str]) -> dict[str, Any]:
    """The indexed runs among `run_ids` that need a failed-run exception."""
    async with store.connect() as connection:
        runs = {
            row.run_id: row
            for row in await connection.execute(
                select(runs_table).where(runs_table.c.run_id.in_(run_ids))
            )
        }
        handled = await connection.execute(
            select(exceptions_table.c.run_id).where(
                exceptions_table.c.run_id.in_(list(runs)),
                (exceptions_table.c.kind == ExceptionKind.FAILED_RUN.value)
                # A run a person cancelled may well end in error; that is no news.
                | (exceptions_table.c.status == ExceptionStatus.CANCELLED.value),
            )
        )
        for run_id in handled.scalars():
            runs.pop(run_id, None)
    return runs


async def sweep_failed_runs(
    store: AsyncEngine, owners: OwnerPolicy, *, now: float, lookback_s: float
) -> list[str]:
    """Open an exception for each failed run started in the lookback; returns their ids."""
    since = datetime.fromtimestamp(now - lookback_s, tz=UTC).isoformat()
    statuses = await DBOS.list_workflows_async(
        status=list(FAILED),
        start_time=since,
        load_input=False,
        sort_desc=True,
        limit=SWEEP_BATCH,
    )
    if not statuses:
        return []
    runs = await _candidates(store, [status.workflow_id for status in statuses])
    opened = []
    for status in statuses:
        run = runs.get(status.workflow_id)
        if run is None:
            continue
        opened.append(
            await open_exception(
                store,
                owners,
                exception_id=failed_run_exception_id(run.run_id),
                kind=ExceptionKind.FAILED_RUN,
                trouble=await describe_failure(status, run.flow),
                flow=run.flow,
                run_id=run.run_id,
                trace_id=_trace_id(run.traceparent),
            )
        )
    return opened


async def sweep_forever(runtime: FlowRuntime, settings: ExceptionSettings) -> None:
    """Sweep for failed runs every `failed_run_sweep_s` while the runtime lives."""

    async def sweep() -> None:
        opened = await sweep_failed_runs(
            runtime.store,
            load_owner_policy(runtime.context.policy_dir),
            now=time.time(),
            lookback_s=settings.failed_run_lookback_s,
        )
        if opened:
            _log.warning("failed runs became exceptions", extra={"exceptions": opened})

    # The database may be briefly away; keep sweeping.
    await every(
        settings.failed_run_sweep_s,
        sweep,
        log=_log,
        failure="failed-run sweep failed",
        level=logging.ERROR,
    )
