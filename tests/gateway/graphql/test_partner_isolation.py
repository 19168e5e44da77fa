"""Partner isolation through GraphQL is REST's: a partner sees its own objects and nothing else.

Partner A's client (customer C0032) asks for partner B's (C0031) objects by global id and
through every list; the answers hold nothing of B's, and no error reveals that they exist.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.gateway.graphql.conftest import A, B, GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

NODE = "query($id: ID!) { node(id: $id) { id ... on Project { name projectCode } } }"


def global_id(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


async def firm_view(gql: GraphQLClient, number: str) -> dict[str, Any]:
    """Customer `number`'s PSA customer, a project, its assignment and an invoice, as the firm."""
    customers = await gql.gateway.items("firm", "system/psa/v1", "/customers")
    projects = await gql.gateway.items("firm", "system/psa/v1", "/projects", customer_number=number)
    invoices = await gql.gateway.items(
        "firm", "system/billing/v1", "/invoices", customer_number=number
    )
    assert customers is not None
    assert projects
    assert invoices
    customer = next(c for c in customers if c["customer_number"] == number)
    return {"customer": customer, "project": projects[0], "invoice": invoices[0]}


async def test_a_partner_gets_nothing_of_another_partners_project(gql: GraphQLClient) -> None:
    theirs = (await firm_view(gql, B))["project"]
    query = """query($id: ID!, $p: ID!) {
        node(id: $id) { id ... on Project { name customer { name } } }
        timeEntries(project: $p, first: 50) { edges { node { id hours } } } }"""
    variables = {"id": global_id("Project", theirs["id"]), "p": global_id("Project", theirs["id"])}
    response = await gql.post("a", query, variables)
    assert response.status_code == 200
    assert response.json() == {"data": {"node": None, "timeEntries": {"edges": []}}}
    assert theirs["name"] not in response.text
    # The control: the owner sees it, through the same query.
    owner = await gql.data("b", query, variables)
    assert owner["node"]["name"] == theirs["name"]
    assert owner["timeEntries"]["edges"]


async def test_another_partners_customer_and_invoice_are_null(gql: GraphQLClient) -> None:
    theirs = await firm_view(gql, B)
    query = """query($c: ID!, $i: ID!) {
        customer: node(id: $c) { ... on Customer { name } }
        invoice: node(id: $i) { ... on Invoice { total { amount } } } }"""
    variables = {
        "c": global_id("Customer", theirs["customer"]["id"]),
        "i": global_id("Invoice", theirs["invoice"]["id"]),
    }
    assert await gql.data("a", query, variables) == {"customer": None, "invoice": None}
    owner = await gql.data("b", query, variables)
    assert owner["customer"] == {"name": theirs["customer"]["name"]}


async def test_every_list_a_partner_reads_holds_only_its_own(gql: GraphQLClient) -> None:
    query = """{
        customers(first: 10) { edges { node { customerNumber
            projects(first: 20) { edges { node { customerNumber } } }
            invoices(first: 20) { edges { node { customerNumber } } } } } }
        projects(first: 50) { edges { node { customerNumber
            assignments(first: 20) { edges { node { customerNumber worker { id } } } } } } }
        invoices(first: 100) { edges { node { customerNumber customer { customerNumber } } } }
        timeEntries(first: 100) { edges { node { customerNumber } } }
    }"""
    data = await gql.data("a", query)
    numbers = set(_values(data, "customerNumber"))
    assert numbers == {A}
    assert data["projects"]["edges"]  # A has projects, invoices and time of its own
    assert data["invoices"]["edges"]
    assert data["timeEntries"]["edges"]
    # Staff belong to no partner: the worker behind an assignment stays hidden.
    staffed = [
        a["node"] for p in data["projects"]["edges"] for a in p["node"]["assignments"]["edges"]
    ]
    assert staffed
    assert all(a["worker"] is None for a in staffed)


async def test_staff_and_the_ledger_are_hidden_from_partners(gql: GraphQLClient) -> None:
    query = """{ workers(first: 10) { edges { node { id } } }
        journalEntries(legalEntity: "NL01", first: 10) { edges { node { id } } } }"""
    assert await gql.data("a", query) == {
        "workers": {"edges": []},
        "journalEntries": {"edges": []},
    }


def _values(data: Any, key: str) -> list[Any]:
    """Every value of `key` anywhere in `data`."""
    if isinstance(data, dict):
        own = [data[key]] if key in data else []
        return own + [v for value in data.values() for v in _values(value, key)]
    if isinstance(data, list):
        return [v for item in data for v in _values(item, key)]
    return []
