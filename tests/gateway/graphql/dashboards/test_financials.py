"""Project books on hand-made records: what counts as billed, WIP and cost, and conversions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from contracts import erp
from contracts.common import Money
from gateway.graphql.dashboards.financials import ProjectFinancials, project_books
from gateway.graphql.dashboards.fx import FxRates
from tests.gateway.graphql.dashboards.records import entry, invoice, project, provenance

AS_OF = date(2026, 10, 31)
FX = FxRates(rates={"EUR": Decimal(1), "GBP": Decimal("0.8"), "USD": Decimal("1.25")})


def test_billed_is_issued_invoices_and_wip_is_approved_unbilled_billable_time() -> None:
    entries = [
        entry(id="1", hours=Decimal(10), billed=True),
        entry(id="2", hours=Decimal(5), spent_date=date(2026, 10, 1)),  # WIP, 30 days old
        entry(id="3", hours=Decimal(3), approval_state="pending"),
        entry(id="4", hours=Decimal(2), billable=False),
        entry(id="5", hours=Decimal(7), spent_date=date(2026, 11, 2)),  # after asOf
        # A UK worker's cost rate, in pounds: converted to the project's euros.
        entry(id="6", hours=Decimal(1), cost_rate=Money(amount=Decimal(40), currency="GBP")),
    ]
    invoices = [
        invoice(id="in_1", finalized_at=datetime(2026, 10, 1, tzinfo=UTC)),
        invoice(id="in_2", status="void"),
        invoice(id="in_3", status="draft"),
        invoice(
            id="in_4",
            status="paid",
            subtotal=Money(amount=Decimal(100), currency="USD"),
            provenance=provenance(),
        ),
    ]

    books = project_books(project(), entries, invoices, as_of=AS_OF, fx=FX)

    assert books.actual_hours == Decimal(21)
    assert (books.billed_hours, books.unapproved_billable_hours) == (Decimal(10), Decimal(3))
    assert books.billed == Decimal(1000) + Decimal("80.00")  # 100 USD at 0.8 EUR per USD
    assert books.invoices == 2
    assert (books.wip_hours, books.wip) == (Decimal(6), Decimal(600))
    assert books.wip_oldest == date(2026, 9, 8)
    assert books.labour_cost == Decimal(60) * 20 + Decimal(50)  # 40 GBP at 1.25 EUR per GBP


def test_unknown_rates_make_cost_and_margin_unknown_not_zero() -> None:
    books = project_books(project(), [entry(cost_rate=None)], [], as_of=AS_OF, fx=FX)
    entity = erp.LegalEntity.model_validate(
        {
            "code": "GB01",
            "name": "UK",
            "base_currency": "GBP",
            "financial_year_end_month": 12,
            "financial_year_end_day": 31,
            "provenance": provenance(),
        }
    )

    view = ProjectFinancials.of(project(), books, entity, AS_OF, FX)

    assert books.labour_cost is None
    assert view.labour_cost() is None
    assert view.margin() is None
    assert view.margin_ratio() is None
    assert view.wip is not None
    assert view.fx_rate == Decimal("0.800000")
    assert view.wip_in_entity_currency is not None
    assert (view.wip_in_entity_currency.amount, view.wip_in_entity_currency.currency) == (
        Decimal("640.00"),
        "GBP",
    )
