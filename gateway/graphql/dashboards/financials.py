"""Project financials: budget against actual hours, billed against unbilled value, cost, margin.

For one project, from the PSA's time entries (all of them, to `asOf`), billing's invoices
and the ERP's legal entities:

    actualHours     every hour booked;  budgetUsed = actual ÷ budget hours
    billed          subtotals (before tax) of the project's issued invoices in billing
                    (open, paid or uncollectible; drafts and voids are not billed)
    wip             approved, billable, unbilled hours · each entry's bill rate: work in
                    progress; its age is `asOf` - the oldest such entry's day
                    (`wipAverageAgeDays` weighs each entry's age by its hours)
    labourCost      every hour · its cost rate (needs psa.rates:read; null if any hour lacks
                    a rate, as for a caller without the scope)
    margin          billed + wip - labourCost (needs psa.rates:read and psa.margins:read);
                    marginRatio = margin ÷ (billed + wip)

Money is in the project's currency; amounts in another currency (an invoice, a cost rate)
are converted first. Each value is also given in the legal entity's currency, converted with
`policies/fx_rates.yaml` (`fxSource` names the table; null when a currency is missing from
it). All sums are Decimal, rounded half-up to the cent once, at the end.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import strawberry
from strawberry import relay

from contracts import billing, common, erp, psa
from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.dashboards import data
from gateway.graphql.dashboards.fx import CENT, FxRates
from gateway.graphql.dashboards.utilization import HOURS, ZERO, ratio
from gateway.graphql.scopes import guarded, require
from gateway.graphql.types.common import Money
from gateway.graphql.types.projects import MARGIN_SCOPES

BILLED_STATUSES = frozenset(
    {billing.InvoiceStatus.OPEN, billing.InvoiceStatus.PAID, billing.InvoiceStatus.UNCOLLECTIBLE}
)
DAYS = Decimal("0.1")
READS = (
    scopes.psa("listProjects"),
    scopes.psa("listTimeEntries"),
    scopes.billing("listInvoices"),
    scopes.erp("listLegalEntities"),
)
"""The operations every financials field stands for."""


def today() -> date:
    """The default `asOf`: today in UTC."""
    return datetime.now(UTC).date()


@dataclass
class Books:
    """A project's numbers in its own currency (None: cannot be known)."""

    currency: str | None
    actual_hours: Decimal = ZERO
    billable_hours: Decimal = ZERO
    billed_hours: Decimal = ZERO
    unapproved_billable_hours: Decimal = ZERO
    billed: Decimal | None = ZERO
    invoices: int = 0
    wip_hours: Decimal = ZERO
    wip: Decimal | None = ZERO
    wip_oldest: date | None = None
    wip_age_hours: Decimal = ZERO  # Σ hours · age in days, for the weighted mean
    labour_cost: Decimal | None = ZERO


def _plus(total: Decimal | None, amount: Decimal | None) -> Decimal | None:
    return None if total is None or amount is None else total + amount


def _in(money: common.Money | None, currency: str | None, fx: FxRates) -> Decimal | None:
    """`money`'s amount in `currency` (unrounded when no conversion is needed)."""
    if money is None or currency is None:
        return None
    if money.currency == currency:
        return money.amount
    return fx.convert(money.amount, money.currency, currency)


def _add_entry(books: Books, entry: psa.TimeEntry, as_of: date, fx: FxRates) -> None:
    books.actual_hours += entry.hours
    cost = _in(entry.cost_rate, books.currency, fx)
    books.labour_cost = _plus(books.labour_cost, None if cost is None else cost * entry.hours)
    if not entry.billable:
        return
    books.billable_hours += entry.hours
    if entry.billed:
        books.billed_hours += entry.hours
    elif entry.approval_state != "approved":
        books.unapproved_billable_hours += entry.hours
    else:
        books.wip_hours += entry.hours
        rate = _in(entry.bill_rate, books.currency, fx)
        books.wip = _plus(books.wip, None if rate is None else rate * entry.hours)
        oldest = books.wip_oldest
        books.wip_oldest = entry.spent_date if oldest is None else min(oldest, entry.spent_date)
        books.wip_age_hours += entry.hours * max(0, (as_of - entry.spent_date).days)


def project_books(
    project: psa.Project,
    entries: Iterable[psa.TimeEntry],
    invoices: Iterable[billing.Invoice],
    *,
    as_of: date,
    fx: FxRates,
) -> Books:
    """The project's numbers from its entries (spent up to `as_of`) and issued invoices."""
    currency = project.currency
    books = Books(currency=currency)
    for entry in entries:
        if entry.spent_date <= as_of:
            _add_entry(books, entry, as_of, fx)
    for invoice in invoices:
        issued = invoice.finalized_at is None or invoice.finalized_at.date() <= as_of
        if invoice.status in BILLED_STATUSES and issued:
            books.invoices += 1
            books.billed = _plus(books.billed, _in(invoice.subtotal, currency, fx))
    return books


def _money(amount: Decimal | None, currency: str | None) -> Money | None:
    if amount is None or currency is None:
        return None
    return Money(amount=amount.quantize(CENT, ROUND_HALF_UP), currency=currency)


def _converted(amount: Decimal | None, rate: Decimal | None, currency: str | None) -> Money | None:
    return None if amount is None or rate is None else _money(amount * rate, currency)


def _hours(value: Decimal) -> Decimal:
    return value.quantize(HOURS, ROUND_HALF_UP)


@strawberry.type(description="A project's hours and money: budget, billed, WIP, cost and margin.")
class ProjectFinancials(relay.Node):
    id: relay.NodeID[str]
    books: strawberry.Private[Books]
    project_id: str
    project_code: str | None
    name: str
    customer_number: str | None
    legal_entity: str | None
    currency: str | None = strawberry.field(description="The project's (billing) currency.")
    legal_entity_currency: str | None
    fx_rate: Decimal | None = strawberry.field(
        description="Units of the legal entity's currency per unit of the project's."
    )
    fx_source: str
    as_of: date
    budget_hours: Decimal | None
    actual_hours: Decimal
    budget_used: Decimal | None = strawberry.field(description="Actual ÷ budget hours.")
    billable_hours: Decimal
    billed_hours: Decimal
    unapproved_billable_hours: Decimal
    invoices: int = strawberry.field(description="Issued invoices of the project.")
    billed: Money | None = strawberry.field(description="Issued invoices' subtotals.")
    wip_hours: Decimal
    wip: Money | None = strawberry.field(description="Approved, billable, unbilled time's value.")
    wip_oldest_date: date | None
    wip_age_days: int | None = strawberry.field(description="asOf - the oldest WIP entry's day.")
    wip_average_age_days: Decimal | None = strawberry.field(description="Hours-weighted.")
    billed_in_entity_currency: Money | None
    wip_in_entity_currency: Money | None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProjectFinancials | None]:
        for operation in READS:
            require(info, operation)
        wanted = list(node_ids)
        known = {p.id: p for p in await data.projects(info)}
        chosen = [known[i] for i in dict.fromkeys(wanted) if i in known]
        if len(chosen) == 1:
            entries = await data.time_entries(info, project_id=chosen[0].id)
        else:
            entries = await data.time_entries(info) if chosen else []
        found = {f.project_id: f for f in await financials_of(info, chosen, entries, today())}
        return [found.get(i) for i in wanted]

    def _entity(self, amount: Decimal | None) -> Money | None:
        return _converted(amount, self.fx_rate, self.legal_entity_currency)

    @guarded(scopes=["psa.rates:read"], description="Hours · cost rates; needs psa.rates:read.")
    def labour_cost(self) -> Money | None:
        return _money(self.books.labour_cost, self.currency)

    @guarded(scopes=["psa.rates:read"], description="labourCost in the legal entity's currency.")
    def labour_cost_in_entity_currency(self) -> Money | None:
        return self._entity(self.books.labour_cost)

    def _margin(self) -> Decimal | None:
        books = self.books
        return _plus(
            _plus(books.billed, books.wip),
            None if books.labour_cost is None else -books.labour_cost,
        )

    @guarded(
        scopes=MARGIN_SCOPES, description="billed + wip - labourCost; needs the margin scopes."
    )
    def margin(self) -> Money | None:
        return _money(self._margin(), self.currency)

    @guarded(scopes=MARGIN_SCOPES, description="margin in the legal entity's currency.")
    def margin_in_entity_currency(self) -> Money | None:
        return self._entity(self._margin())

    @guarded(scopes=MARGIN_SCOPES, description="margin ÷ (billed + wip).")
    def margin_ratio(self) -> Decimal | None:
        margin, revenue = self._margin(), _plus(self.books.billed, self.books.wip)
        return None if margin is None or revenue is None else ratio(margin, revenue)

    @classmethod
    def of(
        cls,
        project: psa.Project,
        books: Books,
        entity: erp.LegalEntity | None,
        as_of: date,
        fx: FxRates,
    ) -> ProjectFinancials:
        target = entity.base_currency if entity is not None else None
        rate = fx.rate(project.currency, target) if project.currency and target else None
        wip_days = ratio(books.wip_age_hours, books.wip_hours)
        budget = project.budget_hours
        return cls(
            id=project.id,
            books=books,
            project_id=project.id,
            project_code=project.project_code,
            name=project.name,
            customer_number=project.customer_number,
            legal_entity=project.legal_entity,
            currency=project.currency,
            legal_entity_currency=target,
            fx_rate=rate,
            fx_source=fx.source(),
            as_of=as_of,
            budget_hours=budget,
            actual_hours=_hours(books.actual_hours),
            budget_used=None if budget is None else ratio(books.actual_hours, budget),
            billable_hours=_hours(books.billable_hours),
            billed_hours=_hours(books.billed_hours),
            unapproved_billable_hours=_hours(books.unapproved_billable_hours),
            invoices=books.invoices,
            billed=_money(books.billed, project.currency),
            wip_hours=_hours(books.wip_hours),
            wip=_money(books.wip, project.currency),
            wip_oldest_date=books.wip_oldest,
            wip_age_days=None if books.wip_oldest is None else (as_of - books.wip_oldest).days,
            wip_average_age_days=None if wip_days is None else wip_days.quantize(DAYS),
            billed_in_entity_currency=_converted(books.billed, rate, target),
            wip_in_entity_currency=_converted(books.wip, rate, target),
        )


async def financials_of(
    info: Info, chosen: list[psa.Project], entries: list[psa.TimeEntry], as_of: date
) -> list[ProjectFinancials]:
    """Financials of `chosen` from `entries` (theirs, or more)."""
    invoices, entities = await asyncio.gather(data.invoices(info), data.legal_entities(info))
    fx = info.context.fx
    by_project: defaultdict[str, list[psa.TimeEntry]] = defaultdict(list)
    for entry in entries:
        by_project[entry.project_id].append(entry)
    billed: defaultdict[str, list[billing.Invoice]] = defaultdict(list)
    for invoice in invoices:
        billed[invoice.project_code or ""].append(invoice)
    entity = {e.code: e for e in entities}
    return [
        ProjectFinancials.of(
            p,
            project_books(p, by_project[p.id], billed[p.project_code or "-"], as_of=as_of, fx=fx),
            entity.get(p.legal_entity or ""),
            as_of,
            fx,
        )
        for p in chosen
    ]


async def project_financials(
    info: Info, project_code: str, as_of: date
) -> ProjectFinancials | None:
    project = next((p for p in await data.projects(info) if p.project_code == project_code), None)
    if project is None:
        return None
    entries = await data.time_entries(info, project_id=project.id)
    (found,) = await financials_of(info, [project], entries, as_of)
    return found


async def projects_financials(
    info: Info, *, legal_entity: str | None, active: bool | None, as_of: date
) -> list[ProjectFinancials]:
    chosen = [
        p
        for p in await data.projects(info)
        if (legal_entity is None or p.legal_entity == legal_entity)
        and (active is None or (p.status == "active") == active)
    ]
    entries = await data.time_entries(info)
    return await financials_of(
        info, sorted(chosen, key=lambda p: p.project_code or p.id), entries, as_of
    )
