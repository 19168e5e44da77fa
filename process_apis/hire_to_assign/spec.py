"""The hire-to-assign flow's declaration: request, workflow, keys and synchronous checks."""

from __future__ import annotations

from contracts.problems import ProblemError, ProblemFieldError
from process_apis._runtime.flows import FlowSpec
from process_apis._runtime.systems import SystemClients
from process_apis.hire_to_assign.flow import NAME, hire_to_assign
from process_apis.hire_to_assign.v1.schemas import WorkerChange
from system_apis.hcm.v1.client import HcmApiError


async def validate(change: WorkerChange, systems: SystemClients) -> None:
    """Refuse (422) a change for a worker the HCM does not know."""
    try:
        await systems.hcm.get_worker_by_employee_number(change.employee_number)
    except HcmApiError as exc:
        if exc.problem.status not in (404, 422):
            raise ProblemError("upstream-busy", "The HCM could not be read; try again.") from exc
        raise ProblemError(
            "validation-failed",
            "The HCM has no worker with this employee number.",
            errors=[ProblemFieldError(pointer="#/employee_number", detail="unknown in the HCM")],
        ) from None


SPEC = FlowSpec(
    name=NAME,
    title="Hire to assign",
    request_model=WorkerChange,
    workflow=hire_to_assign,
    business_keys=WorkerChange.business_keys,
    run_key=WorkerChange.run_key,
    validate=validate,
)
