"""Time-to-cash end to end on the sandboxes: one invoice per project and month, posted open.

Each test bills a project of its own (October is open and unbilled in the demo firm;
August is closed in the ERP, and its late-approved time is what the closed-period tests
bill).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from gateway.database import create_engine
from process_apis._runtime.events import events_table
from process_apis._runtime.exceptions import exceptions_table
from tests.fixtures.flows_time_to_cash import FLOW, run_id
from tests.process_apis.time_to_cash.conftest import Gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _rows(gw: Gateway, table: Any, run: str) -> list[Any]:
    engine = create_engine(gw.settings)
    try:
        async with engine.connect() as connection:
            return list(await connection.execute(select(table).where(table.c.run_id == run)))
    finally:
        await engine.dispose()


def _hours(entries: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(str(e["hours"])) for e in entries), Decimal(0))


async def test_bills_a_month_once_posts_it_tracked_and_marks_the_time(gw: Gateway) -> None:
    expected = gw.books.billable_unbilled("PRJ-0034", "2026-10")
    assert expected, "the demo firm has approved October time on PRJ-0034"

    run = await gw.started("PRJ-0034", "2026-10")
    view = await gw.wait(run, "succeeded", "failed", "parked")

    assert view["status"] == "succeeded", view
    out = view["output"]
    assert (out["outcome"], out["accounting_period"]) == ("invoiced", "2026-10")
    assert out["entries_billed"] == len(expected)
    assert Decimal(out["hours"]) == _hours(expected)
    assert view["business_keys"] == {
        "project_code": "PRJ-0034",
        "billing_period": "2026-10",
        "invoice_number": out["invoice_number"],
    }
    assert view["input"] == {
        "project_code": "PRJ-0034",
        "billing_period": "2026-10",
        "allow_next_open_period": False,
    }
    found = await gw.http.get(
        f"{FLOW}/runs", params={"key": f"invoice_number:{out['invoice_number']}"}
    )
    assert [r["id"] for r in found.json()["items"]] == [run]
    (invoice,) = gw.books.billing_invoices("PRJ-0034", "2026-10")
    assert (invoice["status"], invoice["number"]) == ("open", out["invoice_number"])
    items = gw.books.invoice_items(invoice["id"])
    assert len(items) == out["lines"]
    assert sum(i["amount"] for i in items) == int(Decimal(out["total"]["amount"]) * 100)
    (document,) = gw.books.erp_invoices("PRJ-0034", "2026-10")
    assert (document["Status"], document["InvoiceNumber"]) == ("AUTHORISED", out["invoice_number"])
    assert document["Date"] == "2026-10-31"
    for line in document["LineItems"]:
        options = sorted(t["Option"].split(" - ")[0] for t in line["Tracking"])
        assert options == ["CC-NL01-DAT", "PRJ-0034"]
    billed = {str(e["id"]) for e in gw.books.time_entries("PRJ-0034", "2026-10") if e["is_billed"]}
    assert billed == {str(e["id"]) for e in expected}
    events = sorted(row.type for row in await _rows(gw, events_table, run))
    assert events == ["invoice.issued", "revenue.posted"]


async def test_a_second_trigger_and_a_replayed_key_join_the_one_run(gw: Gateway) -> None:
    first = await gw.start("PRJ-0044", "2026-10", key="bill-0044-a")
    second = await gw.start("PRJ-0044", "2026-10", key="bill-0044-b")
    replay = await gw.start("PRJ-0044", "2026-10", key="bill-0044-a")

    assert [r.status_code for r in (first, second, replay)] == [202, 202, 202]
    assert first.json()["created"] is True
    assert second.json()["created"] is False
    assert replay.headers.get("idempotent-replayed") == "true"
    assert first.json()["id"] == second.json()["id"] == replay.json()["id"]
    assert first.json()["id"] == run_id("PRJ-0044", "2026-10")
    view = await gw.wait(first.json()["id"], "succeeded", "failed", "parked")
    assert view["status"] == "succeeded", view
    late = await gw.start("PRJ-0044", "2026-10", key="bill-0044-c")
    assert (late.json()["id"], late.json()["created"]) == (first.json()["id"], False)
    again = await gw.wait(first.json()["id"], "succeeded", "failed", "parked")
    assert again["output"] == view["output"]
    (invoice,) = gw.books.billing_invoices("PRJ-0044", "2026-10")
    items = gw.books.period_items("PRJ-0044", "2026-10")
    assert [i["invoice"] for i in items] == [invoice["id"]] * view["output"]["lines"]
    assert len(gw.books.erp_invoices("PRJ-0044", "2026-10")) == 1


async def test_a_month_without_approved_time_has_nothing_to_bill(gw: Gateway) -> None:
    assert gw.books.billable_unbilled("PRJ-0004", "2026-10") == []

    run = await gw.started("PRJ-0004", "2026-10")
    view = await gw.wait(run, "succeeded", "failed", "parked")

    assert view["status"] == "succeeded", view
    assert view["output"]["outcome"] == "nothing to bill"
    assert gw.books.billing_invoices("PRJ-0004", "2026-10") == []
    assert gw.books.erp_invoices("PRJ-0004", "2026-10") == []


async def test_closed_period_parks_for_finance_and_posts_where_finance_says(gw: Gateway) -> None:
    assert gw.books.approve_all("PRJ-0047", "2026-08"), "late-approved August time to bill"

    run = await gw.started("PRJ-0047", "2026-08")
    parked = await gw.wait(run, "parked", "succeeded", "failed")

    assert parked["status"] == "parked", parked
    (exception,) = [e for e in await _rows(gw, exceptions_table, run) if e.status == "open"]
    assert (exception.error_type, exception.owner) == ("period-closed", "finance")
    assert exception.id == parked["exception_id"]
    assert gw.books.erp_invoices("PRJ-0047", "2026-08") == []
    await gw.decide(exception.id, "resume", data={"accounting_period": "2026-09"})
    view = await gw.wait(run, "succeeded", "failed")
    assert view["status"] == "succeeded", view
    assert view["output"]["accounting_period"] == "2026-09"
    assert [e.status for e in await _rows(gw, exceptions_table, run)] == ["resolved"]
    (document,) = gw.books.erp_invoices("PRJ-0047", "2026-08")
    assert (document["Status"], document["Date"]) == ("AUTHORISED", "2026-09-01")
    assert len(gw.books.billing_invoices("PRJ-0047", "2026-08")) == 1


async def test_closed_period_moves_to_the_next_open_one_when_allowed(gw: Gateway) -> None:
    assert gw.books.approve_all("PRJ-0031", "2026-08")

    run = await gw.started("PRJ-0031", "2026-08", allow_next_open_period=True)
    view = await gw.wait(run, "succeeded", "failed", "parked")

    assert view["status"] == "succeeded", view
    assert view["output"]["accounting_period"] == "2026-09"
    (document,) = gw.books.erp_invoices("PRJ-0031", "2026-08")
    assert document["Date"] == "2026-09-01"
    assert await _rows(gw, exceptions_table, run) == []


async def test_a_month_invoiced_elsewhere_is_never_invoiced_again(gw: Gateway) -> None:
    assert gw.books.approve_all("PRJ-0002", "2026-08")
    (seeded,) = gw.books.billing_invoices("PRJ-0002", "2026-08")

    run = await gw.started("PRJ-0002", "2026-08")
    parked = await gw.wait(run, "parked", "succeeded", "failed")

    assert parked["status"] == "parked", parked
    (exception,) = await _rows(gw, exceptions_table, run)
    assert exception.error_type == "already-invoiced"
    await gw.decide(exception.id, "cancel", reason="billed with September")
    view = await gw.wait(run, "succeeded", "failed")
    assert view["output"]["outcome"] == "cancelled"
    assert [e.status for e in await _rows(gw, exceptions_table, run)] == ["cancelled"]
    assert gw.books.billing_invoices("PRJ-0002", "2026-08") == [seeded]


def _archive_cost_centre(gw: Gateway, code: str) -> None:
    """Archive the cost centre in the ERP, as finance does when a centre closes."""
    xero = gw.sandboxes["erp"].store
    for category in xero.all("tracking"):
        options = [
            o | {"Status": "ARCHIVED"} if o["Name"].startswith(f"{code} - ") else o
            for o in category["Options"]
        ]
        if options != category["Options"]:
            changed = category | {"Options": options}
            xero.replace("tracking", category["TrackingCategoryID"], changed)


async def test_a_missing_cost_centre_parks_before_billing_until_finance_names_one(
    gw: Gateway,
) -> None:
    _archive_cost_centre(gw, "CC-GB01-CON")  # the project manager's

    run = await gw.started("PRJ-0052", "2026-10")
    parked = await gw.wait(run, "parked", "succeeded", "failed")

    assert parked["status"] == "parked", parked
    (exception,) = await _rows(gw, exceptions_table, run)
    assert (exception.error_type, exception.owner) == ("missing-cost-centre", "finance")
    assert gw.books.billing_invoices("PRJ-0052", "2026-10") == []
    await gw.decide(exception.id, "resume", data={"cost_centre": "CC-GB01-DAT"})
    view = await gw.wait(run, "succeeded", "failed")
    assert view["output"]["outcome"] == "invoiced", view
    (document,) = gw.books.erp_invoices("PRJ-0052", "2026-10")
    for line in document["LineItems"]:
        options = sorted(t["Option"].split(" - ")[0] for t in line["Tracking"])
        assert options == ["CC-GB01-DAT", "PRJ-0052"]


async def test_an_unknown_project_is_refused_before_any_run(gw: Gateway) -> None:
    response = await gw.start("PRJ-9999", "2026-10")

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/project_code"
    missing = await gw.http.get(f"{FLOW}/runs/{run_id('PRJ-9999', '2026-10')}")
    assert missing.status_code == 404
