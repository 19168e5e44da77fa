"""Version runtimes: entered with the gateway's lifespan, handed to routes, closed at shutdown."""

from __future__ import annotations

import asyncio
import sys

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from contracts.problems import ProblemError
from contracts.registry import ApiVersion
from system_apis._kit.runtime import service_dep
from tests.fixtures.apps import ApiFolder, MakeApp, serving

MANIFEST = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="With runtime", owner="test-team",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router",
                         runtime="{module}.v1.router:runtime"),),
)
"""

ROUTER = """
from contextlib import asynccontextmanager
from fastapi import APIRouter

router = APIRouter()
events = []

class Service:
    def __init__(self, ctx):
        self.ctx = ctx

@asynccontextmanager
async def runtime(ctx):
    events.append("enter")
    try:
        yield Service(ctx)
    finally:
        events.append("exit")
"""


async def test_runtime_runs_for_the_gateways_lifetime(
    api_folder: ApiFolder, make_app: MakeApp
) -> None:
    name = api_folder.add("system", MANIFEST, ROUTER)
    app: FastAPI = make_app()
    events = sys.modules[f"system_apis.{name.replace('-', '_')}.v1.router"].events
    assert events == []
    async with serving(app):
        assert events == ["enter"]
    assert events == ["enter", "exit"]


def test_runtime_only_for_in_process_versions() -> None:
    with pytest.raises(ValueError, match="in-process"):
        ApiVersion(number=1, remote={"base_url": "http://x"}, runtime="a.b:c")  # type: ignore[arg-type]


class Service:
    pass


def request_with(apis: dict[str, object]) -> Request:
    return Request({"type": "http", "state": {"apis": apis}, "headers": []})


def test_service_dep_hands_routes_the_running_service() -> None:
    service = Service()
    get = service_dep("system/x/v1", Service).dependency
    assert get(request_with({"system/x/v1": service})) is service


def test_service_dep_answers_503_when_the_service_is_not_running() -> None:
    get = service_dep("system/x/v1", Service).dependency
    with pytest.raises(ProblemError) as raised:
        get(request_with({}))
    assert raised.value.problem_type.status == 503


FLAKY_ROUTER = """
from contextlib import asynccontextmanager
from fastapi import APIRouter

router = APIRouter()
attempts = []

@asynccontextmanager
async def runtime(ctx):
    attempts.append(len(attempts))
    if len(attempts) < 3:
        raise ConnectionRefusedError("database not up yet")
    try:
        yield "service"
    finally:
        attempts.append("closed")
"""


async def test_a_runtime_that_cannot_start_is_retried_without_stopping_the_gateway(
    api_folder: ApiFolder, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gateway.registry.runtimes.RETRY_S", 0.01)
    name = api_folder.add("system", MANIFEST, FLAKY_ROUTER)
    app: FastAPI = make_app()
    module = sys.modules[f"system_apis.{name.replace('-', '_')}.v1.router"]
    async with serving(app) as client:
        assert (await client.get("/livez")).status_code == 200
        deadline = asyncio.get_running_loop().time() + 10
        while len(module.attempts) < 3:
            assert asyncio.get_running_loop().time() < deadline, "never retried"
            await asyncio.sleep(0.01)
        assert (await client.get("/livez")).status_code == 200
    assert module.attempts == [0, 1, 2, "closed"]
