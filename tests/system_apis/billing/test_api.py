"""/system/billing/v1 over real HTTP: a gateway in front of the Stripe sandbox on loopback."""

from __future__ import annotations

from typing import Any

import httpx

from tests.system_apis.billing.conftest import ALL_SCOPES, Billing

ITEM = {
    "customer_number": "C0003",
    "amount": {"amount": "1234.50", "currency": "USD"},
    "description": "Build, October 2026, 10.5 h",
    "quantity": "10.5",
    "unit_price": {"amount": "117.57", "currency": "USD"},
    "period": {"start": "2026-10-01", "end": "2026-10-31"},
    "project_code": "PRJ-0007",
}


async def every_page(
    billing: Billing, path: str, *, partner: str | None = None, **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        page = (await billing.get(path, params=query, partner=partner)).json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if cursor is None:
            return items


async def test_lists_every_customer_across_pages(billing: Billing) -> None:
    customers = await every_page(billing, "/customers", limit=15)
    numbers = [c["customer_number"] for c in customers]
    assert len(numbers) == len(set(numbers)) == billing.stripe.store.count("customers")
    assert customers[0]["provenance"]["system"] == "stripe"


async def test_gets_a_customer_by_number_with_money_in_its_currency(billing: Billing) -> None:
    customer = (await billing.get("/customers/C0003")).json()
    assert customer["customer_number"] == "C0003"
    assert customer["balance"] == {"amount": "0.00", "currency": customer["currency"]}
    missing = await billing.get("/customers/C9999")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_balance_needs_its_scope(billing: Billing) -> None:
    scopes = [s for s in ALL_SCOPES if s != "billing.balances:read"]
    customer = (await billing.get("/customers/C0003", scopes=scopes)).json()
    assert customer["balance"] is None
    assert customer["name"]


async def test_upsert_creates_then_updates_billing_owned_terms(billing: Billing) -> None:
    body = {"name": "Northwind GmbH", "email": "ap@northwind.example", "legal_entity": "NL01"}
    created = await billing.call("PUT", "/customers/C0777", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["customer_number"] == "C0777"
    updated = await billing.call("PUT", "/customers/C0777", json=body | {"payment_terms_days": 14})
    assert updated.status_code == 200
    assert updated.json()["payment_terms_days"] == 14
    assert (await billing.get("/customers/C0777")).json()["payment_terms_days"] == 14


async def test_upsert_refuses_erp_owned_changes_naming_the_owner(billing: Billing) -> None:
    current = (await billing.get("/customers/C0003")).json()
    body = {
        "name": "Renamed Ltd",
        "email": current["email"],
        "legal_entity": current["legal_entity"],
    }
    refused = await billing.call("PUT", "/customers/C0003", json=body)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/not-system-of-record")
    assert problem["owners"] == {"name": "erp"}
    assert (await billing.get("/customers/C0003")).json()["name"] == current["name"]


async def test_upsert_replay_with_the_same_key_creates_one_customer(billing: Billing) -> None:
    body = {"name": "Replay AG"}
    key = {"Idempotency-Key": "upsert-replay-1"}
    first = await billing.call("PUT", "/customers/C0888", json=body, headers=key)
    second = await billing.call("PUT", "/customers/C0888", json=body, headers=key)
    assert first.status_code == 201
    assert second.json()["provenance"]["remote_id"] == first.json()["provenance"]["remote_id"]
    matching = [
        c
        for c in billing.stripe.store.all("customers")
        if c["metadata"].get("customer_number") == "C0888"
    ]
    assert len(matching) == 1


async def test_invoice_item_then_draft_then_finalize_then_void(billing: Billing) -> None:
    item = await billing.call("POST", "/invoice-items", json=ITEM)
    assert item.status_code == 201, item.text
    assert item.json()["amount"] == ITEM["amount"]
    assert item.json()["quantity"] == "10.5"
    pending = (
        await billing.get("/invoice-items", params={"customer_number": "C0003", "pending": True})
    ).json()
    assert [i["id"] for i in pending["items"]] == [item.json()["id"]]
    draft = await billing.call(
        "POST",
        "/invoices",
        json={"customer_number": "C0003", "project_code": "PRJ-0007", "billing_period": "2026-10"},
    )
    assert draft.status_code == 201, draft.text
    invoice = draft.json()
    assert invoice["status"] == "draft"
    assert invoice["total"] == {"amount": "1234.50", "currency": "USD"}
    assert invoice["billing_period"] == "2026-10"
    assert invoice["due_date"] is not None
    on_invoice = (await billing.get("/invoice-items", params={"invoice_id": invoice["id"]})).json()
    assert [i["id"] for i in on_invoice["items"]] == [item.json()["id"]]
    finalized = (await billing.call("POST", f"/invoices/{invoice['id']}/finalize")).json()
    assert finalized["status"] == "open"
    assert finalized["invoice_number"]
    status = (await billing.get(f"/invoices/{invoice['id']}/status")).json()
    assert status["status"] == "open"
    assert status["amount_remaining"] == {"amount": "1234.50", "currency": "USD"}
    voided = (await billing.call("POST", f"/invoices/{invoice['id']}/void")).json()
    assert voided["status"] == "void"


async def test_state_conflicts_are_409(billing: Billing) -> None:
    draft = (await billing.call("POST", "/invoices", json={"customer_number": "C0003"})).json()
    void_draft = await billing.call("POST", f"/invoices/{draft['id']}/void")
    assert void_draft.status_code == 409
    await billing.call("POST", f"/invoices/{draft['id']}/finalize")
    again = await billing.call("POST", f"/invoices/{draft['id']}/finalize")
    assert again.status_code == 409
    assert "Stripe" not in again.text
    assert "finalized" not in again.text  # the vendor's wording stays inside


async def test_lists_invoices_by_status_and_customer_across_pages(billing: Billing) -> None:
    paid = await every_page(billing, "/invoices", status="paid", limit=7)
    assert paid
    assert {i["status"] for i in paid} == {"paid"}
    stored = [i for i in billing.stripe.store.all("invoices") if i["status"] == "paid"]
    assert len(paid) == len(stored)
    number = paid[0]["customer_number"]
    theirs = await every_page(billing, "/invoices", customer_number=number)
    assert theirs
    assert {i["customer_number"] for i in theirs} == {number}
    nobody = (await billing.get("/invoices", params={"customer_number": "C9999"})).json()
    assert nobody == {"items": [], "next_cursor": None}


async def test_large_pages_follow_stripe_paging(billing: Billing) -> None:
    page = (await billing.get("/invoice-items", params={"limit": 150})).json()
    assert len(page["items"]) == 150
    assert page["next_cursor"]


async def test_an_invoice_has_all_its_lines(billing: Billing) -> None:
    long = next(
        i
        for i in billing.stripe.store.all("invoices")
        if len(billing.stripe.store.find("invoiceitems", invoice=i["id"])) > 10
    )
    invoice = (await billing.get(f"/invoices/{long['id']}")).json()
    assert len(invoice["lines"]) == len(
        billing.stripe.store.find("invoiceitems", invoice=long["id"])
    )
    assert invoice["lines_complete"] is True


async def test_vendor_404_stays_404(billing: Billing) -> None:
    response = await billing.get("/invoices/in_doesnotexist")
    assert response.status_code == 404
    assert response.json()["type"].endswith("/not-found")


async def test_vendor_validation_becomes_422_with_our_pointer(billing: Billing) -> None:
    wrong_currency = ITEM | {"amount": {"amount": "10.00", "currency": "EUR"}, "unit_price": None}
    response = await billing.call("POST", "/invoice-items", json=wrong_currency)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"detail": "refused by the billing system", "pointer": "#/amount/currency"}
    ]
    unknown = await billing.call("POST", "/invoice-items", json=ITEM | {"customer_number": "C9999"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/customer_number"
    sub_cent = await billing.call(
        "POST", "/invoice-items", json=ITEM | {"amount": {"amount": "1.005", "currency": "USD"}}
    )
    assert sub_cent.status_code == 422
    assert sub_cent.json()["errors"][0]["pointer"] == "#/amount/amount"


async def test_forged_or_foreign_cursor_is_422(billing: Billing) -> None:
    response = await billing.get("/invoices", params={"cursor": "not-ours"})
    assert response.status_code == 422
    paid = (await billing.get("/invoices", params={"status": "paid", "limit": 2})).json()
    other = await billing.get("/invoices", params={"status": "open", "cursor": paid["next_cursor"]})
    assert other.status_code == 422
    assert other.json()["type"].endswith("/invalid-cursor")


async def test_partner_sees_only_its_own_records(billing: Billing) -> None:
    own = await every_page(billing, "/customers", partner="C0003")
    assert [c["customer_number"] for c in own] == ["C0003"]
    assert (await billing.get("/customers/C0005", partner="C0003")).status_code == 404
    invoices = await every_page(billing, "/invoices", partner="C0003")
    assert invoices
    assert {i["customer_number"] for i in invoices} == {"C0003"}
    foreign = next(
        i
        for i in billing.stripe.store.all("invoices")
        if i["metadata"]["customer_number"] != "C0003"
    )
    assert (await billing.get(f"/invoices/{foreign['id']}", partner="C0003")).status_code == 404
    finalize = await billing.call("POST", f"/invoices/{foreign['id']}/void", partner="C0003")
    assert finalize.status_code == 404
    assert (
        await billing.get("/invoices", params={"customer_number": "C0005"}, partner="C0003")
    ).json()["items"] == []
    other = await billing.call(
        "POST", "/invoice-items", json=ITEM | {"customer_number": "C0005"}, partner="C0003"
    )
    assert other.status_code == 404


async def test_records_made_outside_atrium_get_their_customer_number(billing: Billing) -> None:
    customer = billing.stripe.store.find("customers")[2]
    key = {"Authorization": "Bearer sk_test_atrium_demo_51NzQdLkT3stK3y"}
    async with httpx.AsyncClient(base_url=billing.stripe.url, headers=key) as stripe:
        answer = await stripe.post(
            "/v1/invoiceitems",
            data={"customer": customer["id"], "amount": "500", "currency": customer["currency"]},
        )
    made = answer.json()
    number = customer["metadata"]["customer_number"]
    pending = (
        await billing.get("/invoice-items", params={"customer_number": number, "pending": True})
    ).json()
    assert [(i["id"], i["customer_number"]) for i in pending["items"]] == [(made["id"], number)]


async def test_unknown_customers_have_no_items_and_get_no_invoice(billing: Billing) -> None:
    items = (await billing.get("/invoice-items", params={"customer_number": "C9999"})).json()
    assert items == {"items": [], "next_cursor": None}
    refused = await billing.call("POST", "/invoices", json={"customer_number": "C9999"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/customer_number"


async def test_an_amount_stripe_cannot_hold_is_422_at_the_amount(billing: Billing) -> None:
    huge = ITEM | {"amount": {"amount": "1000000.00", "currency": "USD"}, "unit_price": None}
    response = await billing.call("POST", "/invoice-items", json=huge)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/amount/amount"
