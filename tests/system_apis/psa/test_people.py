"""Resources for HCM hires and timesheet-approval routing, over the gateway and Harvest."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openapi_core import OpenAPI

from system_apis.psa.settings import PsaSettings
from system_apis.psa.v1.runtime import build_connector
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import validate_exchange
from tests.system_apis.psa.conftest import Psa
from tests.system_apis.psa.test_connector_fidelity import RecordingTransport

HIRE = {
    "employee_number": "E9001",
    "first_name": "Ada",
    "last_name": "Quinn",
    "email": "ada.quinn@atrium-advisory.example",
    "grade": "G4",
    "legal_entity": "GB01",
    "role": "Solution Architect",
    "weekly_capacity_hours": "37.5",
    "bill_rate": "210.00",
    "cost_rate": "80.00",
}


def _money(value: dict[str, str]) -> tuple[Decimal, str]:
    return Decimal(value["amount"]), value["currency"]


def _harvest_user(psa: Psa, resource_id: str) -> dict[str, Any]:
    user = psa.harvest.store.get("users", resource_id)
    assert user is not None
    return user


def _teammates(psa: Psa, manager_id: str) -> set[int]:
    return {
        row["user_id"] for row in psa.harvest.store.find("teammates", manager_id=int(manager_id))
    }


async def test_creates_a_resource_once_per_employee_number(psa: Psa) -> None:
    first = await psa.call("POST", "/resources", json=HIRE)
    again = await psa.call("POST", "/resources", json=HIRE | {"first_name": "Someone"})

    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    resource = first.json()
    assert again.json()["id"] == resource["id"]
    assert resource["employee_number"] == "E9001"
    assert resource["grade"] == "G4"
    assert resource["legal_entity"] == "GB01"
    assert resource["is_assignable"] is True
    assert resource["weekly_capacity_hours"] == "37.5"
    assert _money(resource["bill_rate"]) == (Decimal(210), "GBP")
    assert _money(resource["cost_rate"]) == (Decimal(80), "GBP")
    assert "Solution Architect" in _harvest_user(psa, resource["id"])["roles"]


async def test_rates_of_a_new_resource_can_change_on_its_first_day(psa: Psa) -> None:
    resource = (await psa.call("POST", "/resources", json=HIRE)).json()

    changed = await psa.call("PATCH", f"/resources/{resource['id']}", json={"bill_rate": "230"})

    assert changed.status_code == 200, changed.text
    assert _money(changed.json()["bill_rate"]) == (Decimal(230), "GBP")


async def test_refuses_a_resource_without_identity(psa: Psa) -> None:
    response = await psa.call("POST", "/resources", json={"employee_number": "E9002"})

    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert {"#/first_name", "#/last_name", "#/email"} <= pointers


async def test_routes_approval_to_one_manager_and_moves_it(psa: Psa) -> None:
    people = (await psa.get("/resources", params={"limit": 3})).json()["items"]
    worker, first, second = (p["id"] for p in people)

    routed = await psa.call("PUT", f"/resources/{worker}/approver", json={"approver_id": first})
    moved = await psa.call("PUT", f"/resources/{worker}/approver", json={"approver_id": second})
    repeated = await psa.call("PUT", f"/resources/{worker}/approver", json={"approver_id": second})

    assert routed.status_code == 200, routed.text
    assert routed.json() == {"resource_id": worker, "approver_id": first}
    assert moved.json() == repeated.json() == {"resource_id": worker, "approver_id": second}
    assert int(worker) not in _teammates(psa, first)
    assert _teammates(psa, second) == {int(worker)}
    manager = _harvest_user(psa, second)["access_roles"]
    assert "manager" in manager
    assert "people_manager" in manager
    assert "people_manager" not in _harvest_user(psa, first)["access_roles"]


async def test_clearing_the_approver_and_self_approval(psa: Psa) -> None:
    people = (await psa.get("/resources", params={"limit": 2})).json()["items"]
    worker, manager = (p["id"] for p in people)
    await psa.call("PUT", f"/resources/{worker}/approver", json={"approver_id": manager})

    cleared = await psa.call("PUT", f"/resources/{worker}/approver", json={"approver_id": None})
    own = await psa.call("PUT", f"/resources/{worker}/approver", json={"approver_id": worker})

    assert cleared.json() == {"resource_id": worker, "approver_id": None}
    assert _teammates(psa, manager) == set()
    assert own.status_code == 422


async def test_people_calls_and_answers_match_harvest_spec(
    sandbox_server: SandboxServers, vendor_spec: Callable[[str], OpenAPI]
) -> None:
    spec = vendor_spec("harvest")
    sandbox = sandbox_server("harvest")
    recorder = RecordingTransport()
    settings = PsaSettings(base_url=sandbox.url + "/v2")
    harvest = build_connector(settings, None, transport=recorder)
    try:
        manager = (await harvest.list_users({"per_page": "1"})).items[0]
        user = await harvest.create_user(
            {"first_name": "Spec", "last_name": "Check", "email": "spec@example.com"}
        )
        await harvest.update_user(str(manager.id), {"access_roles": ["manager"]})
        await harvest.update_teammates(str(manager.id), [str(user.id)])
        teammates = await harvest.list_teammates(str(manager.id), {"per_page": "10"})
    finally:
        await harvest.aclose()
    assert [t.id for t in teammates.items] == [user.id]
    assert len(recorder.exchanges) == 5
    for request, response in recorder.exchanges:
        assert response.is_success, (request.url, response.text)
        validate_exchange(spec, request, response)
