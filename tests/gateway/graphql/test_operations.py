"""Flow runs, events and lineage over the process APIs, after a real time-to-cash run.

The run bills PRJ-0034's October (open and unbilled in the demo firm) in this package's
gateway; the test reads it back through GraphQL and compares with the REST run view and
with what the vendors' books now hold.
"""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

PROJECT, PERIOD = "PRJ-0034", "2026-10"

LINEAGE = """query($key: String!) { lineage(key: $key) {
    name value
    runs { id runId flow status businessKeys
           steps { name succeeded durationMs upstreamIds } }
    exceptions { exceptionId }
    events { id type runId businessKeys data } } }"""

RUNS = """query($flow: String, $key: String, $first: Int!) {
    flowRuns(flow: $flow, key: $key, first: $first) { edges { node {
        id runId flow status businessKeys createdAt steps { name succeeded durationMs } } } } }"""


@pytest_asyncio.fixture(scope="module", loop_scope="package")
async def billed(gql: GraphQLClient) -> dict[str, Any]:
    """PRJ-0034's October, billed by a time-to-cash run: the run's REST view."""
    assert gql.books.billable_unbilled(PROJECT, PERIOD), "approved October time to bill"
    run = await gql.start_time_to_cash(PROJECT, PERIOD)
    view = await gql.wait_for_run(run, "succeeded", "failed", "parked")
    assert view["status"] == "succeeded", view
    return view


async def test_lineage_shows_the_run_its_steps_upstream_ids_and_events(
    gql: GraphQLClient, billed: dict[str, Any]
) -> None:
    data = await gql.data("firm", LINEAGE, {"key": f"project_code:{PROJECT}"})

    lineage = data["lineage"]
    assert (lineage["name"], lineage["value"]) == ("project_code", PROJECT)
    (run,) = [r for r in lineage["runs"] if r["runId"] == billed["id"]]
    assert (run["flow"], run["status"]) == ("time-to-cash", "SUCCEEDED")
    assert run["businessKeys"] == billed["business_keys"]
    assert [s["name"] for s in run["steps"]] == [s["name"] for s in billed["steps"]]
    assert all(s["succeeded"] for s in run["steps"])
    upstream = {k: v for s in run["steps"] for k, v in s["upstreamIds"].items()}
    (invoice,) = gql.books.billing_invoices(PROJECT, PERIOD)
    assert invoice["id"] in upstream.values(), upstream
    assert lineage["exceptions"] == []
    events = {e["type"]: e for e in lineage["events"] if e["runId"] == billed["id"]}
    assert set(events) == {"invoice.issued", "revenue.posted"}
    issued = events["invoice.issued"]
    assert issued["data"]["invoice_number"] == invoice["number"]
    assert issued["businessKeys"]["project_code"] == PROJECT


async def test_lineage_by_a_key_the_run_learned_finds_the_same_run(
    gql: GraphQLClient, billed: dict[str, Any]
) -> None:
    number = billed["output"]["invoice_number"]
    data = await gql.data("firm", LINEAGE, {"key": f"invoice_number:{number}"})

    assert [r["runId"] for r in data["lineage"]["runs"]] == [billed["id"]]
    assert {e["type"] for e in data["lineage"]["events"]} == {"invoice.issued"}


async def test_flow_runs_list_one_flow_or_every_flow_with_steps(
    gql: GraphQLClient, billed: dict[str, Any]
) -> None:
    key = f"project_code:{PROJECT}"
    one = await gql.data("firm", RUNS, {"flow": "time-to-cash", "key": key, "first": 5})
    every = await gql.data("firm", RUNS, {"flow": None, "key": key, "first": 5})

    (node,) = [e["node"] for e in one["flowRuns"]["edges"]]
    assert node["runId"] == billed["id"]
    assert node["businessKeys"] == billed["business_keys"]
    durations = [s["durationMs"] for s in node["steps"]]
    assert durations == [s["duration_ms"] for s in billed["steps"]]
    assert [e["node"] for e in every["flowRuns"]["edges"]] == [node]


async def test_a_run_and_an_event_are_nodes(gql: GraphQLClient, billed: dict[str, Any]) -> None:
    listed = await gql.data(
        "firm",
        """query($key: String!) {
            flowRuns(flow: "time-to-cash", key: $key) { edges { node { id } } }
            events(type: "invoice.issued", key: $key) { edges { node { id eventId } } } }""",
        {"key": f"project_code:{PROJECT}"},
    )
    (run,) = listed["flowRuns"]["edges"]
    (event,) = listed["events"]["edges"]

    found = await gql.data(
        "firm",
        """query($run: ID!, $event: ID!) {
            run: node(id: $run) { ... on FlowRun { runId status } }
            event: node(id: $event) { ... on Event { eventId type run { runId } } } }""",
        {"run": run["node"]["id"], "event": event["node"]["id"]},
    )

    assert found["run"] == {"runId": billed["id"], "status": "SUCCEEDED"}
    assert found["event"]["eventId"] == event["node"]["eventId"]
    assert found["event"]["run"] == {"runId": billed["id"]}


async def test_runs_and_events_need_the_process_apis_scopes(
    gql: GraphQLClient, billed: dict[str, Any]
) -> None:
    result = await gql.run(
        "no-process",
        """{ flowRuns(flow: "time-to-cash") { edges { node { id } } }
             events { edges { node { id } } }
             exceptions { edges { node { id } } } }""",
    )

    assert result["data"] == {"flowRuns": None, "events": None, "exceptions": None}
    codes = {e["path"][0]: e["extensions"]["code"] for e in result["errors"]}
    assert codes == {
        "flowRuns": "insufficient-scope",
        "events": "insufficient-scope",
        "exceptions": "insufficient-scope",
    }


async def test_listing_runs_is_one_call_and_steps_one_per_run_listed(
    gql: GraphQLClient, billed: dict[str, Any]
) -> None:
    variables = {"flow": "time-to-cash", "key": None, "first": 10}
    with gql.counting() as plain:
        await gql.data("firm", RUNS.replace("steps { name succeeded durationMs }", ""), variables)
    with gql.counting() as stepped:
        data = await gql.data("firm", RUNS, variables)

    listed = sorted(e["node"]["runId"] for e in data["flowRuns"]["edges"])
    assert plain.by_endpoint() == {"time-to-cash /runs": 1}
    # The runs API has no batch read of step histories: one read per run, never more.
    paths = sorted(r.url.path for r in stepped.requests)
    base = "/process/time-to-cash/v1/runs"
    assert paths == sorted([base] + [f"{base}/{run}" for run in listed])


async def test_an_unknown_flow_or_a_malformed_key_is_refused(gql: GraphQLClient) -> None:
    flow = await gql.run("firm", '{ flowRuns(flow: "nope") { edges { node { id } } } }')
    key = await gql.run("firm", '{ lineage(key: "no-colon") { runs { id } } }')

    assert flow["errors"][0]["extensions"]["code"] == "validation-failed"
    assert "time-to-cash" in flow["errors"][0]["message"]
    assert key["errors"][0]["extensions"]["code"] == "validation-failed"
    assert key["data"] == {"lineage": None}
