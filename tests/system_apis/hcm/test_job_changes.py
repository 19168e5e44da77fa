"""A job change through the HCM API keeps the job fields it does not name."""

from __future__ import annotations

from tests.system_apis.hcm.conftest import Hcm


async def test_changing_the_job_title_keeps_entity_unit_location_and_manager(hcm: Hcm) -> None:
    before = (await hcm.get("/workers/3")).json()["employment"]

    response = await hcm.call("PATCH", "/workers/3", json={"job_title": "Principal Consultant"})

    assert response.status_code == 200, response.text
    after = response.json()["employment"]
    assert after["job_title"] == "Principal Consultant"
    kept = ("legal_entity", "org_unit_id", "location", "manager_id")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert all(before[k] for k in ("legal_entity", "org_unit_id", "location"))
