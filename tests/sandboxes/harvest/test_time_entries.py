"""listTimeEntries filters and orders in SQLite exactly as filtering every entry in Python did."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandboxes.harvest.auth import DEMO_ACCOUNT_ID, DEMO_TOKEN
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers

HEADERS = {
    "Authorization": f"Bearer {DEMO_TOKEN}",
    "Harvest-Account-Id": DEMO_ACCOUNT_ID,
    "User-Agent": "Atrium tests (tests@atrium.dev)",
}


@pytest.fixture
def harvest(sandbox_server: SandboxServers) -> RunningSandbox:
    server = sandbox_server("harvest")
    server.control.put("/_sandbox/limits", json={"enabled": False}).raise_for_status()
    return server


@pytest.fixture
def http(harvest: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=harvest.url + "/v2", headers=HEADERS, timeout=30) as client:
        yield client


def _listed_ids(http: httpx.Client, params: dict[str, Any]) -> tuple[list[int], int]:
    ids: list[int] = []
    page: int | None = 1
    total = -1
    while page is not None:
        body = http.get("/time_entries", params={**params, "page": page}).json()
        ids += [e["id"] for e in body["time_entries"]]
        page, total = body["next_page"], body["total_entries"]
    return ids, total


def _expected_ids(harvest: RunningSandbox, keep: Any) -> list[int]:
    entries = [e for e in harvest.store.all("time_entries") if keep(e)]
    return [
        e["id"] for e in sorted(entries, key=lambda e: (e["spent_date"], e["id"]), reverse=True)
    ]


def test_a_month_pages_newest_first_with_ties_by_id(
    harvest: RunningSandbox, http: httpx.Client
) -> None:
    latest = harvest.store.all("time_entries")[-1]["spent_date"]
    start = latest[:8] + "01"
    ids, total = _listed_ids(http, {"from": start, "to": latest, "per_page": 250})
    expected = _expected_ids(harvest, lambda e: start <= e["spent_date"] <= latest)
    assert len(expected) > 250
    assert (ids, total) == (expected, len(expected))


def test_client_billing_and_updated_since_filters_match_the_entries(
    harvest: RunningSandbox, http: httpx.Client
) -> None:
    entries = harvest.store.all("time_entries")
    project = harvest.store.get("projects", entries[0]["project_id"])
    assert project is not None
    projects = {p["id"] for p in harvest.store.find("projects", client_id=project["client_id"])}
    since = sorted(e["updated_at"] for e in entries)[len(entries) // 2]
    params = {"client_id": project["client_id"], "is_billed": "false", "updated_since": since}
    ids, total = _listed_ids(http, {**params, "per_page": 100})
    expected = _expected_ids(
        harvest,
        lambda e: e["project_id"] in projects and not e["is_billed"] and e["updated_at"] >= since,
    )
    assert expected
    assert (ids, total) == (expected, len(expected))
