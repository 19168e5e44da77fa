"""The deliberate disagreements between systems that a reconciliation should find."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sandboxes.demo_firm.names import SUFFIX_VARIANTS
from sandboxes.demo_firm.organisation import working_days
from sandboxes.demo_firm.records import (
    Assignment,
    Customer,
    Inconsistency,
    Invoice,
    LeaveRequest,
    Project,
    ProjectTask,
    TimeEntry,
    Worker,
)

DELIVERY = frozenset({"CON", "ENG", "DAT", "DES"})


def unprovisioned_worker(workers: list[Worker]) -> Worker:
    """The newest delivery hire: in the HCM, never set up in the PSA."""
    joiners = [w for w in workers if w.status == "active" and w.department in DELIVERY]
    return max(joiners, key=lambda w: (w.hire_date, w.employee_number))


def missing_psa_worker(worker: Worker) -> Inconsistency:
    return Inconsistency(
        "missing_record",
        "psa",
        "worker",
        worker.employee_number,
        None,
        None,
        f"{worker.name} joined on {worker.hire_date} but has no PSA user yet",
    )


def renamed_erp_customer(rng: random.Random, customers: list[Customer]) -> Inconsistency:
    customer = rng.choice(customers)
    *stem, suffix = customer.name.split()
    variant = " ".join([*stem, SUFFIX_VARIANTS[suffix]])
    return Inconsistency(
        "field_mismatch",
        "erp",
        "customer",
        customer.customer_number,
        "name",
        variant,
        f"the ERP spells {customer.name!r} as {variant!r}",
    )


def missing_billing_customer(customers: list[Customer], invoices: list[Invoice]) -> Inconsistency:
    invoiced = {i.customer for i in invoices}
    customer = next((c for c in customers if c.customer_number not in invoiced), customers[-1])
    return Inconsistency(
        "missing_record",
        "billing",
        "customer",
        customer.customer_number,
        None,
        None,
        f"{customer.name} was never created in billing",
    )


def worker_mismatches(rng: random.Random, workers: list[Worker]) -> list[Inconsistency]:
    """An outdated email and a leaver still active in the PSA; an unknown cost centre in HCM."""
    active = [w for w in workers if w.status == "active" and w.department in DELIVERY]
    stale, moved = rng.sample(active, 2)
    leaver = rng.choice([w for w in workers if w.status == "terminated"])
    old_email = f"{stale.first_name[0]}{stale.last_name}".lower().replace(" ", "")
    old_email += "@" + stale.email.split("@")[1]
    unknown_cc = f"CC-{moved.legal_entity}-MKT"
    return [
        Inconsistency(
            "field_mismatch", "psa", "worker", stale.employee_number, "email", old_email,
            f"the PSA still has {stale.name}'s old address",
        ),
        Inconsistency(
            "field_mismatch", "psa", "worker", leaver.employee_number, "status", "active",
            f"{leaver.name} left on {leaver.termination_date} but is active in the PSA",
        ),
        Inconsistency(
            "field_mismatch", "hcm", "worker", moved.employee_number, "cost_centre", unknown_cc,
            f"the HCM files {moved.name} under {unknown_cc}, which the ERP does not know",
        ),
    ]  # fmt: skip


def time_on_closed_project(
    projects: list[Project],
    tasks: list[ProjectTask],
    assignments: list[Assignment],
    workers: list[Worker],
    next_id: int,
) -> tuple[TimeEntry, Inconsistency]:
    """An entry logged a few days after its project was closed."""
    active = {w.employee_number for w in workers if w.status == "active"}
    project = max(
        (p for p in projects if p.status == "closed" and p.end_date is not None),
        key=lambda p: (p.end_date, p.code),
    )
    assert project.end_date is not None
    who = next(a for a in assignments if a.project == project.code and a.worker in active)
    day = working_days(project.end_date + timedelta(days=3), project.end_date + timedelta(9))[0]
    pm = next(t for t in tasks if t.project == project.code and t.task == "PM")
    entry = _entry(next_id, who, day, pm.billable)
    return entry, Inconsistency(
        "time_on_closed_project", "psa", "time_entry", str(entry.id), "project", project.code,
        f"time logged on {day} on {project.code}, closed on {project.end_date}",
    )  # fmt: skip


def time_on_leave(
    leave: list[LeaveRequest], entries: list[TimeEntry], today: date, next_id: int
) -> tuple[TimeEntry, Inconsistency]:
    """An approved entry on a day its worker was on approved leave (copying their last one)."""
    logged: dict[str, list[TimeEntry]] = defaultdict(list)
    for e in entries:
        logged[e.worker].append(e)
    for request in leave:
        if request.status != "approved" or request.end_date >= today:
            continue
        before = [e for e in logged[request.worker] if e.spent_date < request.start_date]
        if before:
            break
    else:
        raise LookupError("no approved past leave after some logged time")
    entry = replace(
        before[-1],
        id=next_id,
        spent_date=request.start_date,
        approved=True,
        billed=False,
        invoice_number=None,
        notes="Urgent fix while on leave",
    )
    return entry, Inconsistency(
        "time_on_leave", "psa", "time_entry", str(entry.id), "spent_date", None,
        f"{request.worker} logged time on {request.start_date} during approved leave",
    )  # fmt: skip


def _entry(entry_id: int, assignment: Assignment, day: date, billable: bool) -> TimeEntry:
    return TimeEntry(
        id=entry_id,
        worker=assignment.worker,
        project=assignment.project,
        task="PM",
        spent_date=day,
        hours=Decimal("1.5"),
        notes="Follow-up call after closure",
        billable=billable,
        bill_rate=assignment.bill_rate if billable else Decimal(0),
        approved=False,
        billed=False,
        invoice_number=None,
    )
