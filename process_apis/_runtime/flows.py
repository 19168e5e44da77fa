"""A flow's declaration (`FlowSpec`) and how a run of it is started.

Run identity decides idempotency: a flow with a business identity (`run_key`, e.g.
time-to-cash's project and billing period) always maps a trigger to the same run, so a
second trigger, a replay or a second worker joins the existing run instead of invoicing
twice. Otherwise the caller's Idempotency-Key (scoped by client) names the run, and a
trigger without a key gets a fresh id.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from dbos import DBOS, SetWorkflowID
from pydantic import BaseModel

from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.runs import record_run
from process_apis._runtime.systems import SystemClients

R = TypeVar("R", bound=BaseModel)

Workflow = Callable[[dict[str, Any], dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]
"""A DBOS workflow taking (request as JSON, run metadata) and returning its outcome."""


@dataclass(frozen=True, slots=True)
class FlowSpec(Generic[R]):
    """Everything the shared router and runtime need to know about one flow."""

    name: str
    title: str
    request_model: type[R]
    workflow: Workflow
    business_keys: Callable[[R], dict[str, str]]
    run_key: Callable[[R], str] | None = None
    validate: Callable[[R, SystemClients], Awaitable[None]] | None = None
    """Synchronous checks before anything is created; raise ProblemError (422) to refuse."""

    @property
    def base_path(self) -> str:
        return f"/process/{self.name}/v1"


@dataclass(frozen=True, slots=True)
class RunStarted:
    run_id: str
    created: bool


def choose_run_id(
    spec: FlowSpec[R], request: R, *, idempotency_key: str | None, client_id: str | None
) -> str:
    """The run's id: business identity, else the caller's key, else a fresh one."""
    if spec.run_key is not None:
        return f"{spec.name}:{spec.run_key(request)}"
    if idempotency_key is not None:
        digest = hashlib.sha256(f"{client_id or '-'}\n{idempotency_key}".encode()).hexdigest()
        return f"{spec.name}:key-{digest[:32]}"
    return f"{spec.name}:{uuid.uuid4().hex}"


async def start_run(
    runtime: FlowRuntime,
    spec: FlowSpec[R],
    request: R,
    *,
    idempotency_key: str | None = None,
    client_id: str | None = None,
    traceparent: str | None = None,
) -> RunStarted:
    """Index and start a run (or find the one this trigger maps to)."""
    run_id = choose_run_id(spec, request, idempotency_key=idempotency_key, client_id=client_id)
    created = await record_run(
        runtime.store,
        run_id=run_id,
        flow=spec.name,
        keys=spec.business_keys(request),
        requested_by=client_id,
        traceparent=traceparent,
    )
    meta = {"flow": spec.name, "traceparent": traceparent, "requested_by": client_id}
    with SetWorkflowID(run_id):
        # On a known id DBOS returns the existing run's handle; it never runs twice.
        await DBOS.start_workflow_async(spec.workflow, request.model_dump(mode="json"), meta)
    return RunStarted(run_id=run_id, created=created)
