"""Each operation requires the scopes `scopes.yaml` lists for it, and its OpenAPI says so."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder, MakeApp, authorize, serving
from tests.gateway.oauth.conftest import assert_problem

API = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Scoped", owner="test-team",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router"),),
)
"""

ROUTER = """
from fastapi import APIRouter

router = APIRouter()
shared = APIRouter()

@router.get("/workers", operation_id="listWorkers")
async def list_workers() -> list[str]:
    return ["w1"]

@router.post("/workers", operation_id="createWorker", status_code=201)
async def create_worker() -> dict[str, str]:
    return {"id": "w2"}

@router.get("/ping", operation_id="ping")
async def ping() -> str:
    return "pong"

@router.get("/forgotten", operation_id="forgotten")
async def forgotten() -> str:
    return "should never answer"

@shared.get("/report")
async def report() -> str:
    return "report"

router.include_router(shared, prefix="/a")
router.include_router(shared, prefix="/b")
"""

OPERATIONS = {
    "listWorkers": ["hr.workers:read"],
    "createWorker": ["hr.workers:read", "hr.workers:write"],
    "ping": [],
    "report_a_report_get": ["hr.reports:read"],
    "report_b_report_get": ["hr.payroll:read"],
}


@pytest.fixture
async def scoped(
    api_folder: ApiFolder, make_app: MakeApp
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    name = api_folder.add("system", API, ROUTER, operations=OPERATIONS)
    async with serving(make_app()) as client:
        yield client, f"/system/{name}/v1"


async def test_token_with_the_scopes_reaches_the_operation(
    scoped: tuple[httpx.AsyncClient, str], settings: GatewaySettings
) -> None:
    client, base = scoped
    await authorize(client, settings, ["hr.workers:read", "hr.workers:write"])
    assert (await client.get(f"{base}/workers")).json() == ["w1"]
    assert (await client.post(f"{base}/workers")).status_code == 201


async def test_missing_scope_is_403_naming_only_the_missing_scope(
    scoped: tuple[httpx.AsyncClient, str], settings: GatewaySettings
) -> None:
    client, base = scoped
    await authorize(client, settings, ["hr.workers:read"])
    response = await client.post(f"{base}/workers")
    body = assert_problem(response, 403, "insufficient-scope")
    assert body["required_scopes"] == ["hr.workers:write"]
    assert 'scope="hr.workers:write"' in response.headers["www-authenticate"]


async def test_empty_scope_list_lets_any_valid_token_through(
    scoped: tuple[httpx.AsyncClient, str], settings: GatewaySettings
) -> None:
    client, base = scoped
    await authorize(client, settings, [])
    assert (await client.get(f"{base}/ping")).json() == "pong"


async def test_operation_without_a_policy_fails_closed_and_is_logged(
    scoped: tuple[httpx.AsyncClient, str],
    settings: GatewaySettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, base = scoped
    await authorize(client, settings, ["hr.workers:read", "hr.workers:write"])
    with caplog.at_level(logging.WARNING, logger="atrium.scopes"):
        response = await client.get(f"{base}/forgotten")
    body = assert_problem(response, 403, "no-scope-policy")
    assert base.strip("/") in body["detail"]
    assert "should never answer" not in response.text
    assert any(r.getMessage().startswith("refused an operation") for r in caplog.records)


async def test_route_included_twice_needs_the_scopes_of_both_inclusions(
    scoped: tuple[httpx.AsyncClient, str], settings: GatewaySettings
) -> None:
    # FastAPI hands the dependency the one shared route object, not which inclusion
    # matched, so the guard must hold the strictest requirement.
    client, base = scoped
    await authorize(client, settings, ["hr.reports:read"])
    body = assert_problem(await client.get(f"{base}/a/report"), 403, "insufficient-scope")
    assert body["required_scopes"] == ["hr.payroll:read"]
    await authorize(client, settings, ["hr.reports:read", "hr.payroll:read"])
    assert (await client.get(f"{base}/a/report")).status_code == 200


async def test_openapi_shows_the_scheme_and_each_operations_scopes(
    scoped: tuple[httpx.AsyncClient, str],
) -> None:
    client, base = scoped
    spec: dict[str, Any] = (await client.get(f"{base}/openapi.json")).json()
    scheme = spec["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/oauth/token"
    assert flow["scopes"]["hr.workers:write"] == "test scope hr.workers:write"
    create = spec["paths"]["/workers"]["post"]
    assert create["security"] == [{"oauth2": ["hr.workers:read", "hr.workers:write"]}]
    assert spec["paths"]["/ping"]["get"]["security"] == [{"oauth2": []}]
    for status in ("401", "403"):
        assert "application/problem+json" in create["responses"][status]["content"]
