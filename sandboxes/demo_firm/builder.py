"""`build_demo_firm`: the whole firm from one seed, the same every time."""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from sandboxes.demo_firm import inconsistencies as odd
from sandboxes.demo_firm.clients import build_customers, build_project_tasks, build_projects
from sandboxes.demo_firm.firm import DemoFirm
from sandboxes.demo_firm.invoicing import build_invoices
from sandboxes.demo_firm.organisation import (
    ACCOUNTS,
    DEPARTMENTS,
    LEGAL_ENTITIES,
    TASKS,
    build_cost_centres,
    build_grades,
    build_periods,
)
from sandboxes.demo_firm.people import build_workers
from sandboxes.demo_firm.staffing import build_assignments, build_leave
from sandboxes.demo_firm.timesheets import build_time_entries, window_start

TODAY = date(2026, 10, 31)
LOCK_DATE = date(2026, 8, 31)


@cache
def build_demo_firm(seed: int = 42) -> DemoFirm:
    """The demo firm for `seed` (memoised: records are immutable, share them freely)."""
    rng = random.Random(seed)  # noqa: S311  (sample data, not secrets)
    grades = build_grades()
    workers = build_workers(rng, grades, TODAY)
    customers = build_customers(rng)
    projects = build_projects(rng, customers, workers, TODAY)
    project_tasks = build_project_tasks(rng, projects)
    newcomer = odd.unprovisioned_worker(workers)
    assignments = [
        a
        for a in build_assignments(rng, workers, projects, grades)
        if a.worker != newcomer.employee_number
    ]
    leave = build_leave(rng, workers, TODAY)
    entries = build_time_entries(
        rng,
        today=TODAY,
        workers=workers,
        projects=projects,
        project_tasks=project_tasks,
        assignments=assignments,
        leave=leave,
    )
    closed_entry, closed_note = odd.time_on_closed_project(
        projects, project_tasks, assignments, workers, len(entries) + 1
    )
    entries.append(closed_entry)
    invoices, entries = build_invoices(
        rng,
        today=TODAY,
        first_month=window_start(TODAY),
        customers=customers,
        projects=projects,
        entries=entries,
    )
    leave_entry, leave_note = odd.time_on_leave(leave, entries, TODAY, len(entries) + 1)
    entries.append(leave_entry)
    notes = [
        odd.missing_psa_worker(newcomer),
        odd.renamed_erp_customer(rng, customers),
        odd.missing_billing_customer(customers, invoices),
        *odd.worker_mismatches(rng, workers),
        closed_note,
        leave_note,
    ]
    return DemoFirm(
        seed=seed,
        today=TODAY,
        lock_date=LOCK_DATE,
        legal_entities=LEGAL_ENTITIES,
        departments=DEPARTMENTS,
        cost_centres=build_cost_centres(),
        grades=grades,
        accounts=ACCOUNTS,
        accounting_periods=build_periods(TODAY, LOCK_DATE),
        tasks=TASKS,
        workers=tuple(workers),
        customers=tuple(customers),
        projects=tuple(projects),
        project_tasks=tuple(project_tasks),
        assignments=tuple(assignments),
        time_entries=tuple(entries),
        leave_requests=tuple(leave),
        invoices=tuple(invoices),
        inconsistencies=tuple(notes),
    )
