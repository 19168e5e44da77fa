"""Deals a person must fix: the run parks with an exception, then resumes or is cancelled."""

from __future__ import annotations

from typing import Any

import pytest

from tests.process_apis.project_provisioning.conftest import QUEUE, Gateway, deal

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _parked(gw: Gateway, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Start a run that parks; its id and its exception."""
    run_id = await gw.started(body)
    view = await gw.wait(run_id, "parked", "succeeded", "failed")
    assert view["status"] == "parked", view
    exception: dict[str, Any] = await gw.read(f"{QUEUE}/exceptions/{view['exception_id']}")
    return run_id, exception


async def test_missing_cost_centre_is_parked_fixed_and_resumed(gw: Gateway) -> None:
    run_id, exception = await _parked(gw, deal("C9201", "PRJ-9201", cost_centre=None))

    assert (exception["error_type"], exception["owner"]) == ("missing-cost-centre", "finance")
    assert exception["data"] == {"cost_centre": None, "legal_entity": "GB01"}
    assert "CC-GB01-CON" in exception["detail"]
    assert gw.store("psa").find("projects", code="PRJ-9201") == []
    fix = {"data": {"cost_centre": "CC-GB01-DAT"}, "note": "Data & Analytics delivers it"}
    response = await gw.call("POST", f"{QUEUE}/exceptions/{exception['id']}/resume", json=fix)
    assert response.status_code == 200, response.text

    view = await gw.moved_on(run_id, exception["id"])
    assert view["status"] == "succeeded", view
    (project,) = gw.store("psa").find("projects", code="PRJ-9201")
    assert "cost centre CC-GB01-DAT" in project["notes"]
    names = [step["name"] for step in view["steps"]]
    assert names.count("check_cost_centre") == 2


async def test_a_resumed_correction_that_is_still_wrong_parks_again(gw: Gateway) -> None:
    run_id, exception = await _parked(gw, deal("C9202", "PRJ-9202", tax_code="OUTPUT"))

    assert (exception["error_type"], exception["owner"]) == ("invalid-tax-code", "finance")
    assert exception["data"] == {"tax_code": "OUTPUT", "tax_treatment": "standard"}
    wrong = {"data": {"tax_code": "ECZROUTPUTSERVICES"}}
    response = await gw.call("POST", f"{QUEUE}/exceptions/{exception['id']}/resume", json=wrong)
    assert response.status_code == 200, response.text
    again = await gw.moved_on(run_id, exception["id"])
    assert again["status"] == "parked", again
    second: dict[str, Any] = await gw.read(f"{QUEUE}/exceptions/{again['exception_id']}")
    assert "reverse_charge" in second["detail"]

    right = {"data": {"tax_code": "ECZROUTPUTSERVICES", "tax_treatment": "reverse_charge"}}
    response = await gw.call("POST", f"{QUEUE}/exceptions/{second['id']}/resume", json=right)
    assert response.status_code == 200, response.text

    view = await gw.moved_on(run_id, second["id"])
    assert view["status"] == "succeeded", view
    billing = await gw.read("/system/billing/v1/customers/C9202")
    assert billing["tax_treatment"] == "reverse_charge"


async def test_cancelling_a_parked_run_undoes_what_it_created(gw: Gateway) -> None:
    run_id, exception = await _parked(gw, deal("C9203", "PRJ-9203", cost_centre="CC-NOPE"))
    (contact,) = gw.store("erp").find("contacts", ContactNumber="C9203")
    assert contact["ContactStatus"] == "ACTIVE"

    reason = {"reason": "The deal fell through"}
    response = await gw.call("POST", f"{QUEUE}/exceptions/{exception['id']}/cancel", json=reason)
    assert response.status_code == 200, response.text

    view = await gw.moved_on(run_id, exception["id"])
    assert view["status"] in ("failed", "cancelled"), view
    assert "The deal fell through" in view["error"]
    (contact,) = gw.store("erp").find("contacts", ContactNumber="C9203")
    assert contact["ContactStatus"] == "ARCHIVED"
    names = [step["name"] for step in view["steps"]]
    assert names.count("restore_erp_customer") == 1
    assert "upsert_erp_project_dimension" not in names


async def test_a_system_that_stays_down_parks_the_run_until_a_retry(gw: Gateway) -> None:
    harvest = gw.sandboxes["psa"]
    harvest.set_faults(error_rate=1.0, error_status=503, path_prefix="/v2/clients")
    run_id, exception = await _parked(gw, deal("C9204", "PRJ-9204", roles=[]))

    assert (exception["error_type"], exception["owner"]) == (
        "upstream-unavailable",
        "integration-team",
    )
    assert (exception["step"], exception["system"], exception["attempts"]) == (
        "mirror_psa_customer",
        "psa",
        4,
    )
    harvest.clear_faults()
    response = await gw.call("POST", f"{QUEUE}/exceptions/{exception['id']}/retry", json={})
    assert response.status_code == 200, response.text

    view = await gw.moved_on(run_id, exception["id"])
    assert view["status"] == "succeeded", view
    mirrors = [s["succeeded"] for s in view["steps"] if s["name"] == "mirror_psa_customer"]
    assert mirrors == [False, True]
    assert len([c for c in harvest.store.all("clients") if c["name"].startswith("C9204 ")]) == 1
