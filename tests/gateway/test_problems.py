"""Every error the gateway can produce is an RFC 9457 problem document."""

from __future__ import annotations

import httpx
import pytest

from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder, MakeApp, authorize, serving

PROBLEM = "application/problem+json"

ECHO_API = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Echo", owner="test-team",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router"),),
)
"""

ECHO_ROUTER = """
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

router = APIRouter()

class Line(BaseModel):
    sku: str
    quantity: int = Field(gt=0)

class Order(BaseModel):
    customer: str
    lines: list[Line]

@router.post("/orders", status_code=201)
async def create_order(order: Order) -> Order:
    return order

@router.get("/orders")
async def list_orders(limit: int = Query(default=10, le=100)) -> list[Order]:
    return []

@router.get("/boom")
async def boom() -> dict[str, str]:
    raise RuntimeError("secret database password in /srv/app/internal.py")
"""


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"https://atrium.dev/problems/{code}"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.headers["x-request-id"]
    return body


ECHO_OPERATIONS: dict[str, list[str]] = {
    "create_order_orders_post": [],
    "list_orders_orders_get": [],
    "boom_boom_get": [],
}


@pytest.fixture
async def echo(api_folder: ApiFolder, make_app: MakeApp, settings: GatewaySettings):
    name = api_folder.add("system", ECHO_API, ECHO_ROUTER, operations=ECHO_OPERATIONS)
    async with serving(make_app()) as client:
        await authorize(client, settings, [])
        yield client, f"/system/{name}/v1"


async def test_unknown_path_is_a_404_problem(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/no/such/thing"), 404, "not-found")
    assert "/no/such/thing" in body["detail"]


async def test_unknown_path_under_a_mounted_version_is_a_404_problem(echo) -> None:
    client, base = echo
    assert_problem(await client.get(f"{base}/nothing-here"), 404, "not-found")


async def test_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/catalog")
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET"


async def test_405_allow_lists_every_route_at_the_path(echo) -> None:
    client, base = echo  # GET and POST /orders are two routes
    response = await client.delete(f"{base}/orders")
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET, POST"


async def test_oversized_declared_body_is_a_413_problem(echo) -> None:
    client, base = echo
    response = await client.post(f"{base}/orders", content=b"x" * 2048)
    body = assert_problem(response, 413, "payload-too-large")
    assert body["max_bytes"] == 1024


async def test_oversized_chunked_body_is_a_413_problem(echo) -> None:
    client, base = echo

    async def chunks():
        for _ in range(8):
            yield b"y" * 200

    response = await client.post(f"{base}/orders", content=chunks())
    assert_problem(response, 413, "payload-too-large")


async def test_malformed_json_is_a_400_problem(echo) -> None:
    client, base = echo
    response = await client.post(
        f"{base}/orders",
        content=b'{"customer": "acme", ',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 400, "malformed-request")


async def test_invalid_body_lists_json_pointers(echo) -> None:
    client, base = echo
    order = {
        "customer": "acme",
        "lines": [{"sku": "a", "quantity": 1}, {"sku": "b", "quantity": -7331}],
    }
    response = await client.post(f"{base}/orders", json=order)
    body = assert_problem(response, 422, "validation-failed")
    assert [e["pointer"] for e in body["errors"]] == ["#/lines/1/quantity"]
    assert "-7331" not in response.text  # the offending input is never echoed


async def test_missing_field_and_bad_query_parameter(echo) -> None:
    client, base = echo
    missing = assert_problem(
        await client.post(f"{base}/orders", json={"lines": []}), 422, "validation-failed"
    )
    assert missing["errors"] == [{"detail": "Field required", "pointer": "#/customer"}]
    bad = assert_problem(await client.get(f"{base}/orders?limit=1000"), 422, "validation-failed")
    assert bad["errors"][0]["parameter"] == "limit"
    assert bad["errors"][0]["location"] == "query"


async def test_valid_request_passes_through(echo) -> None:
    client, base = echo
    response = await client.post(f"{base}/orders", json={"customer": "acme", "lines": []})
    assert response.status_code == 201


async def test_unhandled_error_is_a_500_problem_without_traceback(echo, caplog) -> None:
    client, base = echo
    response = await client.get(f"{base}/boom")
    body = assert_problem(response, 500, "internal-error")
    text = response.text
    for leak in ("Traceback", "RuntimeError", "secret", "internal.py", "starlette", "fastapi"):
        assert leak not in text
    errors = [r for r in caplog.records if r.name == "atrium.errors"]
    assert len(errors) == 1, "logged exactly once, with the traceback, server side"
    assert errors[0].exc_info is not None
    assert body["instance"]
