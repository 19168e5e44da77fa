"""Time-to-cash: bill a project's approved time for one month, post the revenue, close it.

    load time (PSA) → rate card → cost centre (HCM, ERP) → billing customer
    → draft invoice → invoice items (one per task and rate) → finalize
    → accounting period open? (ERP) → ERP invoice with cost-centre tracking
    → time marked billed (PSA) → invoice.issued, revenue.posted

Orchestration only: every call happens in `steps.py`; this module decides. The run's id
is its (project, billing period), so every trigger of the pair is this one run and it
makes exactly one invoice. When a person must decide (a closed period without leave to
move on, a missing cost centre or rate, a system refusing for good) the run parks; the
decision resumes it with corrected data, retries, or cancels. A closed accounting
period is never posted to.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from dbos import DBOS
from dbos import error as dbos_errors

from contracts.common import Money
from contracts.erp import CODE_PATTERN
from contracts.events import InvoiceIssued, RevenuePosted
from process_apis._runtime.events import emit
from process_apis._runtime.exceptions import Resolution, Trouble
from process_apis._runtime.parking import park
from process_apis.time_to_cash import steps
from process_apis.time_to_cash.rate_card import MissingRateError, price_lines, totals
from process_apis.time_to_cash.upstream import UpstreamError, UpstreamRefusedError
from process_apis.time_to_cash.v1.schemas import (
    PERIOD_PATTERN,
    Result,
    TimeToCashOutcome,
    TimeToCashRequest,
)

FLOW = "time-to-cash"
SOURCE = f"/process/{FLOW}/v1"
Step = Callable[..., Awaitable[dict[str, Any]]]
GaveUp = dbos_errors.DBOSMaxStepRetriesExceeded


class RunCancelledError(Exception):
    """A person cancelled the run (or the part of it) that was waiting for them."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _trace_id(traceparent: str | None) -> str | None:
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 else None


class TimeToCash:
    """One run's orchestration: what was decided so far, and what comes next."""

    def __init__(self, request: TimeToCashRequest, meta: dict[str, Any]) -> None:
        self.request = request
        self.traceparent: str | None = meta.get("traceparent")
        self.keys = {"project_code": request.project_code, "billing_period": request.billing_period}
        self.card: dict[str, Any] = {}
        self.invoice: dict[str, Any] = {}
        self.hours: Decimal | None = None
        self.lines = 0

    # --- people ------------------------------------------------------------------------

    async def ask(self, trouble: Trouble) -> Resolution:
        """Park until a person decides; a cancellation ends the waiting part of the run."""
        decision = await park(trouble, flow=FLOW, trace_id=_trace_id(self.traceparent))
        if decision.action == "cancel":
            raise RunCancelledError(decision.reason or f"cancelled by {decision.actor}")
        return decision

    async def step(self, func: Step, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run a step; when a system refuses for good or stays away, ask a person, then retry."""
        while True:
            try:
                return await func(*args, **kwargs)
            except (UpstreamRefusedError, GaveUp) as failure:
                await self.ask(self._trouble(func.__name__, failure))

    def _trouble(self, step: str, failure: UpstreamRefusedError | GaveUp) -> Trouble:
        attempts: list[Exception] = failure.errors if isinstance(failure, GaveUp) else [failure]
        last = attempts[-1] if attempts else failure
        system = last.system if isinstance(last, UpstreamError) else None
        if isinstance(failure, UpstreamRefusedError):
            error_type, title = failure.code, f"{system} refused {step}"
        else:
            error_type, title = "upstream-unavailable", f"{step} could not reach {system}"
        return Trouble(
            error_type=error_type,
            title=title,
            detail=f"{last} Fix the cause, then retry (or cancel).",
            step=step,
            system=system,
            business_keys=self.keys,
            error_chain=[str(e) for e in attempts[-5:]],
            attempts=len(attempts),
        )

    # --- the run -----------------------------------------------------------------------

    async def run(self) -> TimeToCashOutcome:
        r = self.request
        work = await self.step(steps.load_project_time, r.project_code, r.billing_period)
        if not work["entries"]:
            return self.outcome("nothing to bill")
        lines = await self.price(work)
        self.lines, (self.hours, _) = len(lines), totals(lines)
        cost_centre = await self.cost_centre(work)
        customer = await self.step(
            steps.ensure_billing_customer, work["customer_number"], work["legal_entity"]
        )
        self.invoice = await self.bill(work, lines)
        try:
            document: dict[str, Any] | None = await self.post(work, customer, cost_centre, lines)
            not_posted = None
        except RunCancelledError as cancelled:
            document, not_posted = None, cancelled.reason
        entry_ids = sorted(i for line in lines for i in line["entry_ids"])
        billed = await self.step(steps.mark_time_billed, entry_ids)
        await self.announce(work, document)
        result: Result = "invoiced" if document else "invoiced, not posted"
        return self.outcome(
            result, document=document, billed=billed["entries_billed"], reason=not_posted
        )

    async def price(self, work: dict[str, Any]) -> list[dict[str, Any]]:
        """Invoice lines at the rate card's rates; parks while some time has no rate."""
        resources = sorted({e["resource_id"] for e in work["entries"]})
        load = (steps.load_rate_card, work["project_id"], resources, work["hourly_rate"])
        card = await self.step(*load)
        while True:
            self.card = card
            try:
                return price_lines(
                    work["entries"],
                    card,
                    currency=work["currency"],
                    period=self.request.billing_period,
                )
            except MissingRateError as missing:
                await self.ask(
                    Trouble(
                        error_type="missing-bill-rate",
                        title="Billable time without a bill rate",
                        detail=f"{len(missing.entry_ids)} time entries have no positive rate "
                        "on the rate card; set one in the PSA, then retry.",
                        step="price_lines",
                        system="psa",
                        business_keys=self.keys,
                        data={"entry_ids": missing.entry_ids[:50]},
                    )
                )
                card = await self.step(*load)

    async def cost_centre(self, work: dict[str, Any]) -> str:
        """The cost centre the revenue is tracked to; parks for finance when none is known."""
        manager = self.card["project_manager_id"]
        found = await self.step(steps.resolve_cost_centre, manager, work["legal_entity"])
        code: str | None = found["cost_centre"]
        while code is None:
            decision = await self.ask(
                Trouble(
                    error_type="missing-cost-centre",
                    title="No cost centre to track the revenue to",
                    detail=f'{found["reason"]} Resume with data {{"cost_centre": "…"}}.',
                    step="resolve_cost_centre",
                    system="erp",
                    business_keys=self.keys,
                    data={"cost_centre": None},
                )
            )
            if decision.action == "resume":
                given = decision.data.get("cost_centre")
                code = given if isinstance(given, str) and re.match(CODE_PATTERN, given) else None
            else:
                found = await self.step(steps.resolve_cost_centre, manager, work["legal_entity"])
                code = found["cost_centre"]
        return code

    async def bill(self, work: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
        """The invoice for (project, period): draft, one item per line, finalized."""
        r = self.request
        head = {
            "customer_number": work["customer_number"],
            "currency": work["currency"],
            "project_code": r.project_code,
            "billing_period": r.billing_period,
        }
        draft = await self.step(steps.open_draft_invoice, **head)
        invoice_id = draft["invoice_id"]
        await self.step(steps.add_invoice_items, invoice_id=invoice_id, lines=lines, **head)
        return await self.step(steps.finalize_invoice, invoice_id)

    async def post(
        self,
        work: dict[str, Any],
        customer: dict[str, Any],
        cost_centre: str,
        lines: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """Post the revenue in an open accounting period (finance may cancel the posting)."""
        period = await self.posting_period(work["legal_entity"])
        return await self.step(
            steps.post_revenue,
            legal_entity=work["legal_entity"],
            accounting_period=period,
            billing_period=self.request.billing_period,
            invoice=self.invoice,
            customer=customer,
            project_code=self.request.project_code,
            cost_centre=cost_centre,
            lines=lines,
        )

    async def posting_period(self, legal_entity: str) -> str:
        """The billing period if open; else the next open one if allowed; else finance's pick."""
        r = self.request
        check = await self.step(steps.check_accounting_period, legal_entity, r.billing_period)
        if check["open"]:
            return r.billing_period
        if r.allow_next_open_period and check["next_open"]:
            return str(check["next_open"])
        while True:
            decision = await self.ask(
                Trouble(
                    error_type="period-closed",
                    title=f"Accounting period {check['accounting_period']} is closed",
                    detail="The ERP will not take postings in this period. Resume with data "
                    '{"accounting_period": "YYYY-MM"} (an open period) or cancel the posting.',
                    step="check_accounting_period",
                    system="erp",
                    business_keys=self.keys,
                    data={"accounting_period": check["next_open"]},
                )
            )
            wanted = decision.data.get("accounting_period", r.billing_period)
            if decision.action != "resume" or not isinstance(wanted, str):
                wanted = r.billing_period
            if re.fullmatch(PERIOD_PATTERN, wanted):
                check = await self.step(steps.check_accounting_period, legal_entity, wanted)
                if check["open"]:
                    return wanted

    async def announce(self, work: dict[str, Any], document: dict[str, Any] | None) -> None:
        """invoice.issued, and revenue.posted when the ERP has the revenue."""
        r = self.request
        await emit(
            InvoiceIssued(
                project_code=r.project_code,
                billing_period=r.billing_period,
                invoice_id=self.invoice["invoice_id"],
                invoice_number=self.invoice["invoice_number"],
                customer_number=work["customer_number"],
                total=Money.model_validate(self.invoice["total"]),
                hours=str(self.hours),
            ),
            source=SOURCE,
            traceparent=self.traceparent,
        )
        if document is None:
            return
        await emit(
            RevenuePosted(
                project_code=r.project_code,
                billing_period=r.billing_period,
                legal_entity=work["legal_entity"],
                erp_document_id=document["erp_document_id"],
                accounting_period=document["accounting_period"],
                amount=Money.model_validate(document["subtotal"]),
            ),
            source=SOURCE,
            traceparent=self.traceparent,
        )

    def outcome(
        self,
        result: Result,
        *,
        document: dict[str, Any] | None = None,
        billed: int = 0,
        reason: str | None = None,
    ) -> TimeToCashOutcome:
        invoice = self.invoice
        return TimeToCashOutcome(
            outcome=result,
            project_code=self.request.project_code,
            billing_period=self.request.billing_period,
            invoice_id=invoice.get("invoice_id"),
            invoice_number=invoice.get("invoice_number"),
            total=Money.model_validate(invoice["total"]) if invoice else None,
            hours=None if self.hours is None else str(self.hours),
            lines=self.lines,
            entries_billed=billed,
            erp_document_id=document["erp_document_id"] if document else None,
            accounting_period=document["accounting_period"] if document else None,
            reason=reason,
        )


@DBOS.workflow(name=FLOW)
async def time_to_cash(request: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """Bill a project's approved time for a month and post the revenue (see the module doc)."""
    run = TimeToCash(TimeToCashRequest.model_validate(request), meta)
    try:
        outcome = await run.run()
    except RunCancelledError as cancelled:
        outcome = run.outcome("cancelled", reason=cancelled.reason)
    return outcome.model_dump(mode="json")
