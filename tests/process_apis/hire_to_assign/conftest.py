"""One gateway per module over the seeded sandboxes, polling the HCM every 0.2 s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sandboxes.demo_firm import build_demo_firm
from tests.fixtures.flows_people import PeopleGateway, people_gateway, quiet_vendors

WEBHOOK_SECRET = "hcm-webhook-test-secret"
ENVIRON = {
    "ATRIUM_HIRE_TO_ASSIGN_POLL_INTERVAL_S": "0.2",
    "ATRIUM_HIRE_TO_ASSIGN_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "ATRIUM_PSA_DIRECTORY_TTL_S": "0",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gw(
    tmp_path_factory: pytest.TempPathFactory,
    _sandbox_templates: tuple[dict[str, Path], Path],
) -> AsyncIterator[PeopleGateway]:
    root = tmp_path_factory.mktemp("hire-to-assign")
    async with people_gateway(root, _sandbox_templates, ENVIRON) as gateway:
        yield gateway


@pytest.fixture(autouse=True)
def _quiet_vendors(request: pytest.FixtureRequest) -> None:
    if "gw" in request.fixturenames:
        quiet_vendors(request.getfixturevalue("gw"))


_taken: set[str] = set()


def staffed_consultant(gw: PeopleGateway) -> dict[str, Any]:
    """A GB01 worker no test used yet, consistent across systems, staffed, with a manager.

    Returns the BambooHR employee, its Harvest user and the manager's BambooHR id.
    """
    firm = build_demo_firm()
    odd = {i.key for i in firm.inconsistencies}
    hcm, psa = gw.store("hcm"), gw.store("psa")
    for worker in firm.workers:
        number = worker.employee_number
        manager = worker.manager
        if (
            number in _taken
            or number in odd
            or manager is None
            or manager in odd
            or worker.status != "active"
            or (worker.legal_entity, worker.department) != ("GB01", "CON")
        ):
            continue
        users = [u for u in psa.all("users") if f"emp:{number}" in u["roles"]]
        if not users or not psa.find("user_assignments", user_id=users[0]["id"], is_active=True):
            continue
        _taken.add(number)
        employee = hcm.find("employees", employeeNumber=number)[0]
        boss = hcm.find("employees", employeeNumber=manager)[0]
        return {"employee": employee, "user": users[0], "manager_hcm_id": str(boss["id"])}
    raise AssertionError("the demo firm has no unused staffed GB01 consultant left")


def harvest_user(gw: PeopleGateway, employee_number: str) -> dict[str, Any]:
    users = [u for u in gw.store("psa").all("users") if f"emp:{employee_number}" in u["roles"]]
    assert len(users) == 1, f"{len(users)} Harvest users hold {employee_number}"
    return users[0]


def harvest_user_of(gw: PeopleGateway, hcm_id: str) -> dict[str, Any]:
    employee = gw.store("hcm").get("employees", hcm_id)
    assert employee is not None
    return harvest_user(gw, employee["employeeNumber"])


def teammates(gw: PeopleGateway, manager_user_id: int) -> set[int]:
    rows = gw.store("psa").find("teammates", manager_id=manager_user_id)
    return {row["user_id"] for row in rows}
