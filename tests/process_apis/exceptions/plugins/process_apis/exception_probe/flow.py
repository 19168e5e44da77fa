"""The probe flow: `park` waits for a person, `fail` ends in error, `compensate` undoes first."""

from __future__ import annotations

from typing import Any

from dbos import DBOS
from process_apis.exception_probe import steps
from process_apis.exception_probe.v1.schemas import ProbeRequest

from process_apis._runtime.exceptions import Trouble
from process_apis._runtime.parking import park

NAME = "exception-probe"


@DBOS.workflow()
async def exception_probe_flow(request: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    probe = ProbeRequest.model_validate(request)
    if probe.mode == "park":
        return await _find_or_park(probe)
    await steps.prepare(probe.case)
    try:
        return await steps.risky_step(probe.case)
    except RuntimeError:
        if probe.mode == "compensate":
            await steps.undo_prepare(probe.case)
        raise


async def _find_or_park(probe: ProbeRequest) -> dict[str, Any]:
    number = probe.employee_number
    while True:
        if number is not None:
            found = await steps.find_worker(probe.case, number)
            if "worker_id" in found:
                return {"outcome": "found", **found}
        decision = await park(
            Trouble(
                error_type=probe.error_type,
                title="The probe needs an employee number",
                detail="No worker matches the employee number given.",
                step="find_worker",
                system="hcm",
                business_keys={"case": probe.case},
                data={"employee_number": number, "bill_rate": "150.00"},
            ),
            flow=NAME,
        )
        if decision.action == "cancel":
            return {"outcome": "cancelled", "reason": decision.reason, "by": decision.actor}
        number = decision.data.get("employee_number", number)
