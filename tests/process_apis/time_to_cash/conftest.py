"""A gateway serving time-to-cash over the four seeded vendor sandboxes, in-process.

One gateway per test module (DBOS runs once per process, so modules take turns). Tests in
a module bill projects of their own, so they never meet. The caller holds the flow's
scopes and the exception queue's (finance resumes parked runs through it), in the
internal tier so runs are not throttled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.fixtures.apps import environment, serving
from tests.fixtures.flows_time_to_cash import (
    FINANCE_SCOPES,
    FLOW,
    QUEUE,
    Books,
    poll,
    run_token,
    start_sandboxes,
    vendor_env,
)
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers


@dataclass
class Gateway:
    """The gateway client (holding a run token) and the vendors' books behind it."""

    http: httpx.AsyncClient
    settings: GatewaySettings
    sandboxes: dict[str, RunningSandbox]

    @property
    def books(self) -> Books:
        return Books(self.sandboxes)

    async def start(
        self, project_code: str, period: str, *, key: str | None = None, **options: Any
    ) -> httpx.Response:
        body = {"project_code": project_code, "billing_period": period, **options}
        headers = {} if key is None else {"Idempotency-Key": key}
        return await self.http.post(f"{FLOW}/runs", json=body, headers=headers)

    async def started(self, project_code: str, period: str, **options: Any) -> str:
        response = await self.start(project_code, period, **options)
        assert response.status_code == 202, response.text
        return str(response.json()["id"])

    async def run(self, run_id: str) -> dict[str, Any]:
        response = await self.http.get(f"{FLOW}/runs/{run_id}")
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    async def wait(self, run_id: str, *statuses: str) -> dict[str, Any]:
        """The run once its status is one of `statuses`."""
        return await poll(lambda: self.run(run_id), lambda view: view["status"] in statuses)

    async def decide(self, exception_id: str, action: str, **body: Any) -> dict[str, Any]:
        """Act on an exception through the exceptions API (resume, retry, cancel)."""
        response = await self.http.post(f"{QUEUE}/exceptions/{exception_id}/{action}", json=body)
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gw(
    tmp_path_factory: pytest.TempPathFactory,
    _sandbox_templates: tuple[dict[str, Path], Path],
) -> AsyncIterator[Gateway]:
    root = tmp_path_factory.mktemp("time-to-cash")
    servers = SandboxServers(root / "sandboxes", *_sandbox_templates)
    servers.folder.mkdir(parents=True)
    with servers.stack:
        sandboxes = start_sandboxes(servers)
        settings = GatewaySettings(data_dir=root / "var", max_body_bytes=65536)
        with environment(vendor_env(sandboxes)):
            async with serving(create_app(settings)) as http:
                token = await run_token(http, settings, FINANCE_SCOPES)
                http.headers["Authorization"] = f"Bearer {token}"
                yield Gateway(http, settings, sandboxes)
