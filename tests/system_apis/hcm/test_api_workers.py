"""Workers through /system/hcm/v1 over a BambooHR sandbox: lists, filters, gets, writes."""

from __future__ import annotations

from typing import Any

from sandboxes.demo_firm import build_demo_firm
from tests.system_apis.hcm.conftest import READ_SCOPES, Hcm

FIRM = build_demo_firm()


async def _all(hcm: Hcm, limit: int = 50, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        response = await hcm.get("/workers", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_lists_every_worker_once_through_all_pages(hcm: Hcm) -> None:
    workers = await _all(hcm, limit=60)
    numbers = [w["employee_number"] for w in workers]
    assert sorted(numbers) == sorted(w.employee_number for w in FIRM.workers)
    assert len(set(numbers)) == len(numbers)
    assert workers[0]["provenance"]["system"] == "bamboohr"


async def test_filters_by_status_legal_entity_and_org_unit(hcm: Hcm) -> None:
    terminated = await _all(hcm, status="terminated")
    assert {w["employee_number"] for w in terminated} == {
        w.employee_number for w in FIRM.workers if w.status == "terminated"
    }
    british_engineers = await _all(
        hcm, limit=7, legal_entity="GB01", org_unit_id="department-2", status="active"
    )
    expected = {
        w.employee_number
        for w in FIRM.workers
        if (w.legal_entity, w.department, w.status) == ("GB01", "ENG", "active")
    }
    assert expected
    assert {w["employee_number"] for w in british_engineers} == expected


async def test_changed_since_lists_only_recent_changes(hcm: Hcm) -> None:
    changed = await _all(hcm, limit=3, changed_since="2026-09-01T00:00:00Z")
    assert changed
    assert all(w["provenance"]["modified_at"] >= "2026-09-01" for w in changed)
    hired_or_left = {
        w.employee_number
        for w in FIRM.workers
        if str(w.termination_date or w.hire_date) >= "2026-09-01"
    }
    assert {w["employee_number"] for w in changed} == hired_or_left


async def test_gets_a_worker_by_id_and_by_employee_number(hcm: Hcm) -> None:
    odd = next(i for i in FIRM.inconsistencies if i.system == "hcm" and i.field == "cost_centre")
    worker_id = FIRM.worker(odd.key).id
    by_id = await hcm.get(f"/workers/{worker_id}")
    by_number = await hcm.get(f"/workers/by-employee-number/{odd.key}")
    assert by_id.status_code == by_number.status_code == 200
    assert by_id.json() == by_number.json()
    worker = by_id.json()
    assert worker["employment"]["cost_centre"] == odd.value  # the HCM's own (odd) value
    assert worker["employment"]["compensation"]["currency"] == "USD"


async def test_unknown_worker_is_404(hcm: Hcm) -> None:
    assert (await hcm.get("/workers/99999")).status_code == 404
    assert (await hcm.get("/workers/by-employee-number/E9999")).status_code == 404


async def test_compensation_needs_its_scope(hcm: Hcm) -> None:
    worker = (await hcm.get("/workers/2", scopes=READ_SCOPES)).json()
    assert worker["employment"]["compensation"] is None
    assert worker["employment"]["grade"] is not None


async def test_partner_callers_see_no_workers(hcm: Hcm) -> None:
    listed = await hcm.get("/workers", partner="C0001")
    assert listed.json() == {"items": [], "next_cursor": None}
    assert (await hcm.get("/workers/2", partner="C0001")).status_code == 404


HIRE = {
    "employee_number": "E0999",
    "first_name": "Ada",
    "last_name": "Byron",
    "hire_date": "2026-11-02",  # in the past: its job row is already current
    "email": "ada.byron@atrium-advisory.example",
    "job_title": "Analyst",
    "org_unit_id": "department-2",
    "legal_entity": "GB01",
    "cost_centre": "CC-GB01-ENG",
    "grade": "G1",
}


async def test_hire_replays_with_the_same_key_and_never_duplicates(hcm: Hcm) -> None:
    before = hcm.bamboohr.store.count("employees")
    key = {"Idempotency-Key": "hire-E0999"}
    first = await hcm.call("POST", "/workers", json=HIRE, headers=key)
    again = await hcm.call("POST", "/workers", json=HIRE, headers=key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert first.json()["employment"]["org_unit_id"] == "department-2"
    assert first.json()["employment"]["legal_entity"] == "GB01"
    unkeyed = await hcm.call("POST", "/workers", json=HIRE)
    assert unkeyed.status_code == 409
    assert hcm.bamboohr.store.count("employees") == before + 1


async def test_update_moves_worker_with_a_job_row(hcm: Hcm) -> None:
    change = {"job_title": "Lead Engineer", "org_unit_id": "department-2", "grade": "G4"}
    response = await hcm.call("PATCH", "/workers/3", json=change)
    assert response.status_code == 200, response.text
    employment = response.json()["employment"]
    assert (employment["job_title"], employment["org_unit_id"], employment["grade"]) == (
        "Lead Engineer",
        "department-2",
        "G4",
    )
    assert len(hcm.bamboohr.store.find("jobInfo", employeeId="3")) == 2


async def test_writing_an_attribute_the_psa_owns_is_409_naming_it(hcm: Hcm) -> None:
    body = {"grade": "G2", "cost_rate": {"amount": "90", "currency": "USD"}}
    response = await hcm.call("PATCH", "/workers/3", json=body)
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("/not-system-of-record")
    assert problem["owners"] == {"cost_rate": "psa"}


async def test_vendor_refusal_is_422_pointing_at_our_field(hcm: Hcm) -> None:
    taken = FIRM.workers[0].email
    response = await hcm.call("PATCH", "/workers/3", json={"email": taken})
    assert response.status_code == 422
    problem = response.json()
    assert [e["pointer"] for e in problem["errors"]] == ["#/email"]
    assert "Invalid value" not in response.text  # the vendor's words stay inside


async def test_unknown_reference_in_a_write_is_422(hcm: Hcm) -> None:
    response = await hcm.call("PATCH", "/workers/3", json={"org_unit_id": "department-99"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/org_unit_id"
