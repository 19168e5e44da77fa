"""Utilization: billable and non-billable hours against capacity minus leave, per group.

For one period and each person (an HCM worker, matched to the PSA resource that books time
by employee number; a resource the HCM lacks counts on its own):

    capacity    the HCM's contracted hours on the period's working days while employed,
                holidays excluded (the HCM's firm-wide availability, one read)
    leave       approved leave in the period, capped at each day's hours (same source)
    available   capacity - leave
    billable    hours of the PSA's billable time entries spent in the period (every
                approval state: time logged is time used); non-billable likewise
    utilization = billable ÷ available;  totalUtilization = (billable + non-billable) ÷ available

Groups (worker, org unit, legal entity) sum their people's hours before dividing. Sums are
Decimal, hours shown to the cent, ratios to four places (half-up); a ratio over zero
available hours is null.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

import strawberry

from contracts import hcm, psa
from gateway.graphql.context import Info
from gateway.graphql.dashboards import data
from gateway.graphql.dashboards.periods import parse_period

ZERO = Decimal(0)
HOURS = Decimal("0.01")
RATIO = Decimal("0.0001")
NONE_KEY = "none"


@strawberry.enum(description="How utilization rows are grouped.")
class GroupBy(Enum):
    WORKER = "worker"
    ORG_UNIT = "org_unit"
    LEGAL_ENTITY = "legal_entity"


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole to four places, half-up; None over zero."""
    return None if whole <= 0 else (part / whole).quantize(RATIO, ROUND_HALF_UP)


@dataclass
class Tally:
    """Hours of one person or group."""

    billable: Decimal = ZERO
    non_billable: Decimal = ZERO
    capacity: Decimal = ZERO
    leave: Decimal = ZERO
    people: int = 0

    def add(self, other: Tally) -> None:
        self.billable += other.billable
        self.non_billable += other.non_billable
        self.capacity += other.capacity
        self.leave += other.leave
        self.people += other.people

    @property
    def available(self) -> Decimal:
        return max(ZERO, self.capacity - self.leave)


@dataclass
class Person:
    """Whom hours belong to, and where they sit."""

    key: str
    label: str
    org_unit: str | None
    legal_entity: str | None
    tally: Tally = field(default_factory=lambda: Tally(people=1))


def _staff(
    workers: Iterable[hcm.Worker], available: dict[str, hcm.WorkerAvailability]
) -> dict[str, Person]:
    """Every HCM worker as a person, by key, with their capacity and leave."""
    found: dict[str, Person] = {}
    for worker in workers:
        job = worker.employment
        key = worker.employee_number or f"hcm:{worker.id}"
        person = Person(key, worker.display_name, job.org_unit_id, job.legal_entity)
        row = available.get(worker.id)
        if row is not None:
            person.tally.capacity, person.tally.leave = row.capacity_hours, row.leave_hours
        found[key] = person
    return found


def _owners(found: dict[str, Person], resources: Iterable[psa.Resource]) -> dict[str, Person]:
    """The person behind each PSA resource (added to `found` when the HCM lacks them)."""
    owners: dict[str, Person] = {}
    for resource in resources:
        key = resource.employee_number or f"psa:{resource.id}"
        name = f"{resource.first_name} {resource.last_name}"
        owners[resource.id] = found.setdefault(key, Person(key, name, None, resource.legal_entity))
    return owners


def people(
    workers: Iterable[hcm.Worker],
    resources: Iterable[psa.Resource],
    entries: Iterable[psa.TimeEntry],
    available: dict[str, hcm.WorkerAvailability],
) -> list[Person]:
    """Each person with capacity or hours in the period, with their tally."""
    found = _staff(workers, available)
    owners = _owners(found, resources)
    for entry in entries:
        key = f"psa:{entry.resource_id}"
        owner = owners.get(entry.resource_id)
        person = owner if owner is not None else found.setdefault(key, Person(key, key, None, None))
        if entry.billable:
            person.tally.billable += entry.hours
        else:
            person.tally.non_billable += entry.hours
    return [
        p for p in found.values() if p.tally.capacity or p.tally.billable or p.tally.non_billable
    ]


@strawberry.type(description="Hours and utilization of one worker, org unit or legal entity.")
class UtilizationRow:
    key: str = strawberry.field(description="Employee number, org unit id or entity code.")
    label: str
    people: int = strawberry.field(description="People counted in the row.")
    billable_hours: Decimal
    non_billable_hours: Decimal
    capacity_hours: Decimal = strawberry.field(description="Contracted hours (HCM).")
    leave_hours: Decimal = strawberry.field(description="Approved leave (HCM).")
    available_hours: Decimal = strawberry.field(description="Capacity minus leave.")
    utilization: Decimal | None = strawberry.field(description="Billable ÷ available hours.")
    total_utilization: Decimal | None = strawberry.field(
        description="All hours logged ÷ available hours."
    )

    @classmethod
    def of(cls, key: str, label: str, tally: Tally) -> UtilizationRow:
        return cls(
            key=key,
            label=label,
            people=tally.people,
            billable_hours=tally.billable.quantize(HOURS, ROUND_HALF_UP),
            non_billable_hours=tally.non_billable.quantize(HOURS, ROUND_HALF_UP),
            capacity_hours=tally.capacity.quantize(HOURS, ROUND_HALF_UP),
            leave_hours=tally.leave.quantize(HOURS, ROUND_HALF_UP),
            available_hours=tally.available.quantize(HOURS, ROUND_HALF_UP),
            utilization=ratio(tally.billable, tally.available),
            total_utilization=ratio(tally.billable + tally.non_billable, tally.available),
        )


def group(
    persons: Iterable[Person], group_by: GroupBy, unit_names: dict[str, str]
) -> list[UtilizationRow]:
    """One row per group, by key."""
    tallies: defaultdict[str, Tally] = defaultdict(Tally)
    labels: dict[str, str] = {}
    for person in persons:
        if group_by is GroupBy.WORKER:
            key, label = person.key, person.label
        elif group_by is GroupBy.ORG_UNIT:
            key = person.org_unit or NONE_KEY
            label = unit_names.get(key, "No org unit" if key == NONE_KEY else key)
        else:
            key = person.legal_entity or NONE_KEY
            label = "No legal entity" if key == NONE_KEY else key
        tallies[key].add(person.tally)
        labels[key] = label
    return [UtilizationRow.of(k, labels[k], tallies[k]) for k in sorted(tallies)]


@strawberry.type(description="Billable and non-billable hours against capacity minus leave.")
class Utilization:
    period: str
    start: date
    end: date
    group_by: GroupBy
    rows: list[UtilizationRow]
    total: UtilizationRow


async def utilization(info: Info, period: str, group_by: GroupBy) -> Utilization:
    span = parse_period(period)
    workers, units, resources, entries, available = await asyncio.gather(
        data.workers(info),
        data.org_units(info),
        data.resources(info),
        data.time_entries(info, start=span.start, end=span.end),
        data.availability(info, span.start, span.end),
    )
    persons = people(workers, resources, entries, available)
    total = Tally()
    for person in persons:
        total.add(person.tally)
    return Utilization(
        period=span.label,
        start=span.start,
        end=span.end,
        group_by=group_by,
        rows=group(persons, group_by, {u.id: u.name for u in units}),
        total=UtilizationRow.of("total", "Total", total),
    )
