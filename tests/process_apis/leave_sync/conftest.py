"""One gateway per module over the seeded sandboxes, polling the HCM's leave every 0.2 s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sandboxes.demo_firm import build_demo_firm
from tests.fixtures.flows_people import PeopleGateway, people_gateway, quiet_vendors, week_of

WEBHOOK_SECRET = "hcm-leave-webhook-test-secret"
ENVIRON = {
    "ATRIUM_LEAVE_SYNC_POLL_INTERVAL_S": "0.2",
    "ATRIUM_LEAVE_SYNC_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "ATRIUM_HIRE_TO_ASSIGN_POLL_INTERVAL_S": "0",
    "ATRIUM_PSA_DIRECTORY_TTL_S": "0",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gw(
    tmp_path_factory: pytest.TempPathFactory,
    _sandbox_templates: tuple[dict[str, Path], Path],
) -> AsyncIterator[PeopleGateway]:
    root = tmp_path_factory.mktemp("leave-sync")
    async with people_gateway(root, _sandbox_templates, ENVIRON) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def _quiet_vendors(request: pytest.FixtureRequest) -> None:
    if "gw" in request.fixturenames:
        quiet_vendors(request.getfixturevalue("gw"))


_taken: set[str] = set()


def _runs_this_week(project: dict[str, Any], monday: date, sunday: date) -> bool:
    starts, ends = project.get("starts_on"), project.get("ends_on")
    return (starts is None or starts <= sunday.isoformat()) and (
        ends is None or ends >= monday.isoformat()
    )


def worker_staffed_this_week(gw: PeopleGateway) -> dict[str, Any]:
    """An unused, consistent GB01 worker with no leave this week, staffed on a running project.

    Returns the BambooHR employee, the Harvest user and the ids of the assignments whose
    projects run this week.
    """
    firm = build_demo_firm()
    odd = {i.key for i in firm.inconsistencies}
    monday, sunday = week_of(date.today())
    hcm, psa = gw.store("hcm"), gw.store("psa")
    for worker in firm.workers:
        number = worker.employee_number
        if number in _taken or number in odd or worker.status != "active":
            continue
        if worker.legal_entity != "GB01":
            continue
        employee = hcm.find("employees", employeeNumber=number)[0]
        leave = hcm.find("timeOffRequests", employeeId=int(employee["id"]))
        if any(r["start"] <= sunday.isoformat() and r["end"] >= monday.isoformat() for r in leave):
            continue
        users = [u for u in psa.all("users") if f"emp:{number}" in u["roles"]]
        if not users:
            continue
        rows = psa.find("user_assignments", user_id=users[0]["id"], is_active=True)
        running = [
            str(row["id"])
            for row in rows
            if _runs_this_week(psa.get("projects", str(row["project_id"])) or {}, monday, sunday)
        ]
        if running:
            _taken.add(number)
            return {"employee": employee, "user": users[0], "assignments": running}
    raise AssertionError("the demo firm has no unused worker staffed this week")
