"""Hires end to end on the sandboxes: HCM hire → poller → assignable in the PSA → staffed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from process_apis._runtime.exceptions import Resolution
from process_apis._runtime.parking import deliver_resolution
from sandboxes.demo_firm import build_demo_firm
from tests.fixtures.flows_people import HCM, HIRE, PSA, PeopleGateway, poll
from tests.process_apis.hire_to_assign.conftest import harvest_user, harvest_user_of, teammates

pytestmark = pytest.mark.asyncio(loop_scope="module")


def new_hire(number: str, job_title: str, manager_id: str) -> dict[str, Any]:
    """A GB01 consulting hire starting today (its job row is then already current)."""
    return {
        "employee_number": number,
        "first_name": "Noor",
        "last_name": f"Haddad-{number}",
        "email": f"noor.haddad.{number.lower()}@atrium-advisory.example",
        "hire_date": date.today().isoformat(),
        "job_title": job_title,
        "org_unit_id": "department-1",
        "legal_entity": "GB01",
        "cost_centre": "CC-GB01-CON",
        "manager_id": manager_id,
        "employment_type": "full_time",
    }


async def hired(gw: PeopleGateway, body: dict[str, Any]) -> str:
    """Hire through the HCM API, then wait for the poller's run; its id."""
    response = await gw.call("POST", f"{HCM}/workers", json=body)
    assert response.status_code == 201, response.text
    number = body["employee_number"]
    runs = await poll(lambda: gw.runs(HIRE, employee_number=number), bool)
    assert [r["business_keys"]["change"] for r in runs] == ["hire"]
    run_id: str = runs[0]["id"]
    return run_id


def _manager_of_a_consultant(gw: PeopleGateway) -> str:
    """The BambooHR id of a GB01 consulting lead (a manager who is in the PSA)."""
    leads = gw.store("hcm").find("employees", customCostCenter="CC-GB01-CON · Consulting GB")
    lead = next(e for e in leads if e["customGrade"] in ("G5", "G6") and e["status"] == "Active")
    return str(lead["id"])


async def test_a_solution_architect_is_hired_made_assignable_and_staffed(
    gw: PeopleGateway,
) -> None:
    manager_id = _manager_of_a_consultant(gw)
    run_id = await hired(gw, new_hire("E9101", "Solution Architect", manager_id))

    view = await gw.wait(HIRE, run_id, "succeeded", "failed", "parked")

    assert view["status"] == "succeeded", view.get("exception", view)
    assert view["output"]["outcome"] == "assignable"
    assert view["output"]["created"] is True
    user = harvest_user(gw, "E9101")
    assert user["is_active"] is True
    assert (user["default_hourly_rate"], user["cost_rate"]) == (230.0, 90.0)
    worker = await gw.read(f"{HCM}/workers/by-employee-number/E9101")
    contracted = Decimal(worker["employment"]["weekly_capacity_hours"])
    assert user["weekly_capacity"] == contracted * 3600
    assert {"Solution Architect", "grade:G4", "entity:GB01"} <= set(user["roles"])
    assert user["id"] in teammates(gw, harvest_user_of(gw, manager_id)["id"])
    events = await gw.events(run_id)
    assert [e["type"] for e in events] == ["worker.assignable"]
    assert events[0]["data"] == {
        "employee_number": "E9101",
        "psa_resource_id": str(user["id"]),
        "cost_centre": "CC-GB01-CON",
        "role": "Solution Architect",
    }
    steps = [s["name"] for s in view["steps"]]
    assert steps.index("allocate_cost") < steps.index("ensure_resource")

    projects = await gw.read(f"{PSA}/projects", status="active", legal_entity="GB01")
    project_id = projects["items"][0]["id"]
    staffed = await gw.call(
        "POST",
        f"{PSA}/projects/{project_id}/assignments",
        json={"resource_id": str(user["id"])},
    )
    assert staffed.status_code == 201, staffed.text
    assert staffed.json()["active"] is True
    assert len(await gw.runs(HIRE, employee_number="E9101")) == 1


async def test_an_unknown_job_title_parks_for_hr_and_resumes_with_a_named_role(
    gw: PeopleGateway,
) -> None:
    run_id = await hired(gw, new_hire("E9102", "Chief Vibes Officer", _manager_of_a_consultant(gw)))

    parked = await gw.wait(HIRE, run_id, "parked", "succeeded", "failed")

    assert parked["status"] == "parked", parked
    exception = await gw.exception_of(run_id)
    assert (exception["error_type"], exception["owner"]) == ("unknown-role", "hr")
    assert exception["data"] == {"job_title": "Chief Vibes Officer", "legal_entity": "GB01"}
    assert not [u for u in gw.store("psa").all("users") if "emp:E9102" in u["roles"]]

    decision = Resolution(action="resume", data={"role": "Consultant"}, actor="hr@firm")
    await deliver_resolution(run_id, decision)
    done = await gw.wait(HIRE, run_id, "succeeded", "failed")

    assert done["status"] == "succeeded", done
    assert done["output"]["role"] == "Consultant"
    user = harvest_user(gw, "E9102")
    assert (Decimal(str(user["default_hourly_rate"])), Decimal(str(user["cost_rate"]))) == (
        Decimal(130),
        Decimal(50),
    )


async def test_a_change_for_a_worker_the_hcm_does_not_know_is_refused(gw: PeopleGateway) -> None:
    change = {"employee_number": "E7777", "kind": "hire", "changed_at": "2026-11-02T09:00:00Z"}

    response = await gw.call("POST", f"{HIRE}/runs", json=change)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "#/employee_number"
    assert await gw.runs(HIRE, employee_number="E7777") == []


async def test_a_cost_centre_the_erp_lacks_parks_for_finance_and_resumes_with_a_fix(
    gw: PeopleGateway,
) -> None:
    moved = build_demo_firm().worker("E0019")  # the HCM files them under an unknown centre
    known = f"CC-{moved.legal_entity}-{moved.department}"
    change = {"employee_number": "E0019", "kind": "change", "changed_at": "2026-11-02T09:00:00Z"}

    started = await gw.call("POST", f"{HIRE}/runs", json=change)
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    parked = await gw.wait(HIRE, run_id, "parked", "succeeded", "failed")

    assert parked["status"] == "parked", parked
    exception = await gw.exception_of(run_id)
    assert (exception["error_type"], exception["owner"]) == ("missing-cost-centre", "finance")
    decision = Resolution(action="resume", data={"cost_centre": known}, actor="finance@firm")
    await deliver_resolution(run_id, decision)
    done = await gw.wait(HIRE, run_id, "succeeded", "failed")
    assert done["status"] == "succeeded", done
    assert done["output"]["psa_resource_id"] == str(harvest_user(gw, "E0019")["id"])
