"""A gateway serving the exception queue and a test-only probe flow that parks or fails on demand.

The probe lives in `plugins/process_apis/exception_probe` (put on sys.path per test, found
by discovery like any flow). Each test gets its own data folder, so its own DBOS database.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import process_apis
from contracts.problems import PROBLEM_BASE_URI
from gateway.app import create_app
from gateway.database import create_engine
from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.apps import PolicyFolder, serving

PLUGINS = Path(__file__).parent / "plugins"
PROBE = "/process/exception-probe/v1"
QUEUE = "/process/exceptions/v1"
READ, WRITE = "process.exceptions:read", "process.exceptions:write"
PROBE_RUN, PROBE_READ = "process.exception-probe:run", "process.exception-probe:read"
ALL_SCOPES = (READ, WRITE, PROBE_RUN, PROBE_READ)
DEADLINE_S = 20.0
GENEROUS_LIMITS = """
tiers:
  standard: ["100000/minute"]
"""


@pytest.fixture
def probe_steps() -> Iterator[ModuleType]:
    """The probe flow on sys.path; yields its steps module (its switches and call counts)."""
    sys.path.insert(0, str(PLUGINS))
    home = list(process_apis.__path__)
    process_apis.__path__ = pkgutil.extend_path(home, "process_apis")  # as discovery does
    try:
        steps = importlib.import_module("process_apis.exception_probe.steps")
        steps.FIXED.clear()
        steps.CALLS.clear()
        yield steps
    finally:
        # The modules stay imported (DBOS keeps its registrations); without the folder on
        # the path, discovery in later tests no longer finds the probe.
        sys.path.remove(str(PLUGINS))
        process_apis.__path__ = home


@dataclass
class Queue:
    """The gateway, a token per scope set, and the calls the tests make on the queue and probe."""

    http: httpx.AsyncClient
    settings: GatewaySettings
    client_ids: dict[tuple[str, ...], str] = field(default_factory=dict)
    _tokens: dict[tuple[tuple[str, ...], str | None], str] = field(default_factory=dict)

    async def token(self, scopes: tuple[str, ...] = ALL_SCOPES, partner: str | None = None) -> str:
        key = (tuple(sorted(scopes)), partner)
        if key not in self._tokens:
            engine = create_engine(self.settings)
            try:
                credential = await create_client(
                    engine, name="queue test", scopes=list(key[0]), partner_id=partner
                )
            finally:
                await engine.dispose()
            response = await self.http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=httpx.BasicAuth(credential.client_id, credential.client_secret),
            )
            assert response.status_code == 200, response.text
            self._tokens[key] = response.json()["access_token"]
            self.client_ids[key[0]] = credential.client_id
        return self._tokens[key]

    async def actor(self, scopes: tuple[str, ...] = ALL_SCOPES) -> str:
        """The client id behind the token for `scopes`."""
        await self.token(scopes)
        return self.client_ids[tuple(sorted(scopes))]

    async def call(
        self,
        method: str,
        path: str,
        *,
        scopes: tuple[str, ...] = ALL_SCOPES,
        partner: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self.token(scopes, partner)}"}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def start(self, case: str, **request: Any) -> str:
        """Start a probe run; returns its id."""
        response = await self.call("POST", f"{PROBE}/runs", json={"case": case, **request})
        assert response.status_code == 202, response.text
        run_id: str = response.json()["id"]
        return run_id

    async def run(self, run_id: str) -> dict[str, Any]:
        response = await self.call("GET", f"{PROBE}/runs/{run_id}")
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    async def wait_run(self, run_id: str, *statuses: str) -> dict[str, Any]:
        """Poll the run until its status is one of `statuses`."""
        run: dict[str, Any] = await poll(
            lambda: self.run(run_id), lambda v: v["status"] in statuses
        )
        return run

    async def list(self, **params: Any) -> dict[str, Any]:
        response = await self.call("GET", f"{QUEUE}/exceptions", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    async def get(self, exception_id: str) -> dict[str, Any]:
        response = await self.call("GET", f"{QUEUE}/exceptions/{exception_id}")
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    async def act(self, exception_id: str, action: str, body: Any = None) -> httpx.Response:
        return await self.call("POST", f"{QUEUE}/exceptions/{exception_id}/{action}", json=body)

    async def parked(self, case: str, **request: Any) -> tuple[str, str]:
        """Start a probe run that parks; returns (run id, exception id)."""
        run_id = await self.start(case, **request)
        view = await self.wait_run(run_id, "parked")
        exception_id: str = view["exception_id"]
        return run_id, exception_id

    async def parked_again(self, run_id: str, first: str) -> dict[str, Any]:
        """Poll until the run is parked on another exception than `first`."""
        run: dict[str, Any] = await poll(
            lambda: self.run(run_id),
            lambda v: v["status"] == "parked" and v["exception_id"] != first,
        )
        return run

    async def failed_exception(self, run_id: str) -> dict[str, Any]:
        """Poll until the sweeper has opened the failed-run exception of `run_id`."""
        page = await poll(
            lambda: self.list(kind="failed-run"),
            lambda p: any(item["run_id"] == run_id for item in p["items"]),
        )
        found: dict[str, Any] = next(i for i in page["items"] if i["run_id"] == run_id)
        return found


def problem_code(response: httpx.Response) -> str:
    """The stable code of a problem response (its `type` without the base URI)."""
    assert response.headers["content-type"].startswith("application/problem+json")
    code: str = response.json()["type"].removeprefix(PROBLEM_BASE_URI)
    return code


async def poll(fetch: Any, done: Any, deadline_s: float = DEADLINE_S) -> Any:
    """Call `fetch` until `done(result)`, failing after `deadline_s`."""
    deadline = time.monotonic() + deadline_s
    while True:
        result = await fetch()
        if done(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {deadline_s} s; last: {result}")
        await asyncio.sleep(0.05)


def queue_settings(tmp_path: Path, policies: PolicyFolder) -> GatewaySettings:
    """Gateway settings over a policy folder that knows the probe's scopes."""
    policies.allow(
        "process/exception-probe/v1",
        {
            "startExceptionProbeRun": [PROBE_RUN],
            "listExceptionProbeRuns": [PROBE_READ],
            "getExceptionProbeRun": [PROBE_READ],
        },
    )
    (policies.root / "rate_limits.yaml").write_text(GENEROUS_LIMITS)
    return GatewaySettings(
        data_dir=tmp_path / "var", policy_dir=policies.root, max_body_bytes=65536
    )


@asynccontextmanager
async def serve_queue(
    settings: GatewaySettings, monkeypatch: pytest.MonkeyPatch, environ: Mapping[str, str]
) -> AsyncIterator[Queue]:
    """The gateway with the queue and the probe; `environ` reaches the runtimes' settings."""
    for name, value in {"ATRIUM_EXCEPTIONS_FAILED_RUN_SWEEP_S": "0.1", **environ}.items():
        monkeypatch.setenv(name, value)
    async with serving(create_app(settings)) as http:
        yield Queue(http, settings)


@pytest.fixture
async def queue(
    tmp_path: Path,
    policy_folder: PolicyFolder,
    monkeypatch: pytest.MonkeyPatch,
    probe_steps: ModuleType,
) -> AsyncIterator[Queue]:
    async with serve_queue(queue_settings(tmp_path, policy_folder), monkeypatch, {}) as q:
        yield q
