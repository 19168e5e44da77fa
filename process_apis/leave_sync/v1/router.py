"""Leave-sync v1: the shared run routes, plus the HCM's leave webhook."""

# No `from __future__ import annotations`: FastAPI must see the body model itself.

import time
from typing import Annotated

from fastapi import Depends, Header, Request
from pydantic import BaseModel, Field

from contracts.registry import settings_from
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.flows import start_run
from process_apis._runtime.router import RunAccepted, flow_router, runtime_dep
from process_apis.hire_to_assign.signatures import verify
from process_apis.leave_sync.changes import read_change
from process_apis.leave_sync.settings import LeaveSyncSettings
from process_apis.leave_sync.spec import SPEC
from process_apis.leave_sync.v1.schemas import LeaveNotification

router = flow_router(SPEC)
FlowsDep = runtime_dep(f"process/{SPEC.name}/v1")


class LeaveAccepted(BaseModel):
    """The run each notified decision maps to (new or already started)."""

    runs: list[RunAccepted]
    ignored: list[str] = Field(
        description="Requests the HCM does not know, or that are neither approved nor cancelled."
    )


async def signed(request: Request, flows: FlowRuntime = FlowsDep) -> None:
    """Check the notification's signature when a webhook secret is configured."""
    settings = settings_from(LeaveSyncSettings, flows.context)
    if settings.webhook_secret is not None:
        verify(
            settings.webhook_secret,
            request.headers,
            await request.body(),
            now=time.time(),
            tolerance_s=settings.webhook_tolerance_s,
        )


def _client_id(request: Request) -> str | None:
    principal = request.scope.get("state", {}).get("principal")
    return getattr(principal, "client_id", None)


@router.post(
    "/hcm-events",
    status_code=202,
    operation_id="notifyLeaveSyncChanges",
    summary="Receive the HCM's leave-request notification and start a run per decision",
    response_model=LeaveAccepted,
    dependencies=[Depends(signed)],
    responses={401: {"description": "Missing or invalid signature (when one is required)."}},
)
async def notify(
    request: Request,
    body: LeaveNotification,
    flows: FlowRuntime = FlowsDep,
    traceparent: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> LeaveAccepted:
    runs: list[RunAccepted] = []
    ignored: list[str] = []
    for named in body.requests:
        change = await read_change(
            flows.systems.hcm,
            named.employee_number,
            named.leave_request_id,
            named.starts_on,
            named.ends_on,
        )
        if change is None:
            ignored.append(named.leave_request_id)
            continue
        started = await start_run(
            flows, SPEC, change, client_id=_client_id(request), traceparent=traceparent
        )
        location = f"{SPEC.base_path}/runs/{started.run_id}"
        accepted = RunAccepted(
            id=started.run_id, flow=SPEC.name, location=location, created=started.created
        )
        runs.append(accepted)
    return LeaveAccepted(runs=runs, ignored=ignored)
