"""Leave decisions end to end on the sandboxes: capacity, at-risk flags and events."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from process_apis.hire_to_assign.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.fixtures.flows_people import (
    HCM,
    LEAVE,
    PSA,
    PeopleGateway,
    leave_in_bamboo,
    poll,
    set_leave_status,
    week_of,
)
from tests.process_apis.leave_sync.conftest import WEBHOOK_SECRET, worker_staffed_this_week

pytestmark = pytest.mark.asyncio(loop_scope="module")


def signed(body: dict[str, Any]) -> dict[str, Any]:
    content = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(WEBHOOK_SECRET, timestamp, content),
    }
    return {"content": content, "headers": headers}


async def available_this_week(gw: PeopleGateway, worker_id: str) -> Decimal:
    monday, sunday = week_of(date.today())
    availability = await gw.read(
        f"{HCM}/workers/{worker_id}/availability",
        start=monday.isoformat(),
        end=sunday.isoformat(),
    )
    return Decimal(availability["available_hours"])


async def capacity(gw: PeopleGateway, user: dict[str, Any]) -> Decimal:
    resource = await gw.read(f"{PSA}/resources/{user['id']}")
    return Decimal(resource["weekly_capacity_hours"])


def notes_of(gw: PeopleGateway, assignment_id: str) -> str:
    row = gw.store("psa").get("user_assignments", assignment_id)
    assert row is not None
    project = gw.store("psa").get("projects", str(row["project_id"]))
    assert project is not None
    return str(project.get("notes") or "")


async def test_approved_leave_cuts_this_weeks_capacity_and_cancelling_it_restores_it(
    gw: PeopleGateway,
) -> None:
    picked = worker_staffed_this_week(gw)
    employee, user = picked["employee"], picked["user"]
    number, worker_id = employee["employeeNumber"], str(employee["id"])
    full_week = await available_this_week(gw, worker_id)
    monday, _ = week_of(date.today())
    days = [monday, monday + timedelta(days=1)]

    request_id = leave_in_bamboo(gw, number, days, status="approved")
    runs = await poll(lambda: gw.runs(LEAVE, leave_request_id=request_id), bool)
    approved_run = runs[0]["id"]
    [event] = await poll(lambda: gw.events(approved_run), bool)

    reduced = await available_this_week(gw, worker_id)
    assert reduced < full_week
    assert await capacity(gw, user) == reduced
    assert runs[0]["business_keys"] == {
        "leave_request_id": request_id,
        "status": "approved",
        "employee_number": number,
    }
    assert event["type"] == "availability.changed"
    assert event["data"]["status"] == "approved"
    assert event["data"]["hours"] == str((full_week - reduced).quantize(Decimal("0.01")))
    assert sorted(event["data"]["at_risk_assignments"]) == sorted(picked["assignments"])
    for assignment in picked["assignments"]:
        assert f"(leave request {request_id})" in notes_of(gw, assignment)
    view = await gw.read(f"{LEAVE}/runs/{approved_run}")
    assert view["status"] == "running"  # following the leave into next week

    set_leave_status(gw, request_id, "canceled")
    body = {
        "requests": [
            {
                "leave_request_id": request_id,
                "employee_number": number,
                "starts_on": days[0].isoformat(),
                "ends_on": days[-1].isoformat(),
            }
        ]
    }
    notified = await gw.call("POST", f"{LEAVE}/hcm-events", **signed(body))
    assert notified.status_code == 202, notified.text
    [accepted] = notified.json()["runs"]
    done = await gw.wait(LEAVE, accepted["id"], "succeeded", "failed", "parked")

    assert done["status"] == "succeeded", done.get("exception", done)
    assert await capacity(gw, user) == full_week
    assert (await gw.read(f"{LEAVE}/runs/{approved_run}"))["status"] == "cancelled"
    for assignment in picked["assignments"]:
        assert f"(leave request {request_id})" not in notes_of(gw, assignment)
    [cancelled] = await gw.events(accepted["id"])
    assert cancelled["data"]["status"] == "cancelled"
    runs = await gw.runs(LEAVE, leave_request_id=request_id)
    assert {r["id"] for r in runs} == {approved_run, accepted["id"]}


async def test_leave_of_a_worker_the_psa_lacks_parks_for_the_pmo(gw: PeopleGateway) -> None:
    employee = gw.store("hcm").find("employees", employeeNumber="E0020")[0]  # absent in the PSA
    day = date.today() + timedelta(days=14)
    request_id = leave_in_bamboo(gw, "E0020", [day])
    change = {
        "leave_request_id": request_id,
        "status": "approved",
        "employee_number": employee["employeeNumber"],
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
    }

    started = await gw.call("POST", f"{LEAVE}/runs", json=change)
    view = await gw.wait(LEAVE, started.json()["id"], "parked", "succeeded", "failed")

    assert view["status"] == "parked"
    exception = await gw.exception_of(view["id"])
    assert (exception["error_type"], exception["owner"]) == ("worker-not-in-psa", "pmo")


async def test_a_decision_the_hcm_does_not_hold_is_refused(gw: PeopleGateway) -> None:
    day = date.today() + timedelta(days=21)
    request_id = leave_in_bamboo(gw, "E0003", [day], status="requested")
    change = {
        "leave_request_id": request_id,
        "status": "approved",
        "employee_number": "E0003",
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
    }

    response = await gw.call("POST", f"{LEAVE}/runs", json=change)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["detail"] == "the HCM holds no such request"
    assert await gw.runs(LEAVE, leave_request_id=request_id) == []
