"""The cost rule on the real schema: what an operation may read, before anything runs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, parse

from gateway.graphql.cost import operation_cost
from gateway.graphql.dashboards.query import HEALTH_WEIGHT, UTILIZATION_WEIGHT
from gateway.graphql.operations import LINEAGE_LIMIT
from gateway.graphql.pagination import DEFAULT_FIRST
from gateway.graphql.protection import Limits
from gateway.graphql.schema import build_schema
from tests.gateway.graphql.offline import execute

SCHEMA: GraphQLSchema = build_schema()._schema

DOCUMENTED = """
{ projects(first: 100) { edges { node {
    customer { name }
    assignments(first: 50) { edges { node { worker { id } } } } } } } }
"""


def cost(query: str, variables: dict[str, Any] | None = None) -> tuple[int, list[int]]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation_cost(SCHEMA, operation, fragments, variables or {})


def test_the_documented_example_costs_what_the_docstring_says() -> None:
    assert cost(DOCUMENTED) == (100 + 100 + 100 * 50 + 100 * 50, [])


def test_an_omitted_first_counts_as_the_schema_default() -> None:
    assert cost("{ projects { edges { node { name } } } }") == (DEFAULT_FIRST, [])


def test_values_plumbing_and_scalars_are_free() -> None:
    query = """{ projects(first: 10) { pageInfo { endCursor } edges { cursor node {
        name hourlyRate { amount } provenance { system } } } } }"""
    assert cost(query) == (10, [])


def test_variables_and_fragments_count_like_literals() -> None:
    query = """
    query Q($n: Int!, $m: Int = 7) { projects(first: $n) { ...P } }
    fragment P on ProjectConnection { edges { node { assignments(first: $m) {
        edges { node { ... on Assignment { worker { id } } } } } } } }
    """
    assert cost(query, {"n": 4}) == (4 + 4 * 7 + 4 * 7, [])


def test_a_first_outside_its_range_is_reported() -> None:
    assert cost("{ projects(first: 500) { edges { node { name } } } }")[1] == [500]
    assert cost("{ tasks(first: 0) { edges { node { name } } } }")[1] == [0]


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return httpx.Response(500)


NESTED = """{ projects(first: 100) { edges { node { assignments(first: 100) { edges { node {
    worker { assignments(first: 100) { edges { node { project { name } } } } } } } } } } } }"""


async def test_an_over_budget_operation_is_refused_before_any_resolver_runs() -> None:
    upstream = Counter()
    result = await execute(NESTED, upstream)
    assert result.data is None
    assert result.errors is not None
    (error,) = result.errors
    assert error.extensions is not None
    assert error.extensions["code"] == "cost-limit-exceeded"
    assert error.extensions["limit"] == Limits().max_cost
    assert error.extensions["cost"] > Limits().max_cost
    assert upstream.calls == 0


@pytest.mark.parametrize("first", [101, 0])
async def test_a_first_out_of_range_is_refused_before_any_resolver_runs(first: int) -> None:
    upstream = Counter()
    result = await execute(
        "query($n: Int!) { projects(first: $n) { edges { node { name } } } }",
        upstream,
        variables={"n": first},
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "validation-failed",
        "classification": "BAD_REQUEST",
    }
    assert upstream.calls == 0


def test_a_runs_steps_cost_one_read_per_run_listed() -> None:
    plain = "{ flowRuns(first: 40) { edges { node { runId status } } } }"
    stepped = "{ flowRuns(first: 40) { edges { node { runId steps { name } } } } }"
    assert cost(plain) == (40, [])
    assert cost(stepped) == (40 + 40, [])


def test_lineage_lists_count_as_fifty_records_each() -> None:
    query = """{ lineage(key: "project_code:P-1") {
        runs { steps { name } exception { audit { action } } } events { type } } }"""
    fanout = LINEAGE_LIMIT
    # lineage 1; runs 50, their steps 50, their exceptions 50 and those audits 50; events 50.
    assert cost(query) == (1 + 5 * fanout, [])


def test_a_dashboard_counts_the_records_it_reads() -> None:
    query = """{ integrationHealth { kpis { openExceptions syncCompleteness } }
        utilization(period: "2026-10") { rows { key } } }"""
    # Each root field counts once plus its weight; what they read is in the weight.
    assert cost(query) == (1 + HEALTH_WEIGHT + 1 + UTILIZATION_WEIGHT, [])


async def test_aliased_dashboards_over_the_budget_call_nothing() -> None:
    aliases = " ".join(
        f'u{n}: utilization(period: "2026-{n:02}") {{ total {{ billableHours }} }}'
        for n in range(1, 7)
    )
    upstream = Counter()
    result = await execute(f"{{ {aliases} }}", upstream)
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "cost-limit-exceeded"
    assert upstream.calls == 0
