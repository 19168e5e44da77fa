"""A gateway serving the provisioning flow over the four seeded vendor sandboxes.

One gateway per test module (DBOS runs once per process, so modules take turns); tests in
a module use deals of their own (customer number, name, project code), so they never
meet. Callers hold the flow's scopes, the exception queue's and every system API's read
scopes (to look at the upstream effects), in the internal tier so runs are not throttled.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import pytest_asyncio

from gateway.app import create_app
from gateway.policy.scopes import load_scope_policy
from gateway.settings import GatewaySettings
from sandboxes._kit.store import Store
from tests.fixtures.apps import PolicyFolder, environment, issue_token, serving
from tests.fixtures.partners import GENEROUS_QUOTAS, VENDORS
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers

FLOW = "/process/project-provisioning/v1"
QUEUE = "/process/exceptions/v1"
DEADLINE_S = 30.0
T = TypeVar("T")


async def poll(read: Callable[[], Awaitable[T]], done: Callable[[T], bool]) -> T:
    """Read until `done` holds; fail after DEADLINE_S."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        value = await read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {DEADLINE_S} s; last seen: {value}")
        await asyncio.sleep(0.05)


def deal(number: str, code: str, **over: Any) -> dict[str, Any]:
    """A won deal of GB01 for a new customer `number`, opening project `code`."""
    body: dict[str, Any] = {
        "deal_id": f"D-{code}",
        "customer": {
            "customer_number": number,
            "name": f"Brightwater {number} Ltd",
            "email": f"accounts@{number.lower()}.example",
            "tax_number": "GB 123 4567 89",
        },
        "contract_reference": f"MSA-{number}",
        "legal_entity": "GB01",
        "currency": "GBP",
        "tax_treatment": "standard",
        "tax_code": "OUTPUT2",
        "billing_terms": {"payment_terms_days": 45},
        "budget": {"hours": "400", "amount": {"amount": "90000.00", "currency": "GBP"}},
        "cost_centre": "CC-GB01-CON",
        "project": {
            "code": code,
            "name": f"Data platform {code}",
            "starts_on": "2026-11-02",
            "ends_on": "2027-04-30",
        },
        "tasks": [
            {"name": "Discovery", "billable": True, "rate": "150.00"},
            {"name": f"Platform build {code}", "billable": True, "rate": "175.50"},
        ],
        "roles": [{"role": "delivery-lead", "rate": "210.00", "project_manager": True}],
    }
    return body | over


@dataclass
class Gateway:
    """The gateway client, the sandboxes behind it, and a token for every scope."""

    http: httpx.AsyncClient
    settings: GatewaySettings
    sandboxes: dict[str, RunningSandbox]
    token: str = ""

    def store(self, role: str) -> Store:
        return self.sandboxes[role].store

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def read(self, path: str, **params: Any) -> Any:
        response = await self.call("GET", path, params=params)
        assert response.status_code == 200, f"GET {path}: {response.text}"
        return response.json()

    async def start(self, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        headers = {} if key is None else {"Idempotency-Key": key}
        return await self.call("POST", f"{FLOW}/runs", json=body, headers=headers)

    async def started(self, body: dict[str, Any]) -> str:
        """Start a run that passes validation; its id."""
        response = await self.start(body)
        assert response.status_code == 202, response.text
        run_id: str = response.json()["id"]
        return run_id

    async def run(self, run_id: str) -> dict[str, Any]:
        view: dict[str, Any] = await self.read(f"{FLOW}/runs/{run_id}")
        return view

    async def wait(self, run_id: str, *statuses: str) -> dict[str, Any]:
        """The run once its status is one of `statuses`."""
        return await poll(lambda: self.run(run_id), lambda view: view["status"] in statuses)

    async def moved_on(self, run_id: str, exception_id: str) -> dict[str, Any]:
        """The run once it no longer waits on `exception_id`: ended, or parked on another."""
        return await poll(
            lambda: self.run(run_id),
            lambda v: v["status"] != "running" and v["exception_id"] != exception_id,
        )

    def resources_of(self, legal_entity: str) -> list[dict[str, Any]]:
        """Active Harvest users tagged with an employee number in `legal_entity`."""
        users = self.store("psa").all("users")
        tagged = [u for u in users if u["is_active"] and f"entity:{legal_entity}" in u["roles"]]
        return [u for u in tagged if any(r.startswith("emp:") for r in u["roles"])]


def employee_number(user: dict[str, Any]) -> str:
    return next(r.removeprefix("emp:") for r in user["roles"] if r.startswith("emp:"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gw(
    tmp_path_factory: pytest.TempPathFactory,
    _sandbox_templates: tuple[dict[str, Path], Path],
) -> AsyncIterator[Gateway]:
    root = tmp_path_factory.mktemp("provisioning")
    servers = SandboxServers(root / "sandboxes", *_sandbox_templates)
    servers.folder.mkdir(parents=True)
    with servers.stack:
        sandboxes = {role: servers(vendor) for role, (vendor, _) in VENDORS.items()}
        urls = {
            f"ATRIUM_{role.upper()}_BASE_URL": sandboxes[role].url + suffix
            for role, (_, suffix) in VENDORS.items()
        }
        settings = GatewaySettings(
            data_dir=root / "var",
            policy_dir=PolicyFolder(root / "policies").root,
            max_body_bytes=65536,
        )
        # The PSA reads Harvest's clients afresh on every lookup, so the first clients call
        # of a run is step 3's, where the tests inject their faults; a failed Harvest call is
        # not retried by the PSA API, so the flow's own retries are what a test sees.
        fresh = {"ATRIUM_PSA_DIRECTORY_TTL_S": "0", "ATRIUM_PSA_RETRY_ATTEMPTS": "1"}
        with environment(GENEROUS_QUOTAS | urls | fresh):
            async with serving(create_app(settings)) as http:
                gw = Gateway(http, settings, sandboxes)
                gw.token = await issue_token(
                    http,
                    settings,
                    sorted(load_scope_policy(settings.policy_dir).scopes),
                    tier="internal",
                )
                yield gw


@pytest.fixture(autouse=True)
def _quiet_vendors(request: pytest.FixtureRequest) -> None:
    """Each test starts with the vendors' rate-limit windows empty and no faults."""
    if "gw" not in request.fixturenames:
        return
    gw: Gateway = request.getfixturevalue("gw")
    for sandbox in gw.sandboxes.values():
        sandbox.clear_faults()
        if sandbox.app.state.limit is not None:
            sandbox.app.state.limit.reset()
