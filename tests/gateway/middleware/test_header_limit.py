"""Request header fields over `max_header_bytes` get a 431 problem before any app code runs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from gateway.app import create_app
from gateway.middleware.header_limit import HeaderLimitMiddleware, header_bytes
from gateway.settings import GatewaySettings
from tests.fixtures.apps import serving
from tests.fixtures.servers import ThreadedServer
from tests.gateway.oauth.conftest import assert_problem

CAP = 2048


class Recorder:
    """An ASGI app that notes whether it ran."""

    def __init__(self) -> None:
        self.ran = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.ran = True
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def run(headers: list[tuple[bytes, bytes]]) -> tuple[bool, list[Message]]:
    app = Recorder()
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    await HeaderLimitMiddleware(app, max_bytes=CAP)(scope, receive, send)
    return app.ran, sent


def filler(total: int) -> list[tuple[bytes, bytes]]:
    """One header field of exactly `total` bytes as counted on the wire."""
    return [(b"x-fill", b"v" * (total - len(b"x-fill") - 4))]


async def test_header_fields_exactly_at_the_cap_pass() -> None:
    headers = filler(CAP)
    assert header_bytes({"headers": headers}) == CAP
    ran, sent = await run(headers)
    assert ran
    assert sent[0]["status"] == 204


async def test_one_byte_over_the_cap_is_431_and_the_app_never_runs() -> None:
    ran, sent = await run(filler(CAP + 1))
    assert not ran
    assert sent[0]["status"] == 431


@pytest.fixture
def capped(settings: GatewaySettings) -> GatewaySettings:
    return settings.model_copy(update={"max_header_bytes": 4096})


async def test_many_small_fields_add_up_to_a_431_problem(capped: GatewaySettings) -> None:
    async with serving(create_app(capped)) as client:
        headers = {f"x-part-{i}": "v" * 100 for i in range(60)}
        response = await client.get("/livez", headers=headers)
        body = assert_problem(response, 431, "request-header-fields-too-large")
        assert body["max_bytes"] == 4096
        assert body["instance"] == response.headers["x-request-id"]
        assert (await client.get("/livez")).status_code == 200


async def test_real_server_answers_431_rather_than_dropping_the_connection(
    capped: GatewaySettings,
) -> None:
    with ThreadedServer(create_app(capped), lifespan="on") as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            response = await client.get("/livez", headers={"cookie": "c" * 6000})
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/problem+json"
