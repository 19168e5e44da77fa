"""Subscriptions over graphql-transport-ws, with a real WebSocket client on loopback.

This package's gateway (lifespan already running) is served by uvicorn on 127.0.0.1 on the
test's own event loop, and `websockets` talks to it as a browser's GraphQL client would.
The feeds poll every 0.1 s here, so a change shows up quickly; every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from gateway.graphql.context import Feeds
from gateway.graphql.endpoint import SocketLimits
from tests.fixtures.servers import free_port
from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

PROTOCOL = Subprotocol("graphql-transport-ws")
DEADLINE_S = 60.0
RUNS = 'subscription { runStatusChanged(flow: "time-to-cash") { runId status businessKeys } }'
OPENED = "subscription { exceptionOpened { exceptionId errorType owner runId status } }"


@asynccontextmanager
async def loopback(gql: GraphQLClient) -> AsyncIterator[str]:
    """The gateway on a loopback port (ws:// URL of /graphql), polling feeds fast."""
    # The in-process transport's app carries the lifespan state a server would hand over.
    app = gql.gateway.http._transport.app  # type: ignore[attr-defined]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), lifespan="off", log_config=None
    )
    server = uvicorn.Server(config)
    endpoint = gql.endpoint
    saved = endpoint.limits
    endpoint.limits = SocketLimits(feeds=Feeds(interval_s=0.1))
    serving = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started, "the server to start")
        yield f"ws://127.0.0.1:{config.port}/graphql"
    finally:
        server.should_exit = True
        await serving
        endpoint.limits = saved


async def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


@asynccontextmanager
async def socket(url: str, **headers: str) -> AsyncIterator[ClientConnection]:
    async with connect(url, subprotocols=[PROTOCOL], additional_headers=headers, proxy=None) as ws:
        yield ws


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), DEADLINE_S))
    return message


async def initialised(ws: ClientConnection, payload: dict[str, Any] | None = None) -> None:
    await send(ws, {"type": "connection_init", "payload": payload or {}})
    assert await receive(ws) == {"type": "connection_ack"}


async def first_next(
    ws: ClientConnection, field: str, match: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The first `next` payload of `field` that `match` accepts (others are skipped)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        message = await receive(ws)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        value: dict[str, Any] = message["payload"]["data"][field]
        if match(value):
            return value
    raise AssertionError(f"no matching {field} within {DEADLINE_S} s")


async def test_a_run_status_change_reaches_a_socket_authenticated_in_connection_init(
    gql: GraphQLClient,
) -> None:
    token = gql.gateway.tokens["firm"]
    async with loopback(gql) as url, socket(url) as ws:
        await initialised(ws, {"Authorization": f"Bearer {token}"})
        await send(ws, {"id": "runs", "type": "subscribe", "payload": {"query": RUNS}})
        run = await gql.start_time_to_cash("PRJ-0036", "2026-10")

        done = await first_next(
            ws, "runStatusChanged", lambda r: r["runId"] == run and r["status"] == "SUCCEEDED"
        )

    assert done["businessKeys"]["project_code"] == "PRJ-0036"
    assert (await gql.run_view(run))["status"] == "succeeded"
    await until(lambda: gql.endpoint.sockets == 0, "the socket to be released")


async def test_an_opened_exception_reaches_a_socket_authenticated_by_its_header(
    gql: GraphQLClient,
) -> None:
    # August is closed and PRJ-0043's was invoiced: late-approved time parks the run.
    assert gql.books.approve_all("PRJ-0043", "2026-08"), "late-approved August time"
    headers = {"Authorization": f"Bearer {gql.gateway.tokens['firm']}"}
    async with loopback(gql) as url, socket(url, **headers) as ws:
        await initialised(ws)
        await send(ws, {"id": "queue", "type": "subscribe", "payload": {"query": OPENED}})
        run = await gql.start_time_to_cash("PRJ-0043", "2026-08")

        opened = await first_next(ws, "exceptionOpened", lambda e: e["runId"] == run)

    view = await gql.wait_for_run(run, "parked")
    assert opened["exceptionId"] == view["exception_id"]
    assert (opened["status"], opened["owner"]) == ("OPEN", "finance")
    assert opened["errorType"] in {"already-invoiced", "period-closed"}


async def test_a_socket_without_a_valid_token_is_closed(gql: GraphQLClient) -> None:
    async with loopback(gql) as url:
        async with socket(url) as ws:
            await send(ws, {"type": "connection_init", "payload": {}})
            with pytest.raises(ConnectionClosed) as missing:
                await receive(ws)
        async with socket(url) as ws:
            await send(ws, {"type": "connection_init", "payload": {"Authorization": "Bearer x"}})
            with pytest.raises(ConnectionClosed) as forged:
                await receive(ws)
        with pytest.raises(InvalidStatus) as header:
            async with socket(url, Authorization="Bearer not-a-token"):
                pass

    closes = [missing.value.rcvd, forged.value.rcvd]
    assert [None if c is None else c.code for c in closes] == [4403, 4403]
    assert header.value.response.status_code == 403


async def test_a_socket_holds_at_most_five_subscriptions(gql: GraphQLClient) -> None:
    token = gql.gateway.tokens["firm"]
    async with loopback(gql) as url, socket(url) as ws:
        await initialised(ws, {"Authorization": f"Bearer {token}"})
        for n in range(6):
            await send(ws, {"id": str(n), "type": "subscribe", "payload": {"query": OPENED}})
        refused = await receive(ws)

    assert (refused["type"], refused["id"]) == ("error", "5")
    assert refused["payload"][0]["message"] == "Subscription limit reached"


async def test_a_subscription_needs_the_scopes_of_the_reads_it_polls(gql: GraphQLClient) -> None:
    token = gql.gateway.tokens["no-process"]
    async with loopback(gql) as url, socket(url) as ws:
        await initialised(ws, {"Authorization": f"Bearer {token}"})
        await send(ws, {"id": "q", "type": "subscribe", "payload": {"query": OPENED}})
        refused = await receive(ws)

    assert refused["type"] == "next", refused
    (error,) = refused["payload"]["errors"]
    assert error["extensions"]["code"] == "insufficient-scope"


@pytest.mark.parametrize("accept", ["application/json", 'multipart/mixed;subscriptionSpec="1.0"'])
async def test_subscriptions_are_not_served_over_plain_http(
    gql: GraphQLClient, accept: str
) -> None:
    headers = {"Authorization": f"Bearer {gql.gateway.tokens['firm']}", "Accept": accept}
    response = await gql.gateway.http.post("/graphql", json={"query": OPENED}, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "WebSocket" in response.json()["detail"]
