"""Utilization's people and groups on hand-made records."""

from __future__ import annotations

from decimal import Decimal

from contracts import hcm
from gateway.graphql.dashboards.utilization import GroupBy, group, people
from tests.gateway.graphql.dashboards.records import entry, resource, worker


def availability(worker_id: str, capacity: str, leave: str) -> hcm.WorkerAvailability:
    return hcm.WorkerAvailability(
        worker_id=worker_id,
        capacity_hours=Decimal(capacity),
        leave_hours=Decimal(leave),
        available_hours=Decimal(capacity) - Decimal(leave),
    )


def test_hours_follow_the_resource_to_its_worker_and_groups_sum_before_dividing() -> None:
    workers = [
        worker("E1", org_unit_id="u1", legal_entity="NL01"),
        worker("E2", org_unit_id="u1", legal_entity="GB01"),
    ]
    resources = [resource("E1", id="r1"), resource("E2", id="r2"), resource(None, id="r9")]
    entries = [
        entry(id="1", resource_id="r1", hours=Decimal("30.5"), billable=True),
        entry(id="2", resource_id="r1", hours=Decimal("4"), billable=False),
        entry(id="3", resource_id="r2", hours=Decimal(10), billable=True),
        entry(id="4", resource_id="r9", hours=Decimal(3), billable=True),  # in no HCM
    ]
    available = {"e1": availability("e1", "168", "8"), "e2": availability("e2", "80", "80")}

    persons = people(workers, resources, entries, available)
    by_worker = {r.key: r for r in group(persons, GroupBy.WORKER, {})}
    by_unit = {r.key: r for r in group(persons, GroupBy.ORG_UNIT, {"u1": "Consulting"})}

    e1 = by_worker["E1"]
    assert (e1.billable_hours, e1.non_billable_hours) == (Decimal("30.50"), Decimal("4.00"))
    assert (e1.available_hours, e1.utilization) == (Decimal("160.00"), Decimal("0.1906"))
    assert e1.total_utilization == Decimal("0.2156")
    assert by_worker["E2"].utilization is None  # a month of leave: nothing available
    assert by_worker["psa:r9"].billable_hours == Decimal("3.00")
    consulting = by_unit["u1"]
    assert (consulting.label, consulting.people) == ("Consulting", 2)
    assert consulting.utilization == Decimal("0.2531")  # 40.5 / 160
    assert by_unit["none"].label == "No org unit"
    entities = {r.key for r in group(persons, GroupBy.LEGAL_ENTITY, {})}
    assert entities == {"GB01", "NL01"}
