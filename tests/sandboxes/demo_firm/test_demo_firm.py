"""The demo firm is deterministic, plausible, and wrong only where it says so."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from sandboxes.demo_firm import DemoFirm, build_demo_firm
from sandboxes.demo_firm.organisation import working_days


@pytest.fixture(scope="module")
def firm() -> DemoFirm:
    return build_demo_firm()


def odd_entries(firm: DemoFirm, kind: str) -> set[int]:
    return {int(i.key) for i in firm.inconsistencies if i.kind == kind}


def test_same_seed_builds_the_same_firm_and_another_seed_does_not() -> None:
    build = build_demo_firm.__wrapped__
    assert build(42) == build(42)
    assert build(7).workers != build(42).workers


def test_build_is_memoised(firm: DemoFirm) -> None:
    assert build_demo_firm() is firm


def test_three_legal_entities_in_three_currencies(firm: DemoFirm) -> None:
    assert [(le.code, le.currency) for le in firm.legal_entities] == [
        ("US01", "USD"),
        ("GB01", "GBP"),
        ("NL01", "EUR"),
    ]


def test_sizes_match_a_mid_sized_firm(firm: DemoFirm) -> None:
    assert len(firm.workers) == 200
    assert len(firm.customers) == 40
    assert len(firm.projects) == 60
    assert len(firm.time_entries) > 5000
    assert len(firm.invoices) > 40
    assert {lr.status for lr in firm.leave_requests} == {"approved", "requested", "cancelled"}
    assert {w.status for w in firm.workers} == {"active", "terminated"}


def test_business_keys_are_unique(firm: DemoFirm) -> None:
    for keys in (
        [w.employee_number for w in firm.workers],
        [w.email for w in firm.workers],
        [c.customer_number for c in firm.customers],
        [p.code for p in firm.projects],
        [i.invoice_number for i in firm.invoices],
        [e.id for e in firm.time_entries],
    ):
        assert len(keys) == len(set(keys))


def test_managers_are_active_colleagues_without_cycles(firm: DemoFirm) -> None:
    roots = [w for w in firm.workers if w.manager is None]
    assert len(roots) == 1
    for worker in firm.workers:
        seen = {worker.employee_number}
        boss = worker.manager
        while boss is not None:
            assert boss not in seen
            seen.add(boss)
            assert firm.worker(boss).status == "active"
            boss = firm.worker(boss).manager


def test_workers_belong_to_their_entity_and_earn_its_grade_rates(firm: DemoFirm) -> None:
    centres = {cc.code: cc for cc in firm.cost_centres}
    for w in firm.workers:
        le = firm.legal_entity(w.legal_entity)
        assert centres[w.cost_centre].legal_entity == w.legal_entity
        assert w.currency == le.currency
        assert w.cost_rate == firm.grade(w.grade).cost_rates[le.currency]
        assert w.cost_rate < w.bill_rate
        assert (w.termination_date is None) == (w.status == "active")
        if w.termination_date is not None:
            assert w.hire_date < w.termination_date < firm.today


def test_customers_and_projects_share_entity_and_currency(firm: DemoFirm) -> None:
    for p in firm.projects:
        customer = firm.customer(p.customer)
        assert (p.legal_entity, p.currency) == (customer.legal_entity, customer.currency)
        assert customer.currency == firm.legal_entity(customer.legal_entity).currency
        assert p.end_date is None or p.start_date < p.end_date
        assert (p.status == "planned") == (p.start_date > firm.today)
        assert (p.status == "closed") == (p.end_date is not None and p.end_date < firm.today)


def test_assignments_bill_the_grade_rate_in_project_currency(firm: DemoFirm) -> None:
    for a in firm.assignments:
        worker, project = firm.worker(a.worker), firm.project(a.project)
        assert a.currency == project.currency
        assert a.bill_rate == firm.grade(worker.grade).bill_rates[project.currency]
        assert a.end_date is None or a.start_date <= a.end_date
    pairs = [(a.worker, a.project) for a in firm.assignments]
    assert len(pairs) == len(set(pairs))


def test_time_is_logged_on_working_days_in_the_last_three_months(firm: DemoFirm) -> None:
    first, last = date(2026, 8, 1), firm.today - timedelta(days=1)
    per_day: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    for e in firm.time_entries:
        assert first <= e.spent_date <= last
        assert e.spent_date.weekday() < 5
        per_day[(e.worker, e.spent_date)] += e.hours
    assert max(per_day.values()) <= 8
    regular = [e for e in firm.time_entries if e.notes != "Follow-up call after closure"]
    assert all(Decimal(2) <= e.hours <= Decimal(6) for e in regular)


def test_time_fits_employment_staffing_and_project_tasks(firm: DemoFirm) -> None:
    staffed = {(a.worker, a.project): a for a in firm.assignments}
    tasks = {(t.project, t.task): t for t in firm.project_tasks}
    for e in firm.time_entries:
        worker = firm.worker(e.worker)
        assert worker.hire_date <= e.spent_date
        assert worker.termination_date is None or e.spent_date <= worker.termination_date
        assert (e.worker, e.project) in staffed
        assert tasks[(e.project, e.task)].billable == e.billable
        if e.billable:
            assert e.bill_rate == staffed[(e.worker, e.project)].bill_rate


def test_only_the_listed_entry_is_on_a_closed_project(firm: DemoFirm) -> None:
    late = {
        e.id
        for e in firm.time_entries
        if firm.project(e.project).end_date is not None
        and e.spent_date > firm.project(e.project).end_date  # type: ignore[operator]
    }
    assert late == odd_entries(firm, "time_on_closed_project")
    assert len(late) == 1


def test_only_the_listed_entry_is_on_approved_leave(firm: DemoFirm) -> None:
    away = {
        (lr.worker, day)
        for lr in firm.leave_requests
        if lr.status == "approved"
        for day in working_days(lr.start_date, lr.end_date)
    }
    on_leave = {e.id for e in firm.time_entries if (e.worker, e.spent_date) in away}
    assert on_leave == odd_entries(firm, "time_on_leave")
    assert len(on_leave) == 1


def test_leave_requests_of_a_worker_never_overlap(firm: DemoFirm) -> None:
    taken: dict[str, set[date]] = defaultdict(set)
    for lr in firm.leave_requests:
        days = set(working_days(lr.start_date, lr.end_date))
        assert len(days) == lr.days
        assert not taken[lr.worker] & days
        taken[lr.worker] |= days


def test_invoices_add_up_and_bill_exactly_their_approved_time(firm: DemoFirm) -> None:
    hours: dict[str, Decimal] = defaultdict(Decimal)
    for e in firm.time_entries:
        assert not e.billed or (e.approved and e.billable and e.invoice_number)
        if e.billed:
            hours[str(e.invoice_number)] += e.hours
    for inv in firm.invoices:
        assert inv.subtotal == sum(line.amount for line in inv.lines)
        assert inv.total == inv.subtotal + inv.tax
        assert inv.currency == firm.project(inv.project).currency
        assert inv.issue_date > inv.period_end
        assert inv.paid_date is None or inv.issue_date < inv.paid_date < firm.today
        if inv.status != "voided":
            assert hours[inv.invoice_number] == sum(line.quantity for line in inv.lines)
    live = [(i.project, i.period_start) for i in firm.invoices if i.status != "voided"]
    assert len(live) == len(set(live))  # one invoice per (project, billing period)
    assert [i.status for i in firm.invoices].count("voided") == 1


def test_worker_missing_from_the_psa_has_no_psa_records(firm: DemoFirm) -> None:
    (missing,) = firm.absent_from("psa", "worker")
    assert firm.worker(missing).status == "active"
    assert not [a for a in firm.assignments if a.worker == missing]
    assert not [e for e in firm.time_entries if e.worker == missing]


def test_erp_spells_one_customer_differently(firm: DemoFirm) -> None:
    (odd,) = [i for i in firm.inconsistencies if i.system == "erp" and i.field == "name"]
    truth = firm.customer(odd.key).name
    assert firm.value_in("erp", "customer", odd.key, "name", truth) != truth
    assert firm.value_in("hcm", "customer", odd.key, "name", truth) == truth
    other = next(c for c in firm.customers if c.customer_number != odd.key)
    assert firm.value_in("erp", "customer", other.customer_number, "name", "x") == "x"


def test_listed_mismatches_name_real_records(firm: DemoFirm) -> None:
    kinds = {(i.kind, i.system, i.object) for i in firm.inconsistencies}
    assert {
        ("missing_record", "psa", "worker"),
        ("missing_record", "billing", "customer"),
        ("field_mismatch", "erp", "customer"),
        ("field_mismatch", "psa", "worker"),
        ("field_mismatch", "hcm", "worker"),
    } <= kinds
    leaver = [i for i in firm.inconsistencies if i.field == "status"]
    assert firm.worker(leaver[0].key).status == "terminated"
    assert leaver[0].value == "active"
    centres = {cc.code for cc in firm.cost_centres}
    (cc,) = [i for i in firm.inconsistencies if i.field == "cost_centre"]
    assert cc.value not in centres


def test_periods_close_up_to_the_lock_date(firm: DemoFirm) -> None:
    closed = {p.end for p in firm.accounting_periods if p.status == "closed"}
    assert max(closed) == firm.lock_date
    assert len(firm.accounting_periods) == 36
