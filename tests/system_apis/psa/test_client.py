"""The typed v1 client returns contract models from the live API."""

from __future__ import annotations

from datetime import date

import httpx

from contracts.psa import Project, ProjectCreate, TimeApproval
from system_apis.psa.v1.client import PsaClient
from tests.system_apis.psa.conftest import BASE, Psa


async def test_client_round_trips_contract_models(psa: Psa) -> None:
    token = await psa.token()

    async def through_gateway(request: httpx.Request) -> httpx.Response:
        return await psa.gateway.http.send(request)

    http = httpx.AsyncClient(
        transport=httpx.MockTransport(through_gateway),
        base_url=f"http://gateway.test{BASE}/",
        headers={"Authorization": f"Bearer {token}"},
    )
    async with http:
        client = PsaClient(http)
        page = await client.list_projects(customer_number="C0003", limit=2)
        assert page.items
        assert all(isinstance(p, Project) for p in page.items)
        created = await client.create_project(
            ProjectCreate(project_code="PRJ-9100", name="Client test", customer_number="C0003"),
            idempotency_key="client-test-1",
        )
        assert (await client.get_project(created.id)) == created
        result = await client.approve_time(
            TimeApproval(
                project_id=created.id, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
            )
        )
        assert result.approved == []
        assert result.already_approved == []
