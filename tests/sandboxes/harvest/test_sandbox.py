"""The Harvest sandbox behaves as Harvest does: auth, errors, paging, limits, persistence."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from openapi_core import OpenAPI

from sandboxes.harvest import create_app
from sandboxes.harvest.auth import DEMO_ACCOUNT_ID, DEMO_TOKEN
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import response_errors, validate_exchange

HEADERS = {
    "Authorization": f"Bearer {DEMO_TOKEN}",
    "Harvest-Account-Id": DEMO_ACCOUNT_ID,
    "User-Agent": "Atrium tests (tests@atrium.dev)",
}


@pytest.fixture
async def harvest(sandbox_server: SandboxServers) -> AsyncIterator[httpx.AsyncClient]:
    server = sandbox_server("harvest")
    async with httpx.AsyncClient(base_url=server.url + "/v2", headers=HEADERS) as client:
        yield client


async def test_refuses_bad_token_missing_account_and_missing_user_agent(
    harvest: httpx.AsyncClient,
) -> None:
    bad = await harvest.get("/users", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_token"
    no_account = await harvest.get("/users", headers={"Harvest-Account-Id": "1"})
    assert no_account.status_code == 401
    anonymous = await harvest.get("/users", headers={"User-Agent": ""})
    assert anonymous.status_code == 400


# Harvest deprecates `page` (links still carry it); openapi-core warns on deprecated params.
@pytest.mark.filterwarnings("ignore:page parameter is deprecated:DeprecationWarning")
async def test_errors_and_pages_match_the_spec(
    harvest: httpx.AsyncClient, vendor_spec: Callable[[str], OpenAPI]
) -> None:
    spec = vendor_spec("harvest")
    missing = await harvest.get("/projects/1")
    assert missing.status_code == 404
    assert missing.json() == {"code": 404, "message": "Not Found"}
    invalid = await harvest.post("/projects", json={"name": "No client"})
    assert invalid.status_code == 422
    assert invalid.json()["message"] == "Client id can't be blank"
    first = await harvest.get("/clients", params={"per_page": 15})
    body = first.json()
    assert (body["page"], body["total_pages"], body["total_entries"]) == (1, 3, 40)
    last = await harvest.get(body["links"]["last"])
    assert len(last.json()["clients"]) == 10
    assert last.json()["links"]["next"] is None
    for response in (missing, first, last):
        validate_exchange(spec, response.request, response)
    # The request is wrong on purpose; Harvest's answer to it must still be in spec.
    assert response_errors(spec, invalid.request, invalid) == []


async def test_answers_429_with_retry_after_past_100_requests_in_15_seconds(
    harvest: httpx.AsyncClient,
) -> None:
    statuses = [(await harvest.get("/tasks")).status_code for _ in range(101)]
    assert statuses[:100] == [200] * 100
    throttled = await harvest.get("/tasks")
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["retry-after"]) <= 15


async def test_approval_locks_an_entry_and_locked_entries_refuse_edits(
    harvest: httpx.AsyncClient,
) -> None:
    entries = (await harvest.get("/time_entries", params={"per_page": 50})).json()
    entry = next(e for e in entries["time_entries"] if not e["is_locked"])
    approved = await harvest.patch(f"/time_entries/{entry['id']}", json={"is_closed": True})
    assert approved.json()["is_closed"] is True
    assert approved.json()["is_locked"] is True
    edit = await harvest.patch(f"/time_entries/{entry['id']}", json={"hours": 9})
    assert edit.status_code == 422
    assert edit.json()["message"].startswith("Entry is locked")


async def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "harvest.db"
    body = {"name": "Kept", "billable_by_default": False}
    app = create_app(path, seed=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://h/v2", headers=HEADERS
    ) as client:
        created = (await client.post("/tasks", json=body)).json()
    app.state.store.close()
    again = create_app(path, seed=True)  # not empty: no reseed
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=again), base_url="http://h/v2", headers=HEADERS
    ) as client:
        tasks = (await client.get("/tasks")).json()["tasks"]
    again.state.store.close()
    assert [t["id"] for t in tasks] == [created["id"]]
