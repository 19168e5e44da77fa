"""Claim, resume, retry and cancel through the gateway, on runs of the probe flow."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.fixtures.apps import PolicyFolder
from tests.fixtures.sandboxes import SandboxServers
from tests.process_apis.exceptions.conftest import (
    READ,
    WRITE,
    Queue,
    problem_code,
    queue_settings,
    serve_queue,
)


async def test_parked_run_is_claimed_resumed_with_data_and_succeeds_upstream(
    tmp_path: Path,
    policy_folder: PolicyFolder,
    monkeypatch: pytest.MonkeyPatch,
    probe_steps: ModuleType,
    sandbox_server: SandboxServers,
) -> None:
    bamboohr = sandbox_server("bamboohr")
    environ = {"ATRIUM_HCM_BASE_URL": bamboohr.url}
    settings = queue_settings(tmp_path, policy_folder)
    async with serve_queue(settings, monkeypatch, environ) as queue:
        run_id, exception_id = await queue.parked("C-100", error_type="unknown-role")
        actor = await queue.actor()

        mine = await queue.list(owner="hr", status="open")
        claimed = await queue.act(exception_id, "claim", {"note": "on it"})
        bamboohr.reset_stats()
        resumed = await queue.act(
            exception_id,
            "resume",
            {"data": {"employee_number": "E0001", "bill_rate": "175.00"}, "note": "fixed"},
        )
        run = await queue.wait_run(run_id, "succeeded")
        trail = (await queue.get(exception_id))["audit"]

    assert [item["id"] for item in mine["items"]] == [exception_id]
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["status"] == "claimed"
    assert claimed.json()["claimed_by"] == actor
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "resolved"
    assert run["output"]["outcome"] == "found"
    assert run["output"]["worker_id"]
    assert bamboohr.stats()["requests"] >= 1  # the resumed step really asked BambooHR
    assert [(a["action"], a["actor"]) for a in trail] == [
        ("opened", "atrium"),
        ("claimed", actor),
        ("resumed", actor),
    ]
    assert trail[2]["detail"]["data_keys"] == ["bill_rate", "employee_number"]
    assert trail[2]["detail"]["note"] == "fixed"
    assert "175.00" not in json.dumps(trail)
    assert "E0001" not in json.dumps(resumed.json())


async def test_cancel_needs_a_reason_and_tells_the_parked_run_to_stop(queue: Queue) -> None:
    run_id, exception_id = await queue.parked("C-101")

    without_reason = await queue.act(exception_id, "cancel", {})
    cancelled = await queue.act(exception_id, "cancel", {"reason": "deal lost"})
    run = await queue.wait_run(run_id, "succeeded")

    assert without_reason.status_code == 422
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["resolution"]["reason"] == "deal lost"
    assert run["output"] == {
        "outcome": "cancelled",
        "reason": "deal lost",
        "by": await queue.actor(),
    }


async def test_retry_of_a_parked_run_runs_the_step_again_and_parks_anew(queue: Queue) -> None:
    run_id, first = await queue.parked("C-102")

    retried = await queue.act(first, "retry", {"note": "try again"})
    # Nothing was fixed, so the step finds nothing again and the run parks once more.
    again = await queue.parked_again(run_id, first)

    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "resolved"
    assert retried.json()["resolution"]["action"] == "retried"
    assert again["exception_id"] not in (None, first)
    assert (await queue.get(again["exception_id"]))["status"] == "open"


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("claim", {}),
        ("resume", {"data": {"employee_number": "E0001"}}),
        ("retry", None),
        ("cancel", {"reason": "again"}),
    ],
)
async def test_every_action_on_a_closed_exception_is_a_409(
    queue: Queue, action: str, body: object
) -> None:
    _, exception_id = await queue.parked("C-103")
    assert (await queue.act(exception_id, "cancel", {"reason": "duplicate"})).status_code == 200

    response = await queue.act(exception_id, action, body)

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem_code(response) == "exception-closed"
    assert response.json()["status"] == 409


async def test_a_claim_holds_off_other_clients_until_they_take_it_over(queue: Queue) -> None:
    _, exception_id = await queue.parked("C-104")
    other = (READ, WRITE)
    assert (await queue.act(exception_id, "claim")).status_code == 200
    holder = await queue.actor()

    blocked = await queue.call(
        "POST",
        f"/process/exceptions/v1/exceptions/{exception_id}/cancel",
        scopes=other,
        json={"reason": "mine now"},
    )
    refused_claim = await queue.call(
        "POST", f"/process/exceptions/v1/exceptions/{exception_id}/claim", scopes=other
    )
    taken = await queue.call(
        "POST",
        f"/process/exceptions/v1/exceptions/{exception_id}/claim",
        scopes=other,
        json={"take_over": True, "note": "holder is away"},
    )
    trail = (await queue.get(exception_id))["audit"]

    assert blocked.status_code == 409
    assert problem_code(blocked) == "exception-claimed"
    assert blocked.json()["claimed_by"] == holder
    assert problem_code(refused_claim) == "exception-claimed"
    assert taken.status_code == 200, taken.text
    assert taken.json()["claimed_by"] == await queue.actor(other)
    assert trail[-1]["action"] == "claimed"
    assert trail[-1]["detail"]["taken_from"] == holder
