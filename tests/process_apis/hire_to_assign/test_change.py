"""Changes and terminations of seeded workers, reported by the webhook and the poller."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from process_apis._runtime.engine import current_runtime
from process_apis.hire_to_assign.poller import read_mark
from process_apis.hire_to_assign.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.fixtures.flows_people import (
    HCM,
    HIRE,
    PeopleGateway,
    poll,
    terminate_in_bamboo,
)
from tests.process_apis.hire_to_assign.conftest import (
    WEBHOOK_SECRET,
    harvest_user,
    harvest_user_of,
    staffed_consultant,
    teammates,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


def signed(body: dict[str, Any], *, secret: str = WEBHOOK_SECRET, age_s: int = 0) -> dict[str, Any]:
    """Request arguments for a notification signed as the HCM would."""
    content = json.dumps(body).encode()
    timestamp = str(int(time.time()) - age_s)
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, content),
    }
    return {"content": content, "headers": headers}


async def _polled_past(changed_at: datetime) -> None:
    """Wait until the poller's mark has passed `changed_at`."""

    async def mark() -> datetime | None:
        return await read_mark(current_runtime().store)

    await poll(mark, lambda at: at is not None and at >= changed_at)


async def test_a_change_seen_by_webhook_and_poller_is_one_run_with_new_rates_and_routing(
    gw: PeopleGateway,
) -> None:
    picked = staffed_consultant(gw)
    employee, number = picked["employee"], picked["employee"]["employeeNumber"]
    other = staffed_consultant(gw)["employee"]  # becomes the new line manager
    change = {"job_title": "Senior Consultant", "manager_id": str(other["id"])}
    patched = await gw.call("PATCH", f"{HCM}/workers/{employee['id']}", json=change)
    assert patched.status_code == 200, patched.text
    changed_at = datetime.fromisoformat(patched.json()["provenance"]["modified_at"])

    notified = await gw.call(
        "POST", f"{HIRE}/hcm-events", **signed({"changes": [{"employee_number": number}]})
    )
    assert notified.status_code == 202, notified.text
    [accepted] = notified.json()["runs"]
    await _polled_past(changed_at)
    again = await gw.call(
        "POST", f"{HIRE}/hcm-events", **signed({"changes": [{"worker_id": str(employee["id"])}]})
    )

    assert again.json()["runs"][0]["id"] == accepted["id"]
    assert again.json()["runs"][0]["created"] is False
    runs = await gw.runs(HIRE, employee_number=number)
    assert [r["id"] for r in runs] == [accepted["id"]]
    assert runs[0]["business_keys"]["change"] == "change"
    view = await gw.wait(HIRE, accepted["id"], "succeeded", "failed", "parked")
    assert view["status"] == "succeeded", view.get("exception", view)
    assert view["output"]["created"] is False
    user = harvest_user(gw, number)
    assert (Decimal(str(user["default_hourly_rate"])), Decimal(str(user["cost_rate"]))) == (
        Decimal(170),
        Decimal(65),
    )
    new_manager = harvest_user_of(gw, str(other["id"]))
    assert view["output"]["approver_id"] == str(new_manager["id"])
    assert teammates(gw, new_manager["id"]) == {user["id"]}
    assert await gw.events(accepted["id"]) == []  # already assignable: nothing to announce


async def test_unsigned_stale_or_forged_notifications_are_refused(gw: PeopleGateway) -> None:
    body = {"changes": [{"employee_number": "E0001"}]}
    unsigned = await gw.call("POST", f"{HIRE}/hcm-events", json=body)
    stale = await gw.call("POST", f"{HIRE}/hcm-events", **signed(body, age_s=3600))
    forged = await gw.call("POST", f"{HIRE}/hcm-events", **signed(body, secret="guess"))

    for response in (unsigned, stale, forged):
        assert response.status_code == 401, response.text
        assert response.json()["type"].endswith("/invalid-signature")
    assert await gw.runs(HIRE, employee_number="E0001") == []


async def test_unknown_workers_in_a_notification_are_reported_not_run(gw: PeopleGateway) -> None:
    response = await gw.call(
        "POST", f"{HIRE}/hcm-events", **signed({"changes": [{"employee_number": "E8888"}]})
    )

    assert response.status_code == 202, response.text
    assert response.json() == {"runs": [], "ignored": ["E8888"]}


async def test_a_termination_ends_open_assignments_and_deactivates_the_resource(
    gw: PeopleGateway,
) -> None:
    picked = staffed_consultant(gw)
    number, user = picked["employee"]["employeeNumber"], picked["user"]
    psa = gw.store("psa")
    open_before = psa.find("user_assignments", user_id=user["id"], is_active=True)
    last_day = date.today() - timedelta(days=1)

    terminate_in_bamboo(gw, number, last_day)
    runs = await poll(lambda: gw.runs(HIRE, employee_number=number), bool)
    view = await gw.wait(HIRE, runs[0]["id"], "succeeded", "failed", "parked")

    assert runs[0]["business_keys"]["change"] == "termination"
    assert view["status"] == "succeeded", view.get("exception", view)
    assert (psa.get("users", str(user["id"])) or {})["is_active"] is False
    assert psa.find("user_assignments", user_id=user["id"], is_active=True) == []
    assert sorted(view["output"]["ended_assignments"]) == sorted(str(a["id"]) for a in open_before)
    events = await gw.events(runs[0]["id"])
    assert [e["type"] for e in events] == ["worker.deactivated"]
    assert events[0]["data"] == {
        "employee_number": number,
        "psa_resource_id": str(user["id"]),
        "ended_assignments": len(open_before),
        "terminated_on": last_day.isoformat(),
    }
