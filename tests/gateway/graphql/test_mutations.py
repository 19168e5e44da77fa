"""The console's mutations on the exception queue, against a run parked for real.

PRJ-0047's August is in a closed ERP period: once its late time is approved, a time-to-cash
run parks for finance (`period-closed`). The tests claim the exception, resume the run into
September through GraphQL, and check the refusals carry the exceptions API's problem codes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

PROJECT, PERIOD = "PRJ-0047", "2026-08"

QUEUE = """query($key: String!) { exceptions(status: OPEN, key: $key) { edges { node {
    id exceptionId errorType title owner status flow runId businessKeys slaDueAt
    run { status } } } } }"""
CLAIM = """mutation($id: ID!) { claimException(id: $id, note: "on it") {
    status claimedBy audit { action actor } } }"""
RESUME = """mutation($id: ID!, $data: JSON) { resumeException(id: $id, data: $data) {
    status resolution } }"""
CANCEL = """mutation($id: ID!) { cancelException(id: $id, reason: "not needed") { status } }"""


@pytest_asyncio.fixture(scope="module", loop_scope="package")
async def parked(gql: GraphQLClient) -> dict[str, Any]:
    """The parked run's REST view."""
    assert gql.books.approve_all(PROJECT, PERIOD), "late-approved August time to bill"
    run = await gql.start_time_to_cash(PROJECT, PERIOD)
    view = await gql.wait_for_run(run, "parked", "succeeded", "failed")
    assert view["status"] == "parked", view
    return view


async def _open(gql: GraphQLClient) -> dict[str, Any]:
    data = await gql.data("firm", QUEUE, {"key": f"project_code:{PROJECT}"})
    (edge,) = data["exceptions"]["edges"]
    node: dict[str, Any] = edge["node"]
    return node


async def test_the_parked_run_is_in_the_queue_with_its_owner_and_keys(
    gql: GraphQLClient, parked: dict[str, Any]
) -> None:
    node = await _open(gql)

    assert node["exceptionId"] == parked["exception_id"]
    assert (node["errorType"], node["owner"], node["status"]) == (
        "period-closed",
        "finance",
        "OPEN",
    )
    assert (node["flow"], node["runId"]) == ("time-to-cash", parked["id"])
    assert node["businessKeys"]["project_code"] == PROJECT
    assert node["run"] == {"status": "PARKED"}
    found = await gql.data(
        "firm",
        "query($id: ID!) { node(id: $id) { ... on Exception { exceptionId kind } } }",
        {"id": node["id"]},
    )
    assert found["node"] == {"exceptionId": parked["exception_id"], "kind": "PARKED_RUN"}


async def test_open_exceptions_and_the_exception_rate_show_in_the_health_kpis(
    gql: GraphQLClient, parked: dict[str, Any]
) -> None:
    data = await gql.data(
        "firm",
        """{ integrationHealth(windowDays: 30) {
            kpis { exceptionRate openExceptions } openExceptionsByOwner { owner count } } }""",
    )

    health = data["integrationHealth"]
    owners = {o["owner"]: o["count"] for o in health["openExceptionsByOwner"]}
    assert owners["finance"] >= 1
    assert health["kpis"]["openExceptions"] == sum(owners.values())
    # Every run of the window so far is a time-to-cash run of this package; one parked.
    assert Decimal("0") < Decimal(health["kpis"]["exceptionRate"]) <= Decimal("1")


async def test_claim_then_resume_moves_the_run_on_and_closes_the_exception(
    gql: GraphQLClient, parked: dict[str, Any]
) -> None:
    node = await _open(gql)

    claimed = await gql.data("firm", CLAIM, {"id": node["id"]})
    resumed = await gql.data(
        "firm", RESUME, {"id": node["exceptionId"], "data": {"accounting_period": "2026-09"}}
    )
    view = await gql.wait_for_run(parked["id"], "succeeded", "failed")

    assert claimed["claimException"]["status"] == "CLAIMED"
    assert claimed["claimException"]["claimedBy"]
    assert [a["action"] for a in claimed["claimException"]["audit"]][-1] == "claimed"
    assert resumed["resumeException"]["status"] == "RESOLVED"
    assert view["status"] == "succeeded", view
    assert view["output"]["accounting_period"] == "2026-09"
    (document,) = gql.books.erp_invoices(PROJECT, PERIOD)
    assert document["Date"] == "2026-09-01"


async def test_acting_on_a_closed_exception_is_an_error_with_the_problem_code(
    gql: GraphQLClient, parked: dict[str, Any]
) -> None:
    result = await gql.run("firm", CANCEL, {"id": parked["exception_id"]})

    assert result["data"] == {"cancelException": None}
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "exception-closed"
    assert error["path"] == ["cancelException"]


async def test_partners_and_bad_ids_are_refused(gql: GraphQLClient, parked: dict[str, Any]) -> None:
    partner = await gql.run("a", CLAIM, {"id": parked["exception_id"]})
    bad = await gql.run("firm", CLAIM, {"id": "UHJvamVjdDox"})  # a Project's global id
    unknown = await gql.run("firm", CLAIM, {"id": "exc-nothing-here"})

    assert partner["errors"][0]["extensions"]["code"] == "insufficient-scope"
    assert bad["errors"][0]["extensions"]["code"] == "validation-failed"
    assert unknown["errors"][0]["extensions"]["code"] == "not-found"
