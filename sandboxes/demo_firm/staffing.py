"""Assignments of workers to projects, and leave requests that do not collide with each other."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sandboxes.demo_firm.organisation import working_days
from sandboxes.demo_firm.records import Assignment, Grade, LeaveRequest, Project, Worker

DELIVERY = frozenset({"CON", "ENG", "DAT", "DES"})
MAX_CONCURRENT_ASSIGNMENTS = 3
LEAVE_TYPES = ("Vacation", "Sick", "Personal")
LEAVE_TYPE_WEIGHTS = (70, 20, 10)


def _window(project: Project, worker: Worker) -> tuple[date, date | None]:
    start = max(project.start_date, worker.hire_date)
    ends = [d for d in (project.end_date, worker.termination_date) if d is not None]
    return start, min(ends) if ends else None


class _Staffing:
    def __init__(self, rng: random.Random, grades: dict[str, Grade]) -> None:
        self.rng = rng
        self.grades = grades
        self.rows: list[Assignment] = []
        self.load: dict[str, int] = defaultdict(int)
        self.staffed: set[tuple[str, str]] = set()  # (worker, project): one assignment each

    def assign(self, worker: Worker, project: Project, role: str, hours: int) -> None:
        start, end = _window(project, worker)
        if end is not None and end < start:
            return
        self.load[worker.employee_number] += 1
        self.staffed.add((worker.employee_number, project.code))
        self.rows.append(
            Assignment(
                id=len(self.rows) + 1,
                worker=worker.employee_number,
                project=project.code,
                role=role,
                bill_rate=self.grades[worker.grade].bill_rates[project.currency],
                currency=project.currency,
                hours_per_week=Decimal(hours),
                start_date=start,
                end_date=end,
            )
        )

    def team(self, project: Project, pool: list[Worker]) -> None:
        home = [w for w in pool if w.legal_entity == project.legal_entity]
        for _ in range(self.rng.randint(2, 6)):
            source = home if self.rng.random() < 0.8 else pool
            free = [
                w
                for w in source
                if self.load[w.employee_number] < MAX_CONCURRENT_ASSIGNMENTS
                and (w.employee_number, project.code) not in self.staffed
                and w.employee_number != project.manager
            ]
            if free:
                worker = self.rng.choice(free)
                hours = self.rng.randint(8, 32)
                self.assign(worker, project, self.grades[worker.grade].name, hours)


def build_assignments(
    rng: random.Random, workers: list[Worker], projects: list[Project], grades: tuple[Grade, ...]
) -> list[Assignment]:
    """The manager and a team of two to six on every project; every consultant staffed once."""
    staffing = _Staffing(rng, {g.code: g for g in grades})
    by_number = {w.employee_number: w for w in workers}
    delivery = [w for w in workers if w.department in DELIVERY and w.grade != "G6"]
    for project in projects:
        staffing.assign(by_number[project.manager], project, "Engagement Manager", 8)
        staffing.team(project, delivery)
    running = [p for p in projects if p.status == "active"]
    for worker in delivery:
        if staffing.load[worker.employee_number] == 0:
            same_entity = [p for p in running if p.legal_entity == worker.legal_entity]
            project = rng.choice(same_entity)
            staffing.assign(worker, project, grades_name(grades, worker.grade), 24)
    return staffing.rows


def grades_name(grades: tuple[Grade, ...], code: str) -> str:
    return next(g.name for g in grades if g.code == code)


def _leave_status(rng: random.Random, kind: str, end: date, today: date) -> str:
    if kind == "Sick" or end < today:
        return "approved" if kind == "Sick" or rng.random() < 0.85 else "cancelled"
    return "approved" if rng.random() < 0.6 else "requested"


def build_leave(rng: random.Random, workers: list[Worker], today: date) -> list[LeaveRequest]:
    """One or two leave requests for about half the workers, three months back to two ahead."""
    rows: list[LeaveRequest] = []
    calendar = working_days(today - timedelta(days=90), today + timedelta(days=60))
    for worker in workers:
        if rng.random() > 0.45:
            continue
        last_day = worker.termination_date or calendar[-1]
        days = [d for d in calendar if worker.hire_date <= d <= last_day]
        taken: set[date] = set()
        for _ in range(rng.randint(1, 2)):
            kind = rng.choices(LEAVE_TYPES, LEAVE_TYPE_WEIGHTS)[0]
            span = rng.randint(1, 3) if kind != "Vacation" else rng.choice((1, 2, 3, 5, 5, 10))
            past = [d for d in days if d < today]
            choices = past if kind == "Sick" else days
            if len(choices) <= span:
                continue
            first = rng.randrange(len(choices) - span)
            block = choices[first : first + span]
            if taken & set(block) or (block[-1] - block[0]).days > span + 4:
                continue  # overlapping or straddling a gap: skip rather than distort
            taken |= set(block)
            per_day = worker.weekly_capacity_hours / 5
            rows.append(
                LeaveRequest(
                    id=len(rows) + 1,
                    worker=worker.employee_number,
                    type=kind,
                    start_date=block[0],
                    end_date=block[-1],
                    days=Decimal(len(block)),
                    hours=(per_day * len(block)).quantize(Decimal("0.01")),
                    status=_leave_status(rng, kind, block[-1], today),
                    requested_on=block[0]
                    if kind == "Sick"
                    else block[0] - timedelta(days=rng.randint(5, 40)),
                )
            )
    return rows
