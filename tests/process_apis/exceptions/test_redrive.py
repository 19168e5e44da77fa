"""Bulk redrive: selected by error type, business key or time; bounded per call; paced."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from process_apis.exceptions.actions import Pacer
from tests.fixtures.apps import PolicyFolder
from tests.process_apis.exceptions.conftest import (
    QUEUE,
    READ,
    WRITE,
    Queue,
    queue_settings,
    serve_queue,
)

CAP = 3


@pytest.fixture
async def capped(
    tmp_path: Path,
    policy_folder: PolicyFolder,
    monkeypatch: pytest.MonkeyPatch,
    probe_steps: ModuleType,
) -> AsyncIterator[Queue]:
    environ = {
        "ATRIUM_EXCEPTIONS_REDRIVE_MAX_COUNT": str(CAP),
        "ATRIUM_EXCEPTIONS_REDRIVE_RATE_PER_S": "1000",
    }
    async with serve_queue(queue_settings(tmp_path, policy_folder), monkeypatch, environ) as q:
        yield q


async def _redrive(queue: Queue, **body: object) -> dict[str, Any]:
    response = await queue.call("POST", f"{QUEUE}/exceptions/redrive", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_redrive_retries_the_oldest_matches_up_to_the_cap_and_says_what_it_did(
    capped: Queue,
) -> None:
    parked = [await capped.parked(f"R-{n}", error_type="probe-redrive") for n in range(4)]
    _, unrelated = await capped.parked("R-x", error_type="probe-other")
    exceptions = [exception_id for _, exception_id in parked]

    preview = await _redrive(capped, error_type="probe-redrive", max_count=CAP, dry_run=True)
    untouched = await capped.list(status="open", error_type="probe-redrive")
    done = await _redrive(capped, error_type="probe-redrive", max_count=CAP, note="bulk fix")
    trail = (await capped.get(exceptions[0]))["audit"]

    assert preview == {
        "selected": exceptions[:CAP],
        "redriven": [],
        "skipped": [],
        "more": True,
        "dry_run": True,
    }
    assert len(untouched["items"]) == 4
    assert done["selected"] == exceptions[:CAP]
    assert done["more"] is True
    assert done["skipped"] == []
    assert done["redriven"] == [
        {"id": exception_id, "run_id": run_id, "delivery_id": None}
        for run_id, exception_id in parked[:CAP]
    ]
    for exception_id in exceptions[:CAP]:
        assert (await capped.get(exception_id))["status"] == "resolved"
    assert (await capped.get(exceptions[CAP]))["status"] == "open"
    assert (await capped.get(unrelated))["status"] == "open"
    assert trail[-1]["action"] == "retried"
    assert trail[-1]["detail"]["via"] == "redrive"
    assert trail[-1]["detail"]["note"] == "bulk fix"
    # Each retried run tried its step again and, with nothing fixed, parked anew.
    for run_id, exception_id in parked[:CAP]:
        await capped.parked_again(run_id, exception_id)


async def test_redrive_by_business_key_skips_what_another_client_claimed(capped: Queue) -> None:
    _, mine = await capped.parked("B-1", cohort="bulk")
    _, theirs = await capped.parked("B-2", cohort="bulk")
    other = (READ, WRITE)
    claimed = await capped.call("POST", f"{QUEUE}/exceptions/{theirs}/claim", scopes=other)
    assert claimed.status_code == 200

    done = await _redrive(capped, keys={"cohort": "bulk"})

    assert done["selected"] == [mine]
    assert [item["id"] for item in done["redriven"]] == [mine]
    assert (await capped.get(theirs))["status"] == "claimed"


async def test_redrive_by_time_range_selects_only_inside_it(capped: Queue) -> None:
    _, early = await capped.parked("T-1")
    _, late = await capped.parked("T-2")
    boundary = (await capped.get(late))["created_at"]

    done = await _redrive(capped, created_before=boundary, dry_run=True)

    assert done["selected"] == [early]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"max_count": 1}, "#"),
        ({"error_type": "probe-redrive", "max_count": CAP + 1}, "#/max_count"),
    ],
)
async def test_redrive_needs_a_selection_within_the_cap(
    capped: Queue, body: dict[str, object], pointer: str
) -> None:
    response = await capped.call("POST", f"{QUEUE}/exceptions/redrive", json=body)

    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


async def test_pacer_spaces_retries_at_the_configured_rate() -> None:
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)

    pacer = Pacer(rate_per_s=4, clock=lambda: 100.0, sleep=sleep)
    for position in range(3):
        await pacer.wait_turn(100.0, position)
    late = Pacer(rate_per_s=4, clock=lambda: 105.0, sleep=sleep)
    await late.wait_turn(100.0, 1)

    assert asked == [0.0, 0.25, 0.5, 0.0]  # a retry that is already due does not wait
