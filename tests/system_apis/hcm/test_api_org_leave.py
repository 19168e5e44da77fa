"""Org units, cost centres, leave and availability through /system/hcm/v1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sandboxes.demo_firm import build_demo_firm
from tests.system_apis.hcm.conftest import Hcm

FIRM = build_demo_firm()
OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}


async def test_org_units_page_through_departments_and_divisions(hcm: Hcm) -> None:
    first = (await hcm.get("/org-units", params={"limit": 5})).json()
    rest = (
        await hcm.get("/org-units", params={"limit": 50, "cursor": first["next_cursor"]})
    ).json()
    units = first["items"] + rest["items"]
    assert rest["next_cursor"] is None
    assert len(units) == len(FIRM.departments) + len(FIRM.legal_entities)
    divisions = (await hcm.get("/org-units", params={"kind": "division"})).json()["items"]
    assert {u["name"] for u in divisions} == {le.name for le in FIRM.legal_entities}


async def test_cost_centres_carry_codes(hcm: Hcm) -> None:
    centres = (await hcm.get("/cost-centres", params={"limit": 200})).json()["items"]
    codes = {c["code"] for c in centres}
    assert {c.code for c in FIRM.cost_centres} <= codes


async def test_bad_cursor_is_422(hcm: Hcm) -> None:
    response = await hcm.get("/cost-centres", params={"cursor": "forged"})
    assert response.status_code == 422
    assert response.json()["type"].endswith("/invalid-cursor")


async def test_leave_requests_filter_by_period_status_and_worker(hcm: Hcm) -> None:
    expected = [
        leave
        for leave in FIRM.leave_requests
        if leave.status == "approved"
        and leave.end_date >= date(2026, 10, 1)
        and leave.start_date <= date(2026, 10, 31)
    ]
    response = await hcm.get("/leave-requests", params={**OCTOBER, "status": "approved"})
    items = response.json()["items"]
    assert {i["id"] for i in items} == {str(leave.id) for leave in expected}
    assert {i["status"] for i in items} == {"approved"}
    worker = FIRM.worker(expected[0].worker)
    mine = await hcm.get(
        "/leave-requests", params={**OCTOBER, "worker_id": str(worker.id), "limit": 1}
    )
    assert [i["worker_id"] for i in mine.json()["items"]] == [str(worker.id)]


async def test_backward_period_is_422(hcm: Hcm) -> None:
    response = await hcm.get("/leave-requests", params={"start": "2026-10-31", "end": "2026-10-01"})
    assert response.status_code == 422


async def test_worker_availability_subtracts_approved_leave(hcm: Hcm) -> None:
    leave = next(
        lv for lv in FIRM.leave_requests if lv.status == "approved" and lv.start_date.month == 10
    )
    worker = FIRM.worker(leave.worker)
    response = await hcm.get(f"/workers/{worker.id}/availability", params=OCTOBER)
    assert response.status_code == 200, response.text
    body = response.json()
    daily = worker.weekly_capacity_hours / 5
    assert Decimal(body["capacity_hours"]) == daily * 22  # working days in October 2026
    assert Decimal(body["leave_hours"]) >= leave.days * daily
    assert Decimal(body["available_hours"]) == Decimal(body["capacity_hours"]) - Decimal(
        body["leave_hours"]
    )


async def test_org_unit_availability_sums_its_workers(hcm: Hcm) -> None:
    response = await hcm.get("/org-units/department-4/availability", params=OCTOBER)
    assert response.status_code == 200, response.text
    body = response.json()
    design = [w for w in FIRM.workers if w.department == "DES"]
    assert {w["employee_number"] for w in body["workers"]} == {w.employee_number for w in design}
    assert Decimal(body["capacity_hours"]) == sum(
        Decimal(w["capacity_hours"]) for w in body["workers"]
    )
    assert (
        await hcm.get("/org-units/department-99/availability", params=OCTOBER)
    ).status_code == 404


async def test_firm_availability_pages_every_employed_worker_as_the_units_count_them(
    hcm: Hcm,
) -> None:
    first = (await hcm.get("/availability", params={**OCTOBER, "limit": 150})).json()
    rest = (
        await hcm.get(
            "/availability", params={**OCTOBER, "limit": 150, "cursor": first["next_cursor"]}
        )
    ).json()
    assert rest["next_cursor"] is None
    rows = {r["worker_id"]: r for r in first["items"] + rest["items"]}
    employed = [
        w
        for w in FIRM.workers
        if w.hire_date <= date(2026, 10, 31)
        and (w.termination_date is None or w.termination_date >= date(2026, 10, 1))
    ]
    assert {r["employee_number"] for r in rows.values()} == {w.employee_number for w in employed}
    assert [int(i) for i in rows] == sorted(int(i) for i in rows)
    # The same figures as the per-unit and per-worker reads.
    unit = (await hcm.get("/org-units/department-4/availability", params=OCTOBER)).json()
    for row in unit["workers"]:
        assert rows[row["worker_id"]] == row
    leave = next(
        lv for lv in FIRM.leave_requests if lv.status == "approved" and lv.start_date.month == 10
    )
    one = FIRM.worker(leave.worker)
    alone = (await hcm.get(f"/workers/{one.id}/availability", params=OCTOBER)).json()
    assert rows[str(one.id)] == alone["workers"][0]


async def test_firm_availability_refuses_a_backward_period(hcm: Hcm) -> None:
    response = await hcm.get("/availability", params={"start": "2026-10-31", "end": "2026-10-01"})
    assert response.status_code == 422
