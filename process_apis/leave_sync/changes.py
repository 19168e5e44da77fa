"""From a leave request the HCM names to the decision it records (which names its run).

Both triggers read the request's status from the HCM rather than trusting a notification,
so a decision reported by the webhook and by the poller, or twice, is one run.
"""

from __future__ import annotations

from datetime import date

from contracts.hcm import LeaveRequest, LeaveStatus
from contracts.problems import ProblemError
from process_apis.leave_sync.v1.schemas import LeaveChange, LeaveDecision
from system_apis.hcm.v1.client import HcmApiError, HcmClient

DECISIONS = {
    LeaveStatus.APPROVED: LeaveDecision.APPROVED,
    LeaveStatus.CANCELLED: LeaveDecision.CANCELLED,
}
PAGE = 200


def change_of(leave: LeaveRequest, employee_number: str) -> LeaveChange | None:
    """The decision a request holds; None while it is requested, denied or superseded."""
    decision = DECISIONS.get(leave.status)
    if decision is None:
        return None
    return LeaveChange(
        leave_request_id=leave.id,
        status=decision,
        employee_number=employee_number,
        starts_on=leave.start,
        ends_on=leave.end,
    )


async def read_change(
    hcm: HcmClient, employee_number: str, leave_request_id: str, starts_on: date, ends_on: date
) -> LeaveChange | None:
    """The decision the HCM holds for a request; None when the HCM does not know it."""
    try:
        worker = await hcm.get_worker_by_employee_number(employee_number)
        page = await hcm.list_leave_requests(starts_on, ends_on, worker_id=worker.id, limit=PAGE)
    except HcmApiError as exc:
        if exc.problem.status in (404, 422):
            return None
        raise ProblemError("upstream-busy", "The HCM could not be read; try again.") from exc
    leave = next((r for r in page.items if r.id == leave_request_id), None)
    return None if leave is None else change_of(leave, employee_number)
