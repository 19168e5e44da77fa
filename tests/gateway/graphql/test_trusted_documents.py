"""Trusted documents: sent by SHA-256, and a mode that refuses every other document."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from gateway.graphql.trusted import TrustedDocuments, document_hash
from tests.gateway.graphql.conftest import GraphQLClient
from tests.gateway.graphql.test_subscriptions import (
    initialised,
    loopback,
    receive,
    send,
    socket,
)

pytestmark = pytest.mark.asyncio(loop_scope="package")

TYPENAME = "{ __typename }"
PROJECTS = "{ projects(first: 1) { edges { node { name } } } }"
RUNS = 'subscription { runStatusChanged(flow: "time-to-cash") { runId status } }'


def persisted(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": document_hash(text)}}


@contextmanager
def trusting(gql: GraphQLClient, *documents: str, only: bool) -> Iterator[None]:
    endpoint = gql.endpoint
    saved = endpoint.trusted
    endpoint.trusted = TrustedDocuments.build(documents, only=only)
    try:
        yield
    finally:
        endpoint.trusted = saved


async def post(gql: GraphQLClient, body: dict[str, Any]) -> Any:
    gql.gateway.reset_vendor_limits()
    headers = {"Authorization": f"Bearer {gql.gateway.tokens['firm']}"}
    return await gql.gateway.http.post("/graphql", json=body, headers=headers)


async def test_a_trusted_document_runs_by_its_hash_alone(gql: GraphQLClient) -> None:
    with trusting(gql, TYPENAME, only=True):
        response = await post(gql, {"extensions": persisted(TYPENAME)})
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_the_text_of_a_trusted_document_passes_the_trusted_only_mode(
    gql: GraphQLClient,
) -> None:
    with trusting(gql, TYPENAME, only=True):
        response = await post(gql, {"query": TYPENAME, "extensions": persisted(TYPENAME)})
        plain = await post(gql, {"query": TYPENAME})
    assert response.json() == plain.json() == {"data": {"__typename": "Query"}}


async def test_any_other_document_is_refused_before_a_system_api_is_called(
    gql: GraphQLClient,
) -> None:
    with trusting(gql, TYPENAME, only=True), gql.counting() as calls:
        response = await post(gql, {"query": PROJECTS})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/untrusted-document")
    assert len(calls) == 0


async def test_without_the_mode_other_documents_still_run(gql: GraphQLClient) -> None:
    with trusting(gql, TYPENAME, only=False):
        response = await post(gql, {"query": "{ __typename }\n"})
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"extensions": persisted(PROJECTS)}, 422, "unknown-document"),
        ({"query": PROJECTS, "extensions": persisted(TYPENAME)}, 422, "unknown-document"),
        ({"extensions": {"persistedQuery": {"version": 2}}}, 400, "malformed-request"),
        (
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ABC"}}},
            400,
            "malformed-request",
        ),
    ],
    ids=["unknown-hash", "text-not-matching-hash", "wrong-version", "malformed-hash"],
)
async def test_a_bad_persisted_query_is_a_problem(
    gql: GraphQLClient, body: dict[str, Any], status: int, code: str
) -> None:
    with trusting(gql, TYPENAME, only=False), gql.counting() as calls:
        response = await post(gql, body)
    assert response.status_code == status, response.text
    assert response.json()["type"].endswith(f"/{code}")
    assert len(calls) == 0


async def test_a_subscription_over_websocket_is_held_to_the_same_rule(
    gql: GraphQLClient,
) -> None:
    token = gql.gateway.tokens["firm"]
    with trusting(gql, RUNS, only=True):
        async with loopback(gql) as url, socket(url) as ws:
            await initialised(ws, {"Authorization": f"Bearer {token}"})
            untrusted = {"query": RUNS.replace("runId status", "status")}
            await send(ws, {"id": "other", "type": "subscribe", "payload": untrusted})
            refusal = await receive(ws)
            assert refusal["type"] == "error"
            assert refusal["id"] == "other"
            assert refusal["payload"][0]["extensions"]["code"] == "untrusted-document"

            payload = {"extensions": persisted(RUNS)}
            await send(ws, {"id": "runs", "type": "subscribe", "payload": payload})
            run = await gql.start_time_to_cash("PRJ-0035", "2026-10")
            message = await receive(ws)
            while message["payload"]["data"]["runStatusChanged"]["runId"] != run:
                message = await receive(ws)
            assert message["id"] == "runs"
            assert message["type"] == "next"
