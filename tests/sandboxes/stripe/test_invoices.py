"""The Stripe sandbox's invoice items and invoices: draft → open → paid/void, and its rules."""

from __future__ import annotations

from typing import Any

import httpx


async def a_customer(stripe: httpx.AsyncClient, **data: str) -> dict[str, Any]:
    response = await stripe.post("/v1/customers", data={"name": "Acme", **data})
    return dict(response.json())


async def add_item(
    stripe: httpx.AsyncClient, customer: str, amount: int, **data: str
) -> httpx.Response:
    form = {"customer": customer, "amount": str(amount), "currency": "gbp", **data}
    return await stripe.post("/v1/invoiceitems", data=form)


async def draft(stripe: httpx.AsyncClient, customer: str, **data: str) -> dict[str, Any]:
    form = {
        "customer": customer,
        "collection_method": "send_invoice",
        "days_until_due": "30",
        **data,
    }
    response = await stripe.post("/v1/invoices", data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_invoice_lives_draft_open_void(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    await add_item(stripe, customer["id"], 1000)
    await add_item(stripe, customer["id"], 2500)
    invoice = await draft(stripe, customer["id"], pending_invoice_items_behavior="include")
    assert invoice["status"] == "draft"
    assert invoice["number"] is None
    assert invoice["total"] == invoice["amount_due"] == 3500
    assert invoice["currency"] == "gbp"
    opened = (await stripe.post(f"/v1/invoices/{invoice['id']}/finalize")).json()
    assert opened["status"] == "open"
    assert opened["number"] == f"{customer['invoice_prefix']}-0001"
    assert opened["status_transitions"]["finalized_at"] is not None
    voided = (await stripe.post(f"/v1/invoices/{invoice['id']}/void")).json()
    assert voided["status"] == "void"
    assert voided["amount_remaining"] == 0


async def test_paying_out_of_band_marks_paid(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    await add_item(stripe, customer["id"], 700)
    invoice = await draft(stripe, customer["id"], pending_invoice_items_behavior="include")
    await stripe.post(f"/v1/invoices/{invoice['id']}/finalize")
    refused = await stripe.post(f"/v1/invoices/{invoice['id']}/pay")
    assert refused.status_code == 400
    paid = (
        await stripe.post(f"/v1/invoices/{invoice['id']}/pay", data={"paid_out_of_band": "true"})
    ).json()
    assert paid["status"] == "paid"
    assert paid["paid"] is True
    assert paid["amount_paid"] == 700


async def test_state_rules_answer_invoice_not_editable(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    await add_item(stripe, customer["id"], 100)
    invoice = await draft(stripe, customer["id"], pending_invoice_items_behavior="include")
    void_draft = await stripe.post(f"/v1/invoices/{invoice['id']}/void")
    assert void_draft.status_code == 400
    assert void_draft.json()["error"]["code"] == "invoice_not_editable"
    await stripe.post(f"/v1/invoices/{invoice['id']}/finalize")
    again = await stripe.post(f"/v1/invoices/{invoice['id']}/finalize")
    assert again.json()["error"]["code"] == "invoice_not_editable"
    late_item = await add_item(stripe, customer["id"], 100, invoice=invoice["id"])
    assert late_item.json()["error"]["code"] == "invoice_not_editable"


async def test_an_invoice_owing_nothing_is_paid_on_finalize(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    invoice = await draft(stripe, customer["id"])
    finalized = (await stripe.post(f"/v1/invoices/{invoice['id']}/finalize")).json()
    assert finalized["status"] == "paid"
    assert finalized["total"] == 0


async def test_pending_items_are_excluded_unless_asked(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    item = (await add_item(stripe, customer["id"], 900)).json()
    excluded = await draft(stripe, customer["id"], pending_invoice_items_behavior="exclude")
    assert excluded["lines"]["data"] == []
    attached = await add_item(stripe, customer["id"], 100, invoice=excluded["id"])
    assert attached.json()["invoice"] == excluded["id"]
    pending = (
        await stripe.get("/v1/invoiceitems", params={"customer": customer["id"], "pending": "true"})
    ).json()
    assert [i["id"] for i in pending["data"]] == [item["id"]]


async def test_a_customer_keeps_one_currency(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    assert (await add_item(stripe, customer["id"], 100)).status_code == 200
    usd = await stripe.post(
        "/v1/invoiceitems", data={"customer": customer["id"], "amount": "1", "currency": "usd"}
    )
    assert usd.status_code == 400
    assert usd.json()["error"]["param"] == "currency"
    assert (await stripe.get(f"/v1/customers/{customer['id']}")).json()["currency"] == "gbp"


async def test_item_for_unknown_customer_is_400_resource_missing(stripe: httpx.AsyncClient) -> None:
    response = await add_item(stripe, "cus_missing", 100)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "customer"


async def test_send_invoice_needs_terms(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    response = await stripe.post(
        "/v1/invoices", data={"customer": customer["id"], "collection_method": "send_invoice"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "days_until_due"


async def test_long_invoices_embed_ten_lines_and_page_the_rest(stripe: httpx.AsyncClient) -> None:
    listed = (await stripe.get("/v1/invoices", params={"limit": 100})).json()["data"]
    long = next(i for i in listed if i["lines"]["has_more"])
    assert len(long["lines"]["data"]) == 10
    rest = await stripe.get(
        f"/v1/invoices/{long['id']}/lines",
        params={"starting_after": long["lines"]["data"][-1]["id"], "limit": 100},
    )
    ids = [line["id"] for line in long["lines"]["data"] + rest.json()["data"]]
    items = await stripe.get("/v1/invoiceitems", params={"invoice": long["id"], "limit": 100})
    assert len(ids) == len(set(ids)) == len(items.json()["data"])


async def test_lists_invoices_by_status_and_customer(stripe: httpx.AsyncClient) -> None:
    paid = (await stripe.get("/v1/invoices", params={"status": "paid", "limit": 100})).json()[
        "data"
    ]
    assert paid
    assert {i["status"] for i in paid} == {"paid"}
    customer = paid[0]["customer"]
    theirs = (await stripe.get("/v1/invoices", params={"customer": customer, "limit": 100})).json()[
        "data"
    ]
    assert theirs
    assert {i["customer"] for i in theirs} == {customer}
    bad = await stripe.get("/v1/invoices", params={"status": "authorised"})
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "status"


async def test_amounts_are_capped_at_eight_digits(stripe: httpx.AsyncClient) -> None:
    customer = await a_customer(stripe)
    response = await add_item(stripe, customer["id"], 100_000_000)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "amount"
