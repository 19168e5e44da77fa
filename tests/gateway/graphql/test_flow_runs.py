"""`flowRuns` across flows, over mocked process APIs: merged newest first, paged, bounded."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.graphql.process import flows_of
from gateway.policy.scopes import load_scope_policy
from policies import POLICY_DIR
from tests.gateway.graphql.offline import execute

QUERY = """query($after: String, $first: Int!) { flowRuns(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { runId } } } }"""


def _run(flow: str, n: int, minute: int) -> dict[str, Any]:
    return {
        "id": f"{flow}:{n}",
        "flow": flow,
        "status": "succeeded",
        "business_keys": {},
        "created_at": f"2026-10-01T10:{minute:02}:00Z",
    }


RUNS = {
    "time-to-cash": [_run("time-to-cash", 1, 50), _run("time-to-cash", 2, 10)],
    "leave-sync": [_run("leave-sync", 1, 40), _run("leave-sync", 2, 30)],
}


def answer(request: httpx.Request) -> httpx.Response:
    flow = request.url.path.split("/")[2]
    limit = int(request.url.params["limit"])
    items = RUNS.get(flow, [])[:limit]
    return httpx.Response(200, json={"items": items, "next_offset": None})


async def test_runs_of_every_flow_are_merged_newest_first_and_paged() -> None:
    first = await execute(QUERY, answer, variables={"first": 3})
    assert first.errors is None
    assert first.data is not None
    page = first.data["flowRuns"]
    rest = await execute(
        QUERY, answer, variables={"first": 3, "after": page["pageInfo"]["endCursor"]}
    )

    assert [e["node"]["runId"] for e in page["edges"]] == [
        "time-to-cash:1",
        "leave-sync:1",
        "leave-sync:2",
    ]
    assert page["pageInfo"]["hasNextPage"] is True
    assert rest.data is not None
    assert [e["node"]["runId"] for e in rest.data["flowRuns"]["edges"]] == ["time-to-cash:2"]
    assert rest.data["flowRuns"]["pageInfo"]["hasNextPage"] is False


async def test_paging_past_the_merged_window_is_refused_before_any_call() -> None:
    calls: list[httpx.Request] = []

    def counted(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return answer(request)

    far = "eyJ1IjpudWxsLCJzIjoxOTB9"  # {"u":null,"s":190}
    result = await execute(QUERY, counted, variables={"first": 20, "after": far})

    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "validation-failed"
    assert calls == []


async def test_only_the_flows_the_token_may_read_are_asked() -> None:
    asked: set[str] = set()

    def recorded(request: httpx.Request) -> httpx.Response:
        asked.add(request.url.path.split("/")[2])
        return answer(request)

    policy = load_scope_policy(POLICY_DIR)
    scopes = {s for s in policy.scopes if not s.endswith(":read") or "leave-sync" in s}
    result = await execute(QUERY, recorded, scopes=scopes, variables={"first": 5})

    assert result.errors is None
    assert asked == {"leave-sync"}
    assert "time-to-cash" in flows_of(policy)
