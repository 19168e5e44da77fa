"""The typed v1 client against the mounted API: every method returns contract models."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from contracts.hcm import LeaveStatus, OrgUnitKind, WorkerCreate, WorkerStatus, WorkerUpdate
from system_apis.hcm.v1.client import HcmApiError, HcmClient
from tests.system_apis.hcm.conftest import ALL_SCOPES, BASE, Hcm

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


async def test_client_covers_every_route(hcm: Hcm) -> None:
    token = await hcm.token(ALL_SCOPES, None)
    async with httpx.AsyncClient(
        transport=hcm.gateway.http._transport,  # the in-process gateway
        base_url=f"http://gateway.test{BASE}/",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        client = HcmClient(http)
        page = await client.list_workers(limit=2, status=WorkerStatus.ACTIVE, legal_entity="US01")
        assert len(page.items) == 2
        assert page.next_cursor is not None
        worker = await client.get_worker(page.items[0].id)
        assert worker.employee_number is not None
        same = await client.get_worker_by_employee_number(worker.employee_number)
        assert same == worker
        hired = await client.create_worker(
            WorkerCreate(
                employee_number="E0998",
                first_name="Grace",
                last_name="Hopper",
                hire_date=date(2026, 11, 2),
            ),
            idempotency_key="hire-E0998",
        )
        moved = await client.update_worker(hired.id, WorkerUpdate(grade="G3"), idempotency_key="g3")
        assert moved.employment.grade == "G3"
        units = await client.list_org_units(kind=OrgUnitKind.DEPARTMENT, include_archived=True)
        centres = await client.list_cost_centres(limit=3)
        assert units.items
        assert len(centres.items) == 3
        leave = await client.list_leave_requests(*OCTOBER, status=[LeaveStatus.APPROVED])
        assert {r.status for r in leave.items} == {LeaveStatus.APPROVED}
        mine = await client.get_worker_availability(leave.items[0].worker_id, *OCTOBER)
        team = await client.get_org_unit_availability(units.items[0].id, *OCTOBER)
        firm = await client.list_availability(*OCTOBER, limit=200)
        assert mine.leave_hours > 0
        assert mine.workers[0] in firm.items
        assert team.capacity_hours >= team.available_hours
        changed = await client.list_workers(changed_since=hired.provenance.modified_at)
        assert hired.id in {w.id for w in changed.items}
        with pytest.raises(HcmApiError) as missing:
            await client.get_worker("99999")
    assert missing.value.problem.status == 404
