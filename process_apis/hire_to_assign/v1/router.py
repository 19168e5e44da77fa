"""Hire-to-assign v1: the shared run routes, plus the HCM's change webhook."""

# No `from __future__ import annotations`: FastAPI must see the body model itself.

import time
from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel, Field

from contracts.hcm import Worker
from contracts.problems import ProblemError
from contracts.registry import settings_from
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.flows import start_run
from process_apis._runtime.router import RunAccepted, flow_router, runtime_dep
from process_apis.hire_to_assign.changes import change_of
from process_apis.hire_to_assign.settings import HireToAssignSettings
from process_apis.hire_to_assign.signatures import verify
from process_apis.hire_to_assign.spec import SPEC
from process_apis.hire_to_assign.v1.schemas import ChangedWorker, HcmChangeNotification
from system_apis.hcm.v1.client import HcmApiError, HcmClient

router = flow_router(SPEC)
FlowsDep = runtime_dep(f"process/{SPEC.name}/v1")


class ChangesAccepted(BaseModel):
    """The run each notified change maps to (new or already started)."""

    runs: list[RunAccepted]
    ignored: list[str] = Field(
        description="Workers named in the notification that the HCM does not know, or whose "
        "record has no employee number or change time."
    )


async def signed(request: Request, flows: FlowRuntime = FlowsDep) -> None:
    """Check the notification's signature when a webhook secret is configured."""
    settings = settings_from(HireToAssignSettings, flows.context)
    if settings.webhook_secret is not None:
        body = await request.body()
        verify(
            settings.webhook_secret,
            request.headers,
            body,
            now=time.time(),
            tolerance_s=settings.webhook_tolerance_s,
        )


async def _worker(hcm: HcmClient, named: ChangedWorker) -> Worker | None:
    try:
        if named.worker_id is not None:
            return await hcm.get_worker(named.worker_id)
        return await hcm.get_worker_by_employee_number(named.employee_number or "")
    except HcmApiError as exc:
        if exc.problem.status in (404, 422):  # no such worker (or no such id shape)
            return None
        raise ProblemError("upstream-busy", "The HCM could not be read; try again.") from exc


def _client_id(request: Request) -> str | None:
    principal = request.scope.get("state", {}).get("principal")
    return getattr(principal, "client_id", None)


@router.post(
    "/hcm-events",
    status_code=202,
    operation_id="notifyHireToAssignChanges",
    summary="Receive the HCM's worker-change notification and start a run per change",
    response_model=ChangesAccepted,
    dependencies=[Depends(signed)],
    responses={401: {"description": "Missing or invalid signature (when one is required)."}},
)
async def notify(
    request: Request,
    body: HcmChangeNotification,
    flows: FlowRuntime = FlowsDep,
    traceparent: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> ChangesAccepted:
    runs: list[RunAccepted] = []
    ignored: list[str] = []
    for named in body.changes:
        worker = await _worker(flows.systems.hcm, named)
        change = None if worker is None else change_of(worker)
        if change is None:
            ignored.append(named.employee_number or named.worker_id or "")
            continue
        started = await start_run(
            flows, SPEC, change, client_id=_client_id(request), traceparent=traceparent
        )
        location = f"{SPEC.base_path}/runs/{started.run_id}"
        runs.append(
            RunAccepted(
                id=started.run_id, flow=SPEC.name, location=location, created=started.created
            )
        )
    return ChangesAccepted(runs=runs, ignored=ignored)
