"""No N+1: system-API calls per nesting level are constant, not proportional to rows.

The demo firm has 60 projects (fewer than 100), so `first: 100` lists all of them. The system
APIs filter lists by one parent at most, never by a set of ids, so a batch is answered from the
whole collection, read once per request at 200 items a call: each collection costs its page
count (the firm's 304 assignments are 2 pages), the same for 5 projects as for 60.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from tests.gateway.graphql.conftest import Calls, GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

QUERY = """query($n: Int!) { projects(first: $n) { edges { node {
    name
    customer { name }
    assignments(first: 100) { edges { node { active worker { displayName } } } } } } } }"""

# Which nesting level asks each system API endpoint (paths with ids folded to {id}).
LEVELS = {
    "psa /projects": 1,
    "psa /customers": 2,
    "psa /customers/{id}": 2,
    "psa /assignments": 2,
    "psa /resources": 3,
    "psa /resources/{id}": 3,
    "hcm /workers": 3,
    "hcm /workers/{id}": 3,
}


def per_level(calls: Calls) -> Counter[tuple[int, str]]:
    """(level, system) -> calls."""
    counts: Counter[tuple[int, str]] = Counter()
    for endpoint, n in calls.by_endpoint().items():
        level = LEVELS.get(endpoint) or (3 if endpoint.startswith("hcm /workers/") else 0)
        assert level, f"unexpected call {endpoint}"
        counts[level, endpoint.split()[0]] += n
    return counts


async def listed(gql: GraphQLClient, first: int) -> tuple[int, Calls]:
    with gql.counting() as calls:
        data = await gql.data("firm", QUERY, {"n": first})
    return len(data["projects"]["edges"]), calls


async def collection_pages(gql: GraphQLClient, api: str, path: str) -> int:
    items = await gql.gateway.items("firm", api, path)
    assert items is not None
    return math.ceil(len(items) / 200)


async def test_calls_per_level_do_not_grow_with_the_rows_listed(gql: GraphQLClient) -> None:
    few, few_calls = await listed(gql, 5)
    every, every_calls = await listed(gql, 100)
    assert (few, every) == (5, 60)
    assert per_level(every_calls) == per_level(few_calls)
    assert len(every_calls) == len(few_calls)


async def test_each_level_reads_each_collection_once(gql: GraphQLClient) -> None:
    _, calls = await listed(gql, 100)
    pages = {
        "psa /customers": await collection_pages(gql, "system/psa/v1", "/customers"),
        "psa /assignments": await collection_pages(gql, "system/psa/v1", "/assignments"),
        "psa /resources": await collection_pages(gql, "system/psa/v1", "/resources"),
        "hcm /workers": await collection_pages(gql, "system/hcm/v1", "/workers"),
    }
    assert pages == {
        "psa /customers": 1,
        "psa /assignments": 2,
        "psa /resources": 1,
        "hcm /workers": 1,
    }
    assert calls.by_endpoint() == {"psa /projects": 1, **pages}
    assert per_level(calls) == {(1, "psa"): 1, (2, "psa"): 3, (3, "psa"): 1, (3, "hcm"): 1}


async def test_a_collection_read_for_one_field_serves_every_other(gql: GraphQLClient) -> None:
    query = """{ projects(first: 100) { edges { node {
        assignments(first: 10) { edges { node { worker {
            assignments(first: 10) { edges { node { project { name } } } }
        } } } }
    } } } }"""
    with gql.counting() as calls:
        await gql.data("firm", query)
    # The assignments of projects and of workers come from one scan; the nested projects are
    # those the first page listed.
    assert calls.by_endpoint() == {
        "psa /projects": 1,
        "psa /assignments": 2,
        "psa /resources": 1,
        "hcm /workers": 1,
    }
