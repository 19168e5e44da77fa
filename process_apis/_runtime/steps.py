"""Helpers for step code: the step-scoped idempotency key and the running run's id."""

from __future__ import annotations

from dbos import DBOS

from process_apis._runtime.engine import current_runtime
from process_apis._runtime.runs import add_keys


def run_id() -> str:
    """The id of the run this step belongs to."""
    workflow_id = DBOS.workflow_id
    if workflow_id is None:
        raise RuntimeError("run_id() is only meaningful inside a flow")
    return workflow_id


def idempotency_key(step: str, *parts: str) -> str:
    """`{run_id}:{step}[:part…]`: what every write to a system API carries.

    A recovered or retried step sends the same key, so the gateway's edge replays the
    first response and the vendor sees one write.
    """
    return ":".join((run_id(), step, *parts))


async def index_business_keys(**keys: str) -> None:
    """From a step: make this run findable by keys it learned (`invoice_number=…`)."""
    await add_keys(current_runtime().store, run_id(), keys)
