"""Three months of time entries: working days only, about 2-6 hours each, off approved leave."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sandboxes.demo_firm.names import NOTES
from sandboxes.demo_firm.organisation import working_days
from sandboxes.demo_firm.records import (
    Assignment,
    LeaveRequest,
    Project,
    ProjectTask,
    TimeEntry,
    Worker,
)

QUARTER_HOURS = tuple(Decimal(n) / 4 for n in range(8, 25))  # 2.00 .. 6.00
APPROVAL_LAG_DAYS = 14


def window_start(today: date) -> date:
    """The first day of the month two months before `today`'s: three months of history."""
    months = today.year * 12 + today.month - 1 - 2
    return date(months // 12, months % 12 + 1, 1)


def _on_leave(leave: list[LeaveRequest]) -> set[tuple[str, date]]:
    days: set[tuple[str, date]] = set()
    for request in leave:
        if request.status == "approved":
            for day in working_days(request.start_date, request.end_date):
                days.add((request.worker, day))
    return days


def _span(assignment: Assignment, project: Project) -> tuple[date, date]:
    """The days on which time can be logged against the assignment."""
    if project.status == "planned":
        return date.max, date.min
    ends = [d for d in (assignment.end_date, project.end_date) if d is not None]
    return max(assignment.start_date, project.start_date), min(ends, default=date.max)


class _Entries:
    def __init__(self, rng: random.Random, today: date, tasks: dict[str, list[ProjectTask]]):
        self.rng = rng
        self.today = today
        self.tasks = tasks
        self.rows: list[TimeEntry] = []

    def add(self, assignment: Assignment, day: date, hours: Decimal, project: Project) -> None:
        options = self.tasks[assignment.project]
        manages = project.manager == assignment.worker
        task = options[0] if manages else self.rng.choice(options)  # options[0] is PM
        recent = day >= self.today - timedelta(days=APPROVAL_LAG_DAYS)
        approved = self.rng.random() < (0.4 if recent else 0.97)
        self.rows.append(
            TimeEntry(
                id=len(self.rows) + 1,
                worker=assignment.worker,
                project=assignment.project,
                task=task.task,
                spent_date=day,
                hours=hours,
                notes=self.rng.choice(NOTES),
                billable=task.billable,
                bill_rate=assignment.bill_rate if task.billable else Decimal(0),
                approved=approved,
                billed=False,
                invoice_number=None,
            )
        )


def build_time_entries(
    rng: random.Random,
    *,
    today: date,
    workers: list[Worker],
    projects: list[Project],
    project_tasks: list[ProjectTask],
    assignments: list[Assignment],
    leave: list[LeaveRequest],
) -> list[TimeEntry]:
    """One or two entries per staffed working day, from the window start to yesterday."""
    by_code = {p.code: p for p in projects}
    tasks: dict[str, list[ProjectTask]] = defaultdict(list)
    for row in project_tasks:
        tasks[row.project].append(row)
    staffed: dict[str, list[tuple[Assignment, date, date]]] = defaultdict(list)
    for a in assignments:
        staffed[a.worker].append((a, *_span(a, by_code[a.project])))
    away = _on_leave(leave)
    entries = _Entries(rng, today, tasks)
    calendar = working_days(window_start(today), today - timedelta(days=1))
    for worker in workers:
        own = staffed.get(worker.employee_number, [])
        presence = float(worker.weekly_capacity_hours) / 40 - 0.05  # part-timers log less
        last = worker.termination_date or today
        for day in calendar:
            if not worker.hire_date <= day <= last or (worker.employee_number, day) in away:
                continue
            live = [a for a, lo, hi in own if lo <= day <= hi]
            if not live or rng.random() > presence:
                continue
            picked = rng.sample(live, 2 if len(live) > 1 and rng.random() < 0.3 else 1)
            first = rng.choice(QUARTER_HOURS)
            entries.add(picked[0], day, first, by_code[picked[0].project])
            if len(picked) == 2:
                second = rng.choice([h for h in QUARTER_HOURS if h + first <= 8])
                entries.add(picked[1], day, second, by_code[picked[1].project])
    return entries.rows
