"""From an HCM worker to the change it records (which names the run it starts).

Both triggers (the HCM's webhook and the poller) read the worker from the HCM and derive
the change from what the HCM holds, never from what a notification claims: so the same
HCM change always has the same run key, whoever reports it and however often.
"""

from __future__ import annotations

from datetime import UTC

from contracts.hcm import Worker, WorkerStatus
from process_apis.hire_to_assign.v1.schemas import ChangeKind, WorkerChange


def change_of(worker: Worker) -> WorkerChange | None:
    """The change the worker's HCM record holds; None without employee number or change time.

    A change on or before the worker's first day is a hire (onboarding edits included),
    a terminated worker's is a termination, anything else a change. The flow acts on the
    worker's state either way, so the kind names the run rather than deciding the work.
    """
    changed_at = worker.provenance.modified_at
    if worker.employee_number is None or changed_at is None:
        return None
    if changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=UTC)
    job = worker.employment
    if job.status is WorkerStatus.TERMINATED:
        kind = ChangeKind.TERMINATION
    elif job.hire_date is not None and changed_at.astimezone(UTC).date() <= job.hire_date:
        kind = ChangeKind.HIRE
    else:
        kind = ChangeKind.CHANGE
    return WorkerChange(employee_number=worker.employee_number, kind=kind, changed_at=changed_at)
