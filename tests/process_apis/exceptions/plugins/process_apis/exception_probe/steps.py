"""Steps of the probe flow; `FIXED` is the switch a test flips to make `risky_step` succeed."""

from __future__ import annotations

from typing import Any

from dbos import DBOS

from process_apis._runtime.engine import current_runtime
from system_apis.hcm.v1.client import HcmApiError

FIXED: set[str] = set()
"""Cases whose risky step succeeds (a test's stand-in for someone fixing the upstream data)."""
CALLS: dict[str, int] = {}
"""How often each step really ran, by `step:case`."""


def _count(step: str, case: str) -> None:
    CALLS[f"{step}:{case}"] = CALLS.get(f"{step}:{case}", 0) + 1


@DBOS.step()
async def find_worker(case: str, employee_number: str) -> dict[str, Any]:
    """Look the worker up in the HCM; a miss is an answer, not an error."""
    _count("find_worker", case)
    try:
        worker = await current_runtime().systems.hcm.get_worker_by_employee_number(employee_number)
    except HcmApiError as exc:
        if exc.problem.status == 404:
            return {"missing": employee_number}
        raise
    return {"worker_id": worker.id}


@DBOS.step()
async def prepare(case: str) -> dict[str, Any]:
    """A step that always works (it runs before the risky one)."""
    _count("prepare", case)
    return {"prepared_id": f"prep-{case}"}


@DBOS.step()
async def risky_step(case: str) -> dict[str, Any]:
    """Fails until the test marks `case` fixed."""
    _count("risky_step", case)
    if case not in FIXED:
        raise RuntimeError("the probe's upstream refused the write")
    return {"record_id": f"rec-{case}"}


@DBOS.step()
async def undo_prepare(case: str) -> None:
    """The compensation of `prepare`."""
    _count("undo_prepare", case)
