"""Integration health: how fast time becomes invoices and hires become staffable, exceptions,
synchronization completeness and SLA breaches, over a window [since, asOf].

    timeToBillHours          hours-weighted mean, over the billed entries of invoices finalized
                             in the window, of (invoice finalized - entry approved). The PSA
                             keeps no approval time; an entry's last change before the invoice
                             (Harvest stamps approval as a change) stands for it, and entries
                             changed after the invoice (marked billed) are left out
    staffingActivationHours  mean, over workers hired in the window who became staffable, of
                             (activation - start of the hire day): activation is the first
                             `worker.assignable` event (hire-to-assign), else the assignable PSA
                             resource's last change; never below zero
    exceptionRate            runs (started in the window, flows you may read) that opened an
                             exception ÷ those runs
    openExceptions           exceptions open or claimed now (by owner: openExceptionsByOwner)
    syncCompleteness         active HCM workers (hired by asOf) with an assignable PSA resource
                             ÷ active HCM workers
    slaBreaches              time-approved-not-invoiced: approved, billable, unbilled entries
                             (spent from the month before the window) still unbilled `slaDays`
                             after the later of their approval and the end of the month they
                             were spent in (time is billed monthly);
                             active-not-assignable: active workers hired more than `slaDays`
                             ago with no assignable PSA resource; exception-overdue: open or
                             claimed exceptions past their SLA

Ratios are Decimal to four places, hours to the cent (half-up); a mean over nothing is null.
"""

from __future__ import annotations

import asyncio
import calendar
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import strawberry

from contracts import billing, hcm, psa
from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.dashboards import data
from gateway.graphql.dashboards.financials import BILLED_STATUSES
from gateway.graphql.dashboards.periods import month_of
from gateway.graphql.dashboards.utilization import HOURS, ZERO, ratio
from gateway.graphql.operations import LIST_EVENTS, LIST_EXCEPTIONS, readable_flows
from gateway.graphql.scopes import guarded
from process_apis._runtime.runs import RunView
from process_apis.events.listing import EventView
from process_apis.exceptions.views import ExceptionView

SECONDS_PER_HOUR = Decimal(3600)
SAMPLE_KEYS = 20
TIME = (scopes.psa("listTimeEntries"), scopes.psa("listProjects"), scopes.billing("listInvoices"))
STAFF = (scopes.hcm("listWorkers"), scopes.psa("listResources"))


def _hours(delta: timedelta) -> Decimal:
    return Decimal(int(delta.total_seconds())) / SECONDS_PER_HOUR


def _mean(total: Decimal, count: Decimal) -> Decimal | None:
    return None if count <= 0 else (total / count).quantize(HOURS, ROUND_HALF_UP)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def time_to_bill(
    invoices: Iterable[billing.Invoice],
    entries: Iterable[psa.TimeEntry],
    projects: Iterable[psa.Project],
    *,
    since: date,
    as_of: date,
) -> Decimal | None:
    """Hours-weighted mean hours from approval to invoice (see the module docstring)."""
    code = {p.id: p.project_code for p in projects}
    billed: defaultdict[tuple[str | None, str], list[psa.TimeEntry]] = defaultdict(list)
    for entry in entries:
        if entry.billed and entry.billable:
            billed[(code.get(entry.project_id), month_of(entry.spent_date))].append(entry)
    weighted, hours = ZERO, ZERO
    for invoice in invoices:
        issued = invoice.finalized_at
        if invoice.status not in BILLED_STATUSES or issued is None:
            continue
        if not since <= issued.date() <= as_of or invoice.project_code is None:
            continue
        for entry in billed[(invoice.project_code, invoice.billing_period or "")]:
            approved = entry.provenance.modified_at
            if approved is not None and approved <= issued:
                weighted += entry.hours * _hours(issued - approved)
                hours += entry.hours
    return _mean(weighted, hours)


def _assignable(resources: Iterable[psa.Resource]) -> dict[str, psa.Resource]:
    return {r.employee_number: r for r in resources if r.is_assignable and r.employee_number}


def _active(workers: Iterable[hcm.Worker], as_of: date) -> list[hcm.Worker]:
    return [
        w
        for w in workers
        if w.employment.status is hcm.WorkerStatus.ACTIVE
        and (w.employment.hire_date is None or w.employment.hire_date <= as_of)
    ]


def staffing_activation(
    workers: Iterable[hcm.Worker],
    resources: Iterable[psa.Resource],
    events: Iterable[EventView],
    *,
    since: date,
    as_of: date,
) -> Decimal | None:
    """Mean hours from hire to staffable (see the module docstring)."""
    first_event: dict[str, datetime] = {}
    for event in events:
        number = event.business_keys.get("employee_number")
        if number and (number not in first_event or event.recorded_at < first_event[number]):
            first_event[number] = event.recorded_at
    staffable = _assignable(resources)
    total, count = ZERO, ZERO
    for worker in workers:
        hired, number = worker.employment.hire_date, worker.employee_number
        if hired is None or number is None or not since <= hired <= as_of:
            continue
        resource = staffable.get(number)
        at = first_event.get(number) or (resource.provenance.modified_at if resource else None)
        if at is not None:
            total += max(ZERO, _hours(at - data.start_of(hired)))
            count += 1
    return _mean(total, count)


def sync_completeness(
    workers: Iterable[hcm.Worker], resources: Iterable[psa.Resource], as_of: date
) -> Decimal | None:
    active = _active(workers, as_of)
    staffable = _assignable(resources)
    return ratio(
        Decimal(sum(1 for w in active if w.employee_number in staffable)), Decimal(len(active))
    )


def exception_rate(runs: Iterable[RunView], opened: Iterable[ExceptionView]) -> Decimal | None:
    started = {r.id for r in runs}
    troubled = {e.run_id for e in opened if e.run_id in started}
    return ratio(Decimal(len(troubled)), Decimal(len(started)))


@strawberry.type(description="One kind of SLA breach and how many records are in it.")
class SlaBreach:
    kind: str = strawberry.field(
        description="time-approved-not-invoiced, active-not-assignable or exception-overdue."
    )
    description: str
    count: int
    hours: Decimal | None = strawberry.field(description="Hours concerned (time breaches).")
    keys: list[str] = strawberry.field(
        description=f"Up to {SAMPLE_KEYS} business keys concerned (project codes, employee "
        "numbers, exception ids)."
    )


def _breach(kind: str, description: str, keys: Iterable[str], count: int) -> SlaBreach:
    return SlaBreach(
        kind=kind,
        description=description,
        count=count,
        hours=None,
        keys=sorted(set(keys))[:SAMPLE_KEYS],
    )


def unbilled_breach(
    entries: Iterable[psa.TimeEntry],
    projects: Iterable[psa.Project],
    *,
    as_of: date,
    sla_days: int,
) -> SlaBreach:
    code = {p.id: p.project_code or p.id for p in projects}
    late = []
    for entry in entries:
        if not entry.billable or entry.billed or entry.approval_state != "approved":
            continue
        changed = entry.provenance.modified_at
        approved = changed.date() if changed is not None else entry.spent_date
        due = max(approved, _month_end(entry.spent_date)) + timedelta(days=sla_days)
        if due < as_of:
            late.append(entry)
    breach = _breach(
        "time-approved-not-invoiced",
        f"Approved billable time not invoiced {sla_days} days after its month (or approval).",
        (code.get(e.project_id, e.project_id) for e in late),
        len(late),
    )
    breach.hours = sum((e.hours for e in late), ZERO).quantize(HOURS, ROUND_HALF_UP)
    return breach


def unassignable_breach(
    workers: Iterable[hcm.Worker], resources: Iterable[psa.Resource], *, as_of: date, sla_days: int
) -> SlaBreach:
    staffable = _assignable(resources)
    cutoff = as_of - timedelta(days=sla_days)
    late = [
        w.employee_number or w.id
        for w in _active(workers, as_of)
        if w.employee_number not in staffable
        and (w.employment.hire_date is None or w.employment.hire_date < cutoff)
    ]
    return _breach(
        "active-not-assignable",
        f"Active in the HCM for over {sla_days} days but not assignable in the PSA.",
        late,
        len(late),
    )


def overdue_breach(open_now: Iterable[ExceptionView]) -> SlaBreach:
    late = [e.id for e in open_now if e.sla_breached]
    return _breach(
        "exception-overdue", "Open or claimed exceptions past their SLA.", late, len(late)
    )


@dataclass(frozen=True, slots=True)
class Window:
    since: date
    as_of: date
    sla_days: int


async def _open_exceptions(info: Info) -> list[ExceptionView]:
    (open_, _), (claimed, _) = await asyncio.gather(
        data.exceptions(info, status="open"), data.exceptions(info, status="claimed")
    )
    return open_ + claimed


async def _entries(info: Info, window: Window) -> list[psa.TimeEntry]:
    """Entries spent from the month before the window to `asOf`: an invoice of the window may
    bill the month before it (one read serves time-to-bill and the breaches)."""
    start = (window.since.replace(day=1) - timedelta(days=1)).replace(day=1)
    return await data.time_entries(info, start=start, end=window.as_of)


@strawberry.type(description="The numbers the operations console shows as tiles.")
class Kpis:
    window: strawberry.Private[Window]

    @guarded(*TIME, description="Hours from time approved to invoice issued (weighted mean).")
    async def time_to_bill_hours(self, info: Info) -> Decimal | None:
        invoices, entries, projects = await asyncio.gather(
            data.invoices(info), _entries(info, self.window), data.projects(info)
        )
        return time_to_bill(
            invoices, entries, projects, since=self.window.since, as_of=self.window.as_of
        )

    @guarded(*STAFF, description="Hours from hire to assignable in the PSA (mean).")
    async def staffing_activation_hours(self, info: Info) -> Decimal | None:
        workers, resources = await asyncio.gather(data.workers(info), data.resources(info))
        needed = info.context.policy.required(*LIST_EVENTS) or ()
        events: list[EventView] = []
        if set(needed) <= info.context.principal.scopes:
            events, _ = await data.events(info, "worker.assignable")
        w = self.window
        return staffing_activation(workers, resources, events, since=w.since, as_of=w.as_of)

    @guarded(LIST_EXCEPTIONS, description="Share of runs started in the window that opened one.")
    async def exception_rate(self, info: Info) -> Decimal | None:
        w = self.window
        runs, _ = await data.runs_between(info, readable_flows(info), w.since, w.as_of)
        opened, _ = await data.exceptions(
            info,
            created_after=data.start_of(w.since),
            created_before=data.start_of(w.as_of + timedelta(days=1)),
        )
        return exception_rate(runs, opened)

    @guarded(LIST_EXCEPTIONS, description="Exceptions open or claimed now.")
    async def open_exceptions(self, info: Info) -> int | None:
        return len(await _open_exceptions(info))

    @guarded(*STAFF, description="Share of active HCM workers assignable in the PSA.")
    async def sync_completeness(self, info: Info) -> Decimal | None:
        workers, resources = await asyncio.gather(data.workers(info), data.resources(info))
        return sync_completeness(workers, resources, self.window.as_of)


@strawberry.type(description="How many open or claimed exceptions a team owns.")
class OwnerCount:
    owner: str
    count: int


@strawberry.type(description="Time-to-bill, staffing latency, exceptions, sync and SLA breaches.")
class IntegrationHealth:
    since: date
    as_of: date
    sla_days: int

    @guarded(description="The console's tiles.")
    def kpis(self) -> Kpis:
        return Kpis(window=Window(self.since, self.as_of, self.sla_days))

    @guarded(LIST_EXCEPTIONS, description="Open or claimed exceptions per owning team.")
    async def open_exceptions_by_owner(self, info: Info) -> list[OwnerCount] | None:
        owners = Counter(e.owner for e in await _open_exceptions(info))
        return [OwnerCount(owner=o, count=n) for o, n in sorted(owners.items())]

    @guarded(*TIME, *STAFF, LIST_EXCEPTIONS, description="Breaches by kind, as of `asOf`.")
    async def sla_breaches(self, info: Info) -> list[SlaBreach] | None:
        window = Window(self.since, self.as_of, self.sla_days)
        entries, projects, workers, resources, open_now = await asyncio.gather(
            _entries(info, window),
            data.projects(info),
            data.workers(info),
            data.resources(info),
            _open_exceptions(info),
        )
        return [
            unbilled_breach(entries, projects, as_of=window.as_of, sla_days=window.sla_days),
            unassignable_breach(workers, resources, as_of=window.as_of, sla_days=window.sla_days),
            overdue_breach(open_now),
        ]
