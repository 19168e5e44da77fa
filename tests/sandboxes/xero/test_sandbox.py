"""The Xero sandbox speaks Xero: auth, envelopes, paging, errors, workflow, idempotency, limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandboxes.xero import create_app
from sandboxes.xero.auth import ACCESS_TOKEN
from sandboxes.xero.seed import tenant_id
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.fixtures.vendor_specs import validate_exchange

API = "/api.xro/2.0"


@pytest.fixture
def xero(sandbox_server: SandboxServers) -> RunningSandbox:
    return sandbox_server("xero")


@pytest.fixture
def gb(xero: RunningSandbox) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {ACCESS_TOKEN}", "xero-tenant-id": tenant_id("GB01")}
    with httpx.Client(base_url=xero.url + API, headers=headers, timeout=10) as client:
        yield client


def invoice(contact_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "Invoices": [
            {
                "Type": "ACCREC",
                "Contact": {"ContactID": contact_id},
                "Date": "2026-10-01",
                "DueDate": "2026-10-31",
                "LineItems": [
                    {
                        "Description": "Build",
                        "Quantity": 2,
                        "UnitAmount": 100.5,
                        "AccountCode": "200",
                        "Tracking": [
                            {"Name": "Cost Centre", "Option": "CC-GB01-CON - Consulting GB"}
                        ],
                    }
                ],
                **changes,
            }
        ]
    }


def first_contact(gb: httpx.Client) -> dict[str, Any]:
    contacts: list[dict[str, Any]] = gb.get("/Contacts", params={"page": 1}).json()["Contacts"]
    return contacts[0]


def test_responses_conform_to_xeros_spec(
    gb: httpx.Client, vendor_spec: Callable[[str], Any]
) -> None:
    spec = vendor_spec("xero")
    contact = first_contact(gb)
    responses = [
        gb.get("/Organisation"),
        gb.get("/Contacts", params={"page": 2, "pageSize": 5, "where": 'ContactStatus=="ACTIVE"'}),
        gb.get(f"/Contacts/{contact['ContactID']}"),
        gb.get("/TrackingCategories", params={"includeArchived": "true"}),
        gb.get("/Invoices", params={"page": 1, "Statuses": "AUTHORISED,PAID"}),
        gb.put("/Invoices", json=invoice(contact["ContactID"])),
        gb.get("/ManualJournals", params={"page": 1}),
    ]
    for response in responses:
        assert response.status_code == 200, response.text
        validate_exchange(spec, response.request, response)


def test_bad_token_is_401_and_unknown_tenant_403(xero: RunningSandbox) -> None:
    with httpx.Client(base_url=xero.url + API) as client:
        assert (
            client.get("/Organisation", headers={"Authorization": "Bearer nope"}).status_code == 401
        )
        forbidden = client.get(
            "/Organisation",
            headers={
                "Authorization": f"Bearer {ACCESS_TOKEN}",
                "xero-tenant-id": "00000000-0000-0000-0000-000000000000",
            },
        )
        assert forbidden.status_code == 403
        assert forbidden.json()["Detail"] == "AuthorizationUnsuccessful"


def test_connections_list_one_tenant_per_legal_entity(xero: RunningSandbox) -> None:
    response = httpx.get(
        xero.url + "/connections", headers={"Authorization": f"Bearer {ACCESS_TOKEN}"}
    )
    assert {c["tenantName"] for c in response.json()} == {
        "Atrium Advisory Inc.",
        "Atrium Advisory Ltd",
        "Atrium Advisory B.V.",
    }


def test_paging_and_where_filters(gb: httpx.Client) -> None:
    first = gb.get("/Contacts", params={"page": 1, "pageSize": 5}).json()
    assert first["pagination"]["pageSize"] == 5
    assert len(first["Contacts"]) == 5
    number = first["Contacts"][0]["ContactNumber"]
    where = gb.get("/Contacts", params={"where": f'ContactNumber=="{number}"'}).json()["Contacts"]
    assert [c["ContactNumber"] for c in where] == [number]
    dated = gb.get(
        "/Invoices", params={"where": "Date>=DateTime(2026,09,01) AND Date<=DateTime(2026,09,30)"}
    )
    assert dated.json()["Invoices"]
    assert all(i["Date"].startswith("/Date(") for i in dated.json()["Invoices"])
    assert gb.get("/Invoices", params={"where": "Date ~ nonsense"}).status_code == 400


def test_invoice_workflow_draft_authorised_voided_and_no_way_back(gb: httpx.Client) -> None:
    created = gb.put("/Invoices", json=invoice(first_contact(gb)["ContactID"])).json()["Invoices"][
        0
    ]
    assert (created["Status"], created["SubTotal"], created["TotalTax"]) == ("DRAFT", 201.0, 40.2)
    path = f"/Invoices/{created['InvoiceID']}"

    def status(value: str) -> dict[str, Any]:
        return {"Invoices": [{"InvoiceID": created["InvoiceID"], "Status": value}]}

    assert gb.post(path, json=status("AUTHORISED")).json()["Invoices"][0]["Status"] == "AUTHORISED"
    assert gb.post(path, json=status("VOIDED")).json()["Invoices"][0]["Status"] == "VOIDED"
    refused = gb.post(path, json=status("AUTHORISED"))
    assert refused.status_code == 400
    assert refused.json()["Type"] == "ValidationException"
    assert refused.json()["Elements"][0]["ValidationErrors"]


def test_unbalanced_or_locked_manual_journals_are_refused(gb: httpx.Client) -> None:
    lines = [{"LineAmount": 100, "AccountCode": "477"}, {"LineAmount": -90, "AccountCode": "478"}]
    body = {
        "ManualJournals": [
            {"Narration": "x", "Date": "2026-10-01", "Status": "POSTED", "JournalLines": lines}
        ]
    }
    refused = gb.put("/ManualJournals", json=body)
    assert refused.status_code == 400
    assert "total debits" in refused.text
    lines[1]["LineAmount"] = -100
    body["ManualJournals"][0]["Date"] = "2026-08-01"
    assert "lock date" in gb.put("/ManualJournals", json=body).text


def test_idempotency_key_replays_and_refuses_another_payload(gb: httpx.Client) -> None:
    contact_id = first_contact(gb)["ContactID"]
    key = {"Idempotency-Key": "abc-123"}
    first = gb.put("/Invoices", json=invoice(contact_id), headers=key)
    second = gb.put("/Invoices", json=invoice(contact_id), headers=key)
    assert first.json()["Invoices"][0]["InvoiceID"] == second.json()["Invoices"][0]["InvoiceID"]
    other = gb.put("/Invoices", json=invoice(contact_id, Reference="other"), headers=key)
    assert other.status_code == 400


def test_sixty_calls_a_minute_per_tenant_then_429(gb: httpx.Client, xero: RunningSandbox) -> None:
    statuses = [gb.get("/Organisation") for _ in range(61)]
    assert statuses[0].headers["X-MinLimit-Remaining"] == "59"
    last = statuses[-1]
    assert last.status_code == 429
    assert last.headers["X-Rate-Limit-Problem"] == "minute"
    assert int(last.headers["Retry-After"]) >= 1
    assert xero.stats()["rate_limited"] == 1


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "xero.db"
    app = create_app(path, seed=True)
    app.state.store.insert("contacts", {"ContactID": "x", "_tenant": "t"}, id="x")
    app.state.store.close()
    again = create_app(path, seed=True)
    assert again.state.store.get("contacts", "x") is not None
    again.state.store.close()
