"""Money records: invoices (billing, which issues them) and journal entries (the ERP's ledger)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from contracts import billing, erp
from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.scopes import guarded, require
from gateway.graphql.types.common import Money, Provenance
from gateway.graphql.types.enums import InvoiceStatus, JournalSide, JournalStatus

if TYPE_CHECKING:
    from gateway.graphql.types.projects import Customer

_PROJECTS = "gateway.graphql.types.projects"


@strawberry.type(description="One line of an invoice.")
class InvoiceLine:
    description: str | None
    amount: Money
    period_start: date | None
    period_end: date | None
    project_code: str | None

    @classmethod
    def of(cls, line: billing.InvoiceLine) -> InvoiceLine:
        return cls(
            description=line.description,
            amount=Money.of(line.amount),
            period_start=line.period.start if line.period else None,
            period_end=line.period.end if line.period else None,
            project_code=line.project_code,
        )


@strawberry.type(description="An invoice in billing; `invoiceNumber` appears once finalized.")
class Invoice(relay.Node):
    id: relay.NodeID[str]
    invoice_number: str | None
    customer_number: str | None
    status: InvoiceStatus
    currency: str
    description: str | None
    subtotal: Money
    total: Money
    amount_due: Money
    amount_paid: Money
    amount_remaining: Money
    due_date: date | None
    project_code: str | None
    billing_period: str | None = strawberry.field(description="Calendar month billed, YYYY-MM.")
    finalized_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    lines: list[InvoiceLine]
    lines_complete: bool = strawberry.field(
        description="False when the invoice has more lines than were fetched."
    )
    provenance: Provenance

    @classmethod
    def of(cls, invoice: billing.Invoice) -> Invoice:
        return cls(
            id=invoice.id,
            invoice_number=invoice.invoice_number,
            customer_number=invoice.customer_number,
            status=InvoiceStatus(invoice.status.value),
            currency=invoice.currency,
            description=invoice.description,
            subtotal=Money.of(invoice.subtotal),
            total=Money.of(invoice.total),
            amount_due=Money.of(invoice.amount_due),
            amount_paid=Money.of(invoice.amount_paid),
            amount_remaining=Money.of(invoice.amount_remaining),
            due_date=invoice.due_date,
            project_code=invoice.project_code,
            billing_period=invoice.billing_period,
            finalized_at=invoice.finalized_at,
            paid_at=invoice.paid_at,
            voided_at=invoice.voided_at,
            lines=[InvoiceLine.of(line) for line in invoice.lines],
            lines_complete=invoice.lines_complete,
            provenance=Provenance.of(invoice.provenance),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Invoice | None]:
        require(info, scopes.billing("getInvoice"))
        found = await info.context.loaders.invoice.load_many(list(node_ids))
        return [None if i is None else cls.of(i) for i in found]

    @guarded(scopes.psa("listCustomers"), description="The customer billed, as the PSA knows it.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy(_PROJECTS)] | None:
        from gateway.graphql.types.projects import Customer  # noqa: PLC0415 (import cycle)

        number = self.customer_number
        loader = info.context.loaders.customer_by_number
        customer = None if number is None else await loader.load(number)
        return None if customer is None else Customer.of(customer)


@strawberry.type(description="One line of a journal entry: an amount on one side of one account.")
class JournalLine:
    account_code: str
    side: JournalSide
    amount: Money
    description: str | None
    cost_centre: str | None
    project_code: str | None

    @classmethod
    def of(cls, line: erp.JournalLine) -> JournalLine:
        return cls(
            account_code=line.account_code,
            side=JournalSide(line.side.value),
            amount=Money.of(line.amount),
            description=line.description,
            cost_centre=line.dimensions.cost_centre,
            project_code=line.dimensions.project,
        )


@strawberry.type(description="A manual journal of one legal entity; its debits equal its credits.")
class JournalEntry(relay.Node):
    id: relay.NodeID[str]
    legal_entity: str
    date: date
    narration: str
    status: JournalStatus
    lines: list[JournalLine]
    provenance: Provenance

    @classmethod
    def of(cls, entry: erp.JournalEntry) -> JournalEntry:
        return cls(
            id=f"{entry.legal_entity}/{entry.id}",
            legal_entity=entry.legal_entity,
            date=entry.date,
            narration=entry.narration,
            status=JournalStatus(entry.status.value),
            lines=[JournalLine.of(line) for line in entry.lines],
            provenance=Provenance.of(entry.provenance),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[JournalEntry | None]:
        require(info, scopes.erp("getJournalEntry"))
        found = await info.context.loaders.journal_entry.load_many(list(node_ids))
        return [None if e is None else cls.of(e) for e in found]
