"""Parking: a run that needs a person records an exception and waits for the decision.

Inside a flow, `decision = await park(trouble)` opens an exception (routed to its owner),
marks the run parked, and waits durably (`DBOS.recv_async`) until the exceptions API
sends a `Resolution`: resume with corrected data, retry the failed step, or cancel.
The wait survives restarts: a recovered run waits again for the same message.
"""

from __future__ import annotations

import hashlib

from dbos import DBOS

from process_apis._runtime.engine import current_runtime
from process_apis._runtime.exceptions import ExceptionKind, Resolution, Trouble, open_exception
from process_apis._runtime.owners import load_owner_policy
from process_apis._runtime.runs import set_parked
from process_apis._runtime.steps import run_id

RESOLUTION_TOPIC = "atrium.resolution"


@DBOS.step()
async def open_run_exception(trouble: dict[str, object], flow: str, trace_id: str | None) -> str:
    """Record the exception for this run and mark the run parked; returns the exception id."""
    runtime = current_runtime()
    current = run_id()
    exception_id = _exception_id(current, DBOS.step_id or 0)
    await open_exception(
        runtime.store,
        load_owner_policy(runtime.context.policy_dir),
        exception_id=exception_id,
        kind=ExceptionKind.PARKED_RUN,
        trouble=Trouble.model_validate(trouble),
        flow=flow,
        run_id=current,
        trace_id=trace_id,
    )
    await set_parked(runtime.store, current, exception_id)
    return exception_id


def _exception_id(run: str, step: int) -> str:
    # Deterministic: a step re-run after a crash finds the row it already wrote.
    return "exc-" + hashlib.sha256(f"{run}#{step}".encode()).hexdigest()[:20]


@DBOS.step()
async def mark_running() -> None:
    """Clear the parked mark once the decision arrived."""
    await set_parked(current_runtime().store, run_id(), None)


async def park(trouble: Trouble, *, flow: str, trace_id: str | None = None) -> Resolution:
    """Open an exception for this run and wait for a person's decision."""
    await open_run_exception(trouble.model_dump(mode="json"), flow, trace_id)
    wait_s = current_runtime().settings.park_wait_s
    message = None
    while message is None:
        message = await DBOS.recv_async(RESOLUTION_TOPIC, timeout_seconds=wait_s)
    await mark_running()
    return Resolution.model_validate(message)


async def deliver_resolution(run: str, resolution: Resolution, *, key: str | None = None) -> None:
    """Send a person's decision to a parked run (called by the exceptions API).

    With a `key` (the exception's id) the decision is sent at most once, even when the
    sender repeats itself after a crash: a second one would answer the run's next park.
    """
    await DBOS.send_async(
        run, resolution.model_dump(mode="json"), RESOLUTION_TOPIC, idempotency_key=key
    )
