"""The leave-sync flow's declaration: request, workflow, keys and synchronous checks."""

from __future__ import annotations

from contracts.problems import ProblemError, ProblemFieldError
from process_apis._runtime.flows import FlowSpec
from process_apis._runtime.systems import SystemClients
from process_apis.leave_sync.changes import read_change
from process_apis.leave_sync.flow import NAME, leave_sync
from process_apis.leave_sync.v1.schemas import LeaveChange


async def validate(change: LeaveChange, systems: SystemClients) -> None:
    """Refuse (422) a decision the HCM does not hold for that request."""
    held = await read_change(
        systems.hcm,
        change.employee_number,
        change.leave_request_id,
        change.starts_on,
        change.ends_on,
    )
    if held is None or held.status is not change.status:
        raise ProblemError(
            "validation-failed",
            "The HCM holds no such decision for this worker's leave request.",
            errors=[
                ProblemFieldError(
                    pointer="#/status",
                    detail="the HCM holds " + (held.status.value if held else "no such request"),
                )
            ],
        )


SPEC = FlowSpec(
    name=NAME,
    title="Leave sync",
    request_model=LeaveChange,
    workflow=leave_sync,
    business_keys=LeaveChange.business_keys,
    run_key=LeaveChange.run_key,
    validate=validate,
)
