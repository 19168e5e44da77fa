"""A refusal at step 3 (PSA) undoes steps 2 and 1, newest first, once each, then fails."""

from __future__ import annotations

import pytest

from tests.process_apis.project_provisioning.conftest import Gateway, deal

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_refusal_at_the_psa_compensates_dimension_then_customer(gw: Gateway) -> None:
    # The PSA's first call to Harvest's clients in this run is step 3's (validation and the
    # earlier steps never read clients): Harvest refuses it, and the PSA API answers 422.
    gw.sandboxes["psa"].set_faults(error_next=1, error_status=422, path_prefix="/v2/clients")

    run_id = await gw.started(deal("C9301", "PRJ-9301"))
    view = await gw.wait(run_id, "failed", "succeeded", "parked")

    assert view["status"] == "failed", view
    assert view["error"].startswith(
        "ProvisioningFailedError: mirror_psa_customer: psa answered 422"
    )
    assert "(compensated: erp-dimension, erp-customer)" in view["error"]
    assert gw.sandboxes["psa"].stats()["injected"] == {"error": 1}
    steps = [(step["name"], step["succeeded"]) for step in view["steps"]]
    failed_at = steps.index(("mirror_psa_customer", False))
    assert steps[failed_at + 1 :] == [
        ("archive_erp_project_dimension", True),
        ("restore_erp_customer", True),
    ]
    assert ("upsert_erp_customer", True) in steps[:failed_at]
    assert ("upsert_erp_project_dimension", True) in steps[:failed_at]
    options = [o for c in gw.store("erp").all("tracking") for o in c["Options"]]
    assert [o["Status"] for o in options if o["Name"].startswith("PRJ-9301 - ")] == ["ARCHIVED"]
    (contact,) = gw.store("erp").find("contacts", ContactNumber="C9301")
    assert contact["ContactStatus"] == "ARCHIVED"
    assert gw.store("psa").find("projects", code="PRJ-9301") == []
    assert not [c for c in gw.store("psa").all("clients") if c["name"].startswith("C9301 ")]
    billing = await gw.call("GET", "/system/billing/v1/customers/C9301")
    assert billing.status_code == 404


async def test_compensation_restores_a_known_customer_rather_than_archiving_it(
    gw: Gateway,
) -> None:
    page = await gw.read("/system/erp/v1/legal-entities/GB01/customers", limit=5)
    number = next(c["customer_number"] for c in page["items"] if c["currency"] == "GBP")
    (known,) = gw.store("erp").find("contacts", ContactNumber=number)
    gw.sandboxes["psa"].set_faults(error_next=1, error_status=422, path_prefix="/v2/clients")
    body = deal(number, "PRJ-9302", roles=[])
    body["customer"] = {"customer_number": number, "name": known["Name"] + " Group"}

    view = await gw.wait(await gw.started(body), "failed", "succeeded", "parked")

    assert view["status"] == "failed", view
    (contact,) = gw.store("erp").find("contacts", ContactNumber=number)
    assert (contact["Name"], contact["ContactStatus"]) == (known["Name"], "ACTIVE")
