"""Field-level authorization: a field needs its REST operation's scopes; sensitive values their own.

Without the scope the field is null and the answer lists an `insufficient-scope` error at its
path naming the missing scopes; the rest of the answer is unaffected.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

TIME = """{ timeEntries(first: 5, approvalState: APPROVED) { edges { node {
    hours billable billRate { amount currency } costRate { amount currency }
    margin { amount } } } } }"""

WORKERS = """{ workers(first: 3) { edges { node {
    employeeNumber compensation { amount }
    staffing { billRate { amount } costRate { amount } } } } } }"""


def refusals(result: dict[str, Any]) -> dict[str, list[str]]:
    """'path.joined' -> the scopes each insufficient-scope error names."""
    found = {}
    for error in result.get("errors", []):
        assert error["extensions"]["code"] == "insufficient-scope", error
        found[".".join(str(p) for p in error["path"])] = error["extensions"]["required_scopes"]
    return found


async def test_cost_rates_and_margins_are_null_with_an_error_without_their_scopes(
    gql: GraphQLClient,
) -> None:
    result = await gql.run("firm-plain", TIME)
    nodes = [e["node"] for e in result["data"]["timeEntries"]["edges"]]
    assert len(nodes) == 5
    assert all(n["costRate"] is None and n["margin"] is None for n in nodes)
    assert all(n["hours"] and n["billRate"] for n in nodes)  # the rest is served as usual
    expected = {}
    for i in range(5):
        expected[f"timeEntries.edges.{i}.node.costRate"] = ["psa.rates:read"]
        expected[f"timeEntries.edges.{i}.node.margin"] = ["psa.rates:read", "psa.margins:read"]
    assert refusals(result) == expected


async def test_the_margin_needs_its_own_scope_besides_cost_rates(gql: GraphQLClient) -> None:
    result = await gql.run("no-margins", TIME)
    nodes = [e["node"] for e in result["data"]["timeEntries"]["edges"]]
    assert all(n["costRate"] is not None and n["margin"] is None for n in nodes)
    assert set(map(tuple, refusals(result).values())) == {("psa.margins:read",)}


async def test_with_the_scopes_the_margin_is_billed_value_minus_cost(gql: GraphQLClient) -> None:
    nodes = [e["node"] for e in (await gql.data("firm", TIME))["timeEntries"]["edges"]]
    for node in nodes:
        bill = Decimal(node["billRate"]["amount"]) if node["billable"] else Decimal(0)
        cost = Decimal(node["costRate"]["amount"])
        assert Decimal(node["margin"]["amount"]) == (bill - cost) * Decimal(node["hours"])
    assert any(Decimal(n["margin"]["amount"]) > 0 for n in nodes)


async def test_compensation_and_staff_cost_rates_need_their_scopes(gql: GraphQLClient) -> None:
    plain = await gql.run("firm-plain", WORKERS)
    firm = await gql.data("firm", WORKERS)
    for hidden, shown in zip(
        plain["data"]["workers"]["edges"], firm["workers"]["edges"], strict=True
    ):
        assert hidden["node"]["compensation"] is None
        assert hidden["node"]["staffing"]["costRate"] is None
        assert hidden["node"]["staffing"]["billRate"] == shown["node"]["staffing"]["billRate"]
        assert shown["node"]["compensation"] is not None
        assert shown["node"]["staffing"]["costRate"] is not None
    assert refusals(plain) == {
        **{f"workers.edges.{i}.node.compensation": ["hcm.compensation:read"] for i in range(3)},
        **{f"workers.edges.{i}.node.staffing.costRate": ["psa.rates:read"] for i in range(3)},
    }


async def test_a_field_needs_the_scope_of_its_rest_operation_and_calls_nothing_without(
    gql: GraphQLClient,
) -> None:
    query = """{ projects { edges { node { name } } }
        customers(first: 2) { edges { node { name projects { edges { node { name } } } } } } }"""
    with gql.counting() as calls:
        result = await gql.run("no-projects", query)
    assert result["data"]["projects"] is None
    customers = result["data"]["customers"]["edges"]
    assert [c["node"]["projects"] for c in customers] == [None, None]
    assert all(c["node"]["name"] for c in customers)
    assert refusals(result) == {
        "projects": ["psa.projects:read"],
        "customers.edges.0.node.projects": ["psa.projects:read"],
        "customers.edges.1.node.projects": ["psa.projects:read"],
    }
    assert calls.by_endpoint() == {"psa /customers": 1}  # no project was read


async def test_node_needs_the_scope_of_the_get_operation(gql: GraphQLClient) -> None:
    listed = await gql.data("firm", "{ projects(first: 1) { edges { node { id } } } }")
    project_id = listed["projects"]["edges"][0]["node"]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on Project { name } } }"
    with gql.counting() as calls:
        result = await gql.run("no-projects", query, {"id": project_id})
    assert result["data"] == {"node": None}
    assert refusals(result) == {"node": ["psa.projects:read"]}
    assert len(calls) == 0
