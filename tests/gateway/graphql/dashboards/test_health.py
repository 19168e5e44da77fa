"""Integration-health formulas on hand-made records (the demo firm's are in ../test_dashboards)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from gateway.graphql.dashboards.health import (
    exception_rate,
    staffing_activation,
    sync_completeness,
    time_to_bill,
    unassignable_breach,
    unbilled_breach,
)
from process_apis._runtime.runs import RunStatus, RunView
from process_apis.events.listing import EventView
from process_apis.exceptions.views import ExceptionView
from tests.gateway.graphql.dashboards.records import (
    entry,
    invoice,
    project,
    provenance,
    resource,
    worker,
)

AS_OF = date(2026, 10, 31)
SINCE = date(2026, 1, 1)


def at(day: int, hour: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_time_to_bill_weighs_each_billed_entry_by_its_hours() -> None:
    issued = invoice(finalized_at=at(1))
    entries = [
        entry(id="1", hours=Decimal(2), billed=True, provenance=provenance(at(30, 0, 9))),
        entry(id="2", hours=Decimal(6), billed=True, provenance=provenance(at(29, 0, 9))),
        # Changed after the invoice (marked billed later): its approval time is unknown.
        entry(id="3", hours=Decimal(40), billed=True, provenance=provenance(at(2))),
        entry(id="4", hours=Decimal(40), billed=False, provenance=provenance(at(1, 0, 9))),
    ]

    hours = time_to_bill([issued], entries, [project()], since=SINCE, as_of=AS_OF)

    assert hours == Decimal("42.00")  # (2 * 24 + 6 * 48) / 8


def test_time_to_bill_leaves_out_drafts_and_invoices_outside_the_window() -> None:
    billed = [entry(billed=True, provenance=provenance(at(1, 0, 9)))]
    draft = invoice(status="draft", finalized_at=None)
    later = invoice(finalized_at=at(1, 0, 11))
    assert time_to_bill([draft, later], billed, [project()], since=SINCE, as_of=AS_OF) is None


def test_staffing_activation_prefers_the_assignable_event_and_never_goes_negative() -> None:
    workers = [worker("E1", hire_date=date(2026, 10, 1)), worker("E2", hire_date=date(2026, 10, 5))]
    resources = [
        resource("E1", provenance=provenance(at(3))),  # a later change: the event wins
        resource("E2", provenance=provenance(at(4))),  # ready before the first day: zero
    ]
    events = [
        EventView(
            id="ev",
            type="worker.assignable",
            source="/process/hire-to-assign/v1",
            time=at(1, 12),
            recorded_at=at(1, 12),
            schema_version="1",
            business_keys={"employee_number": "E1"},
            data={},
        )
    ]

    hours = staffing_activation(workers, resources, events, since=SINCE, as_of=AS_OF)

    assert hours == Decimal("6.00")  # (12 + 0) / 2


def test_sync_completeness_counts_active_hires_with_an_assignable_resource() -> None:
    workers = [
        worker("E1"),
        worker("E2"),
        worker("E3", status="terminated"),
        worker("E4", hire_date=date(2026, 12, 1)),  # not hired yet
    ]
    resources = [resource("E1"), resource("E2", assignable=False), resource("E3")]

    assert sync_completeness(workers, resources, AS_OF) == Decimal("0.5000")
    assert sync_completeness([], resources, AS_OF) is None


def _run(run_id: str) -> RunView:
    return RunView(
        id=run_id, flow="f", status=RunStatus.SUCCEEDED, business_keys={}, created_at=at(1)
    )


def _exception(run_id: str | None) -> ExceptionView:
    return ExceptionView.model_validate(
        {
            "id": f"exc-{run_id}",
            "kind": "parked-run",
            "status": "open",
            "error_type": "x",
            "title": "x",
            "detail": "x",
            "run_id": run_id,
            "business_keys": {},
            "error_chain": [],
            "data": {},
            "attempts": 1,
            "owner": "finance",
            "sla_due_at": at(2),
            "sla_breached": False,
            "created_at": at(1),
            "updated_at": at(1),
        }
    )


def test_exception_rate_is_runs_with_an_exception_over_runs_started() -> None:
    runs = [_run("f:1"), _run("f:2"), _run("f:3"), _run("f:4")]
    opened = [_exception("f:1"), _exception("f:1"), _exception("f:old"), _exception(None)]
    assert exception_rate(runs, opened) == Decimal("0.2500")
    assert exception_rate([], opened) is None


def test_unbilled_time_is_due_sla_days_after_its_month_or_its_approval() -> None:
    september = entry(id="1", spent_date=date(2026, 9, 8), provenance=provenance(at(9, 0, 9)))
    approved_late = entry(id="2", spent_date=date(2026, 9, 8), provenance=provenance(at(20)))
    billed = entry(id="3", spent_date=date(2026, 8, 8), billed=True)
    pending = entry(id="4", spent_date=date(2026, 8, 8), approval_state="pending")

    def late(as_of: date) -> int:
        found = [september, approved_late, billed, pending]
        return unbilled_breach(found, [project()], as_of=as_of, sla_days=5).count

    assert late(date(2026, 10, 5)) == 0  # Sept 30 + 5 days: due today
    assert late(date(2026, 10, 6)) == 1
    assert late(date(2026, 10, 26)) == 2  # approved Oct 20: due Oct 25
    breach = unbilled_breach([september], [project()], as_of=AS_OF, sla_days=5)
    assert (breach.keys, breach.hours) == (["P-1"], Decimal("8.00"))


def test_a_hire_unassignable_past_the_grace_days_breaches() -> None:
    workers = [
        worker("E1", hire_date=date(2026, 10, 20)),
        worker("E2", hire_date=date(2026, 10, 28)),
    ]

    breach = unassignable_breach(workers, [], as_of=AS_OF, sla_days=5)

    assert (breach.count, breach.keys) == (1, ["E1"])
