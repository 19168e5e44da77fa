"""Time-to-cash v1: start a run for (project, billing period), list and show runs."""

from __future__ import annotations

from contracts.problems import ProblemError, ProblemFieldError
from process_apis._runtime.flows import FlowSpec
from process_apis._runtime.router import flow_router
from process_apis._runtime.systems import SystemClients
from process_apis.time_to_cash.flow import FLOW, time_to_cash
from process_apis.time_to_cash.lookups import find_project
from process_apis.time_to_cash.upstream import (
    UpstreamRefusedError,
    UpstreamUnavailableError,
    upstream_errors,
)
from process_apis.time_to_cash.v1.schemas import TimeToCashRequest


async def validate(request: TimeToCashRequest, systems: SystemClients) -> None:
    """Refuse (422) a project the PSA does not know, before any run starts."""
    try:
        with upstream_errors("psa"):
            project = await find_project(systems.psa, request.project_code)
    except UpstreamRefusedError:
        project = None
    except UpstreamUnavailableError as error:
        raise ProblemError("upstream-unavailable", "The PSA is unavailable; try again.") from error
    if project is None:
        raise ProblemError(
            "validation-failed",
            f"The PSA has no project {request.project_code}.",
            errors=[ProblemFieldError(pointer="#/project_code", detail="unknown project")],
        )


SPEC = FlowSpec(
    name=FLOW,
    title="time-to-cash",
    request_model=TimeToCashRequest,
    workflow=time_to_cash,
    business_keys=lambda r: {"project_code": r.project_code, "billing_period": r.billing_period},
    run_key=lambda r: f"{r.project_code}:{r.billing_period}",
    validate=validate,
)
router = flow_router(SPEC)
