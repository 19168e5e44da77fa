"""Operations over a limit are refused whole, before any system API is called."""

from __future__ import annotations

import httpx
import pytest

from gateway.graphql.protection import Limits
from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

LIMITS = Limits()
ONE = "projects(first: 1) { edges { node { name } } }"


def nested(levels: int) -> str:
    """projects > edges > node > customer > projects > ... with `levels` fields on the path."""
    path = ["projects(first: 1)", "edges", "node", "customer"] * levels
    return "{ " + " { ".join(path[: levels - 1]) + " { __typename" + " }" * levels


DEEP = nested(LIMITS.max_depth + 2)  # graphql depth counts the root field as 0
COSTLY = """{ projects(first: 100) { edges { node { assignments(first: 100) { edges { node {
    worker { assignments(first: 100) { edges { node { project { name } } } } } } } } } } } }"""

REFUSED = {
    "depth": DEEP,
    "aliases": "{ " + " ".join(f"p{i}: {ONE}" for i in range(LIMITS.max_aliases + 1)) + " }",
    "tokens": "{ projects(first: 1) { edges { node { " + "name " * LIMITS.max_tokens + "} } } }",
    "cost": COSTLY,
    "first": "{ projects(first: 101) { edges { node { name } } } }",
}


@pytest.mark.parametrize("limit", sorted(REFUSED))
async def test_an_operation_over_a_limit_makes_no_upstream_call(
    gql: GraphQLClient, limit: str
) -> None:
    with gql.counting() as calls:
        result = await gql.run("firm", REFUSED[limit])
    assert result["data"] is None
    assert len(result["errors"]) == 1
    assert len(calls) == 0


async def test_the_limits_leave_room_for_real_queries(gql: GraphQLClient) -> None:
    query = "{ " + " ".join(f"p{i}: {ONE}" for i in range(LIMITS.max_aliases)) + " }"
    data = await gql.data("firm", query)
    assert len(data) == LIMITS.max_aliases
    deepest = await gql.data("firm", nested(LIMITS.max_depth + 1))
    assert deepest["projects"]["edges"]


async def test_the_cost_refusal_names_the_cost_and_the_limit(gql: GraphQLClient) -> None:
    (error,) = (await gql.run("firm", COSTLY))["errors"]
    assert error["extensions"]["code"] == "cost-limit-exceeded"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == LIMITS.max_cost


async def test_an_unexpected_failure_is_masked(gql: GraphQLClient) -> None:
    async def explode(request: httpx.Request) -> None:
        raise RuntimeError("internal detail that must not leak")

    gql.endpoint.upstream_hooks.append(explode)
    try:
        response = await gql.post("firm", "{ " + ONE + " }")
    finally:
        gql.endpoint.upstream_hooks.remove(explode)
    assert response.status_code == 200
    assert "internal detail" not in response.text
    assert response.json() == {
        "data": {"projects": None},
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["projects"],
            }
        ],
    }
