"""Marking approved time billed: the PSA API's call, its refusals, and Harvest fidelity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openapi_core import OpenAPI

from system_apis.psa.settings import PsaSettings
from system_apis.psa.v1.runtime import build_connector
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import validate_exchange
from tests.system_apis.psa.conftest import ALL_SCOPES, Psa
from tests.system_apis.psa.test_connector_fidelity import RecordingTransport

BILLER = (*ALL_SCOPES, "psa.time:bill")


async def _entries(psa: Psa, **query: str) -> list[dict[str, Any]]:
    response = await psa.get("/time-entries", params={"limit": 200, **query})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_marks_approved_entries_billed_once(psa: Psa) -> None:
    approved = await _entries(
        psa, approval_state="approved", billed="false", period_start="2026-10-01"
    )
    chosen = [e["id"] for e in approved[:3]]
    body = {"entry_ids": [*chosen, chosen[0]]}

    first = await psa.call("POST", "/time-entries/billing", json=body, scopes=BILLER)
    again = await psa.call("POST", "/time-entries/billing", json=body, scopes=BILLER)

    assert first.status_code == 200, first.text
    assert first.json() == {"billed": chosen}
    assert again.json() == {"billed": chosen}
    entry = (await psa.get(f"/time-entries/{chosen[0]}")).json()
    assert (entry["billed"], entry["locked"]) == (True, True)
    harvest = psa.harvest.store.get("time_entries", chosen[0])
    assert harvest is not None
    assert harvest["locked_reason"] == "Item Invoiced"


async def test_refuses_pending_time_and_callers_without_the_scope(psa: Psa) -> None:
    pending = (await _entries(psa, approval_state="pending", billed="false"))[0]
    body = {"entry_ids": [pending["id"]]}

    refused = await psa.call("POST", "/time-entries/billing", json=body, scopes=BILLER)
    unscoped = await psa.call("POST", "/time-entries/billing", json=body)

    assert refused.status_code == 422, refused.text
    assert unscoped.status_code == 403
    still = psa.harvest.store.get("time_entries", pending["id"])
    assert still is not None
    assert still["is_billed"] is False


async def test_partners_cannot_mark_time_billed(psa: Psa) -> None:
    approved = await _entries(psa, approval_state="approved", billed="false")
    body = {"entry_ids": [approved[0]["id"]]}

    response = await psa.call(
        "POST", "/time-entries/billing", json=body, scopes=BILLER, partner="C0001"
    )

    assert response.status_code == 404
    entry = psa.harvest.store.get("time_entries", approved[0]["id"])
    assert entry is not None
    assert entry["is_billed"] is False


async def test_billing_call_and_answer_match_harvest_spec(
    sandbox_server: SandboxServers, vendor_spec: Callable[[str], OpenAPI]
) -> None:
    sandbox = sandbox_server("harvest")
    entry = next(
        e for e in sandbox.store.all("time_entries") if e["is_closed"] and not e["is_billed"]
    )
    recorder = RecordingTransport()
    harvest = build_connector(PsaSettings(base_url=sandbox.url + "/v2"), None, transport=recorder)
    try:
        billed = await harvest.mark_time_entry_billed(str(entry["id"]))
    finally:
        await harvest.aclose()

    assert billed.is_billed is True
    ((request, response),) = recorder.exchanges
    assert (request.method, request.url.path) == ("PATCH", f"/v2/time_entries/{entry['id']}")
    validate_exchange(vendor_spec("harvest"), request, response)
