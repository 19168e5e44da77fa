"""Every Harvest call the connector makes, and the sandbox's answers, against Harvest's spec."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from openapi_core import OpenAPI

from system_apis.psa.connector.api import HarvestConnector
from system_apis.psa.settings import PsaSettings
from system_apis.psa.v1.runtime import build_connector
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import validate_exchange


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the network and keeps every (request, response) pair."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        recorded = httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )
        self.exchanges.append((request, recorded))
        return recorded

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _exercise(harvest: HarvestConnector) -> None:
    """Call every Harvest endpoint method of the connector once."""
    one = {"per_page": "2"}
    project = (await harvest.list_projects(one)).items[0]
    pid = str(project.id)
    user = (await harvest.list_users(one)).items[0]
    await harvest.list_tasks(one)
    entry = (await harvest.list_time_entries({"per_page": "3", "from": "2026-10-01"})).items[0]
    created = await harvest.create_project(
        {
            "client_id": project.client.id,
            "name": "Fidelity",
            "code": "PRJ-F1",
            "is_billable": True,
            "bill_by": "none",
            "budget_by": "none",
        }
    )
    new_task = await harvest.create_task({"name": "Fidelity task", "billable_by_default": True})
    ua = await harvest.create_user_assignment(str(created.id), {"user_id": user.id})
    await harvest.retrieve_client(str(project.client.id))
    await harvest.list_clients(one)
    await harvest.retrieve_project(pid)
    await harvest.update_project(str(created.id), {"is_active": False})
    await harvest.list_task_assignments(pid, one)
    await harvest.create_task_assignment(str(created.id), {"task_id": new_task.id})
    await harvest.list_user_assignments({"user_id": str(user.id), "per_page": "2"})
    await harvest.list_project_user_assignments(pid, one)
    await harvest.retrieve_user_assignment(str(created.id), str(ua.id))
    await harvest.update_user_assignment(str(created.id), str(ua.id), {"is_active": False})
    await harvest.retrieve_user(str(user.id))
    await harvest.update_user(str(user.id), {"weekly_capacity": 126000})
    await harvest.create_rate(str(user.id), "cost_rates", 99.5)
    await harvest.create_rate(str(user.id), "billable_rates", 210.0)
    await harvest.retrieve_time_entry(str(entry.id))
    await harvest.approve_time_entry(str(entry.id))


async def test_connector_requests_and_sandbox_answers_match_harvest_spec(
    sandbox_server: SandboxServers, vendor_spec: Callable[[str], OpenAPI]
) -> None:
    spec = vendor_spec("harvest")
    sandbox = sandbox_server("harvest")
    recorder = RecordingTransport()
    harvest = build_connector(PsaSettings(base_url=sandbox.url + "/v2"), None, transport=recorder)
    try:
        await _exercise(harvest)
    finally:
        await harvest.aclose()
    assert len(recorder.exchanges) >= 22
    for request, response in recorder.exchanges:
        assert response.is_success, (request.url, response.text)
        assert request.headers["user-agent"]
        assert request.headers["harvest-account-id"]
        validate_exchange(spec, request, response)
    approvals = [
        r for r, _ in recorder.exchanges if r.method == "PATCH" and "time_entries" in r.url.path
    ]
    assert len(approvals) == 1
