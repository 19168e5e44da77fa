"""Queries against the gateway over the seeded sandboxes: the same data REST serves."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

PSA, HCM = "system/psa/v1", "system/hcm/v1"

PROJECTS = """
query($after: String) { projects(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id projectCode name customerNumber
    customer { customerNumber name }
    assignments(first: 100) { edges { node { active worker { employeeNumber } } } } } } } }
"""


async def test_projects_with_customers_and_staff_are_those_rest_serves(gql: GraphQLClient) -> None:
    rest = gql.gateway
    projects = await rest.items("firm", PSA, "/projects")
    assignments = await rest.items("firm", PSA, "/assignments")
    resources = await rest.items("firm", PSA, "/resources")
    assert projects
    assert assignments
    assert resources
    data = await gql.data("firm", PROJECTS)
    nodes = [edge["node"] for edge in data["projects"]["edges"]]
    assert not data["projects"]["pageInfo"]["hasNextPage"]  # the demo firm has 60 projects
    assert [n["projectCode"] for n in nodes] == [p["project_code"] for p in projects]
    for node in nodes:
        assert node["customer"]["customerNumber"] == node["customerNumber"]
    employee = {r["id"]: r["employee_number"] for r in resources}
    staffed = {
        (n["projectCode"], a["node"]["worker"]["employeeNumber"])
        for n in nodes
        for a in n["assignments"]["edges"]
        if a["node"]["worker"] is not None
    }
    expected = {(a["project_code"], employee[a["resource_id"]]) for a in assignments}
    assert staffed == expected


async def test_pages_follow_end_cursors_to_the_last_item(gql: GraphQLClient) -> None:
    query = """query($after: String) { workers(first: 70, after: $after) {
        pageInfo { hasNextPage endCursor } edges { cursor node { employeeNumber } } } }"""
    seen: list[str] = []
    after = None
    for _ in range(10):
        connection = (await gql.data("firm", query, {"after": after}))["workers"]
        seen += [e["node"]["employeeNumber"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    rest = await gql.gateway.items("firm", HCM, "/workers")
    assert rest is not None
    assert seen == [w["employee_number"] for w in rest]
    assert len(seen) == 200


async def test_an_edge_cursor_continues_after_that_edge(gql: GraphQLClient) -> None:
    query = """query($after: String) { customers(first: 5, after: $after) {
        edges { cursor node { customerNumber } } } }"""
    first = (await gql.data("firm", query))["customers"]["edges"]
    later = (await gql.data("firm", query, {"after": first[1]["cursor"]}))["customers"]["edges"]
    assert [e["node"] for e in later[:3]] == [e["node"] for e in first[2:5]]


NODE_OF = {
    "Worker": "workers(first: 1) { edges { node { id employeeNumber } } }",
    "OrgUnit": "orgUnits(first: 1) { edges { node { id name } } }",
    "Customer": "customers(first: 1) { edges { node { id customerNumber } } }",
    "Project": "projects(first: 1) { edges { node { id projectCode } } }",
    "Task": "tasks(first: 1) { edges { node { id name } } }",
    "Assignment": """projects(first: 1) { edges { node {
        id: projectCode assignments(first: 1) { edges { node { id budgetHours } } } } } }""",
    "TimeEntry": "timeEntries(first: 1) { edges { node { id hours } } }",
    "Invoice": "invoices(first: 1) { edges { node { id invoiceNumber } } }",
    "JournalEntry": """journalEntries(legalEntity: "US01", first: 1) {
        edges { node { id narration } } }""",
}


def first_node(data: dict[str, object]) -> dict[str, object]:
    """The first node of the (possibly nested) first connection in `data`."""
    connection = next(iter(data.values()))
    node: dict[str, object] = connection["edges"][0]["node"]  # type: ignore[index]
    nested = [v for v in node.values() if isinstance(v, dict) and "edges" in v]
    return first_node({"inner": nested[0]}) if nested else node


JOURNAL = {
    "date": "2026-10-15",
    "narration": "Accrue October revenue (GraphQL test)",
    "lines": [
        {"account_code": "610", "side": "debit", "amount": "1200.00"},
        {"account_code": "200", "side": "credit", "amount": "1200.00"},
    ],
}


@pytest.mark.parametrize("type_name", sorted(NODE_OF))
async def test_node_fetches_each_type_by_its_global_id(gql: GraphQLClient, type_name: str) -> None:
    if type_name == "JournalEntry":  # the demo firm's ledger starts with no manual journals
        headers = {
            "Authorization": f"Bearer {gql.gateway.tokens['firm']}",
            "Idempotency-Key": "graphql-node-journal",
        }
        posted = await gql.gateway.http.post(
            "/system/erp/v1/legal-entities/US01/journal-entries", json=JOURNAL, headers=headers
        )
        assert posted.status_code in (200, 201), posted.text
    listed = first_node(await gql.data("firm", "{ " + NODE_OF[type_name] + " }"))
    fields = " ".join(k for k in listed if k != "id")
    query = (
        f"query($id: ID!) {{ node(id: $id) {{ __typename ... on {type_name} {{ {fields} }} }} }}"
    )
    fetched = (await gql.data("firm", query, {"id": listed["id"]}))["node"]
    assert fetched == {"__typename": type_name, **{k: v for k, v in listed.items() if k != "id"}}
    assert base64.b64decode(str(listed["id"])).decode().startswith(f"{type_name}:")


async def test_node_of_an_unknown_type_or_object_is_null(gql: GraphQLClient) -> None:
    query = "query($id: ID!) { node(id: $id) { id } }"
    for raw in ("Nothing:1", "Project:999999999", "Worker:999999"):
        global_id = base64.b64encode(raw.encode()).decode()
        assert await gql.data("firm", query, {"id": global_id}) == {"node": None}


async def test_a_forged_cursor_is_refused_by_name(gql: GraphQLClient) -> None:
    result = await gql.run("firm", '{ projects(after: "bm9wZQ") { edges { cursor } } }')
    assert result["data"] == {"projects": None}
    assert result["errors"][0]["extensions"]["code"] == "invalid-cursor"


async def test_time_entries_filter_by_project_global_id(gql: GraphQLClient) -> None:
    some = "{ timeEntries(first: 1) { edges { node { project { id projectCode } } } } }"
    project = first_node(await gql.data("firm", some))["project"]
    assert isinstance(project, dict)
    query = """query($p: ID!) { timeEntries(project: $p, first: 20) {
        edges { node { project { projectCode } } } } }"""
    edges = (await gql.data("firm", query, {"p": project["id"]}))["timeEntries"]["edges"]
    assert edges
    assert {e["node"]["project"]["projectCode"] for e in edges} == {project["projectCode"]}


async def test_graphql_without_a_token_is_a_401_problem(gql: GraphQLClient) -> None:
    response = await gql.gateway.http.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_graphql_answers_carry_the_rate_limit_of_the_graphql_group(
    gql: GraphQLClient,
) -> None:
    response = await gql.post("firm", "{ __typename }")
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert '"internal.graphql.' in response.headers["ratelimit-policy"]


async def test_an_operations_system_api_calls_do_not_spend_the_callers_rate_limit(
    gql: GraphQLClient,
) -> None:
    # The dashboard makes dozens of system-API calls for its one operation, all on the
    # caller's token; only the operation is counted (in the graphql group), so the caller's
    # own REST budget is untouched: its next REST call is the first one counted there.
    query = """{ integrationHealth { kpis { timeToBillHours openExceptions syncCompleteness }
                 slaBreaches { kind count } } }"""
    with gql.counting() as calls:
        response = await gql.post("firm-standard", query)
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.json()["errors"]
    assert len(calls) > 20
    assert '"standard.graphql.1h";r=2499;' in response.headers["ratelimit"]

    rest = await gql.gateway.call(
        "firm-standard", "GET", "system/hcm/v1", "/workers", params={"limit": 1}
    )
    assert rest.status_code == 200, rest.text
    assert '"standard.all.1h";r=4999;' in rest.headers["ratelimit"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ({"json": {"variables": {}}}, 400),
    ],
    ids=["malformed-json", "no-query"],
)
async def test_a_request_that_is_not_graphql_is_a_problem(
    gql: GraphQLClient, body: dict[str, Any], status: int
) -> None:
    headers = {"Authorization": f"Bearer {gql.gateway.tokens['firm']}", **body.pop("headers", {})}
    response = await gql.gateway.http.post("/graphql", headers=headers, **body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://atrium.dev/problems/malformed-request"
