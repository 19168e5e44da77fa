"""ERP v1 over real HTTP to the Xero sandbox: every route, filters, paging, rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.system_apis.erp.conftest import Erp

pytestmark = pytest.mark.asyncio(loop_scope="module")

GB = "/legal-entities/GB01"


async def all_pages(erp: Erp, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await erp.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def invoice_body(**changes: Any) -> dict[str, Any]:
    return {
        "customer_number": "C0019",
        "issue_date": "2026-10-01",
        "due_date": "2026-10-31",
        "reference": "PRJ-0029 2026-09",
        "lines": [
            {
                "description": "Build, September 2026",
                "quantity": "12.5",
                "unit_price": "170.00",
                "dimensions": {"cost_centre": "CC-GB01-CON", "project": "PRJ-0029"},
            }
        ],
        **changes,
    }


def journal_body(credit: str = "1200.00", day: str = "2026-10-15") -> dict[str, Any]:
    return {
        "date": day,
        "narration": "Accrue salaries",
        "lines": [
            {
                "account_code": "477",
                "side": "debit",
                "amount": "1200.00",
                "dimensions": {"cost_centre": "CC-GB01-CON"},
            },
            {"account_code": "478", "side": "credit", "amount": credit},
        ],
    }


async def test_lists_three_legal_entities_in_three_currencies(erp: Erp) -> None:
    response = await erp.get("/legal-entities")
    assert response.status_code == 200
    entities = {e["code"]: e["base_currency"] for e in response.json()["items"]}
    assert entities == {"GB01": "GBP", "NL01": "EUR", "US01": "USD"}
    one = await erp.get(GB)
    assert one.json()["lock_date"] == "2026-08-31"
    assert (await erp.get("/legal-entities/XX99")).status_code == 404


async def test_periods_follow_the_lock_date_and_filter_by_status(erp: Erp) -> None:
    periods = await all_pages(erp, f"{GB}/accounting-periods", limit=5)
    assert len(periods) == 12
    closed = [p["period"] for p in periods if p["status"] == "closed"]
    assert closed[-1] == "2026-08"
    assert "2026-09" not in closed
    only_open = await all_pages(erp, f"{GB}/accounting-periods", status="open")
    assert [p["period"] for p in only_open] == ["2026-09", "2026-10", "2026-11", "2026-12"]


async def test_customers_page_through_xero_pages(erp: Erp) -> None:
    customers = await all_pages(erp, f"{GB}/customers", limit=5)
    numbers = [c["customer_number"] for c in customers]
    assert len(numbers) == len(set(numbers)) > 5
    assert all(c["legal_entity"] == "GB01" and c["currency"] == "GBP" for c in customers)
    one = await erp.get(f"{GB}/customers/{numbers[0]}")
    assert one.json()["provenance"]["system"] == "xero"
    assert (await erp.get(f"{GB}/customers/C9999")).status_code == 404


async def test_customer_upsert_creates_then_updates_by_number(erp: Erp) -> None:
    created = await erp.put(
        f"{GB}/customers/C0900", json={"name": "Northwind Ltd", "currency": "GBP"}
    )
    assert created.status_code == 201, created.text
    updated = await erp.put(f"{GB}/customers/C0900", json={"name": "Northwind Trading Ltd"})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Northwind Trading Ltd"
    assert updated.json()["provenance"]["remote_id"] == created.json()["provenance"]["remote_id"]
    same = await erp.put(f"{GB}/customers/C0900", json={"name": "Northwind Trading Ltd"})
    assert same.status_code == 200


async def test_customer_name_clash_is_422_with_a_pointer_and_no_vendor_words(erp: Erp) -> None:
    taken = (await all_pages(erp, f"{GB}/customers"))[0]["name"]
    response = await erp.put(f"{GB}/customers/C0901", json={"name": taken})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "#/name"
    assert "unique across all active contacts" not in response.text


async def test_changed_since_filters_customers(erp: Erp) -> None:
    before = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    await erp.put(f"{GB}/customers/C0902", json={"name": "Recently Added plc"})
    future = await all_pages(erp, f"{GB}/customers", changed_since="2999-01-01T00:00:00Z")
    assert future == []
    since = await all_pages(erp, f"{GB}/customers", changed_since=before)
    assert "C0902" in [c["customer_number"] for c in since]
    everyone = await all_pages(erp, f"{GB}/customers", limit=200)
    assert len(since) < len(everyone)


async def test_dimensions_cost_centres_and_project_upsert(erp: Erp) -> None:
    categories = (await erp.get(f"{GB}/tracking-categories")).json()["items"]
    assert {c["role"] for c in categories} == {"cost_centre", "project"}
    centres = await all_pages(erp, f"{GB}/cost-centres", status="active")
    assert "CC-GB01-CON" in {c["code"] for c in centres}
    created = await erp.put(f"{GB}/project-dimensions/PRJ-0900", json={"name": "New Build"})
    assert created.status_code == 201
    again = await erp.put(f"{GB}/project-dimensions/PRJ-0900", json={"name": "New Build"})
    assert again.status_code == 200
    assert again.json() == created.json()
    got = await erp.get(f"{GB}/project-dimensions/PRJ-0900")
    assert got.json()["name"] == "New Build"
    assert (await erp.get(f"{GB}/project-dimensions/PRJ-9999")).status_code == 404


async def test_renaming_a_project_dimension_is_refused_naming_the_psa(erp: Erp) -> None:
    await erp.put(f"{GB}/project-dimensions/PRJ-0901", json={"name": "Original"})
    response = await erp.put(f"{GB}/project-dimensions/PRJ-0901", json={"name": "Renamed"})
    assert response.status_code == 409
    assert response.json()["type"].endswith("/not-system-of-record")
    assert "psa" in response.json()["detail"]


async def test_invoice_lifecycle_draft_authorise_void(erp: Erp) -> None:
    created = await erp.post(f"{GB}/invoices", json=invoice_body())
    assert created.status_code == 201, created.text
    invoice = created.json()
    assert invoice["status"] == "draft"
    assert invoice["lines"][0]["dimensions"] == {
        "cost_centre": "CC-GB01-CON",
        "project": "PRJ-0029",
    }
    assert invoice["total"] == {"amount": "2550.00", "currency": "GBP"}
    authorised = await erp.post(f"{GB}/invoices/{invoice['id']}/authorise")
    assert authorised.json()["status"] == "authorised"
    voided = await erp.post(f"{GB}/invoices/{invoice['id']}/void")
    assert voided.json()["status"] == "voided"
    again = await erp.post(f"{GB}/invoices/{invoice['id']}/void")
    assert again.json()["status"] == "voided"


async def test_invoice_with_unknown_dimension_is_422_before_xero(erp: Erp) -> None:
    body = invoice_body()
    body["lines"][0]["dimensions"]["project"] = "PRJ-0000"
    response = await erp.post(f"{GB}/invoices", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/lines/0/dimensions/project"


async def test_authorising_an_invoice_dated_in_a_closed_period_is_409(erp: Erp) -> None:
    draft = await erp.post(f"{GB}/invoices", json=invoice_body(issue_date="2026-08-15"))
    assert draft.status_code == 201
    response = await erp.post(f"{GB}/invoices/{draft.json()['id']}/authorise")
    assert response.status_code == 409
    assert response.json()["type"].endswith("/period-closed")


async def test_paid_invoice_cannot_be_voided(erp: Erp) -> None:
    paid = await all_pages(erp, f"{GB}/invoices", status="paid", limit=200)
    response = await erp.post(f"{GB}/invoices/{paid[0]['id']}/void")
    assert response.status_code == 409


async def test_invoice_filters_by_status_period_and_customer(erp: Erp) -> None:
    everything = await all_pages(erp, f"{GB}/invoices", limit=7)
    assert len(everything) == len({i["id"] for i in everything}) > 7
    authorised = await all_pages(erp, f"{GB}/invoices", status="authorised", limit=200)
    assert authorised
    assert all(i["status"] == "authorised" for i in authorised)
    august = await all_pages(erp, f"{GB}/invoices", period="2026-09")
    assert august
    assert all(i["issue_date"].startswith("2026-09") for i in august)
    customer = everything[0]["customer_number"]
    theirs = await all_pages(erp, f"{GB}/invoices", customer_number=customer)
    assert theirs
    assert {i["customer_number"] for i in theirs} == {customer}
    one = await erp.get(f"{GB}/invoices/{everything[0]['id']}")
    assert one.json() == everything[0]
    missing = await erp.get(f"{GB}/invoices/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


async def test_balanced_journal_posts_and_reads_back(erp: Erp) -> None:
    posted = await erp.post(f"{GB}/journal-entries", json=journal_body())
    assert posted.status_code == 201, posted.text
    journal = posted.json()
    assert journal["status"] == "posted"
    assert [(line["side"], line["amount"]["amount"]) for line in journal["lines"]] == [
        ("debit", "1200.00"),
        ("credit", "1200.00"),
    ]
    listed = await all_pages(erp, f"{GB}/journal-entries", period="2026-10")
    assert [j["id"] for j in listed] == [journal["id"]]
    assert (await erp.get(f"{GB}/journal-entries/{journal['id']}")).json() == journal


async def test_unbalanced_journal_is_422_and_never_reaches_xero(erp: Erp) -> None:
    erp.xero.reset_stats()
    response = await erp.post(f"{GB}/journal-entries", json=journal_body(credit="1100.00"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/lines"
    assert erp.xero.stats()["requests"] == 0


async def test_journal_in_a_closed_period_is_409(erp: Erp) -> None:
    response = await erp.post(f"{GB}/journal-entries", json=journal_body(day="2026-08-31"))
    assert response.status_code == 409
    assert response.json()["type"].endswith("/period-closed")


async def test_unknown_account_from_xero_becomes_422_with_pointer(erp: Erp) -> None:
    body = journal_body()
    body["lines"][1]["account_code"] = "999"
    response = await erp.post(f"{GB}/journal-entries", json=body)
    assert response.status_code == 422
    assert (
        response.json()["errors"]
        == [{"detail": "an account code is not in the chart of accounts", "pointer": "#/lines"}]
        or response.json()["errors"][0]["pointer"] == "#/lines"
    )


async def test_idempotency_key_replay_creates_one_invoice(erp: Erp) -> None:
    headers = {"Idempotency-Key": "create-once-1"}
    body = invoice_body(reference="idempotent replay")
    first = await erp.post(f"{GB}/invoices", json=body, headers=headers)
    second = await erp.post(f"{GB}/invoices", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    drafts = [
        d
        for d in erp.xero.store.all("invoices")
        if d["Status"] == "DRAFT" and d.get("Reference") == "PRJ-0029 2026-09"
    ]
    assert len(drafts) == 1


async def test_partner_sees_only_its_own_customer_and_invoices(erp: Erp) -> None:
    everything = await all_pages(erp, f"{GB}/invoices", limit=200)
    mine = next(i for i in everything if i["customer_number"] == "C0029")
    foreign = next(i for i in everything if i["customer_number"] != "C0029")
    partner = await erp.as_client(["erp.invoices:read", "erp.customers:read"], partner_id="C0029")
    headers = {"Authorization": f"Bearer {partner}"}
    listed = await erp.get(f"{GB}/invoices", params={"limit": 200}, headers=headers)
    assert listed.status_code == 200
    assert {i["customer_number"] for i in listed.json()["items"]} == {"C0029"}
    assert (await erp.get(f"{GB}/invoices/{mine['id']}", headers=headers)).status_code == 200
    assert (await erp.get(f"{GB}/invoices/{foreign['id']}", headers=headers)).status_code == 404
    assert (await erp.get(f"{GB}/customers/C0019", headers=headers)).status_code == 404
    customers = await erp.get(f"{GB}/customers", headers=headers)
    assert [c["customer_number"] for c in customers.json()["items"]] == ["C0029"]


async def test_a_token_without_the_scope_is_refused(erp: Erp) -> None:
    reader = await erp.as_client(["erp.entities:read"])
    response = await erp.post(
        f"{GB}/journal-entries", json=journal_body(), headers={"Authorization": f"Bearer {reader}"}
    )
    assert response.status_code == 403
