"""Workers: ~200 people across three legal entities, with managers, grades and rates."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sandboxes.demo_firm.names import CITIES, FIRST_NAMES, LAST_NAMES
from sandboxes.demo_firm.organisation import JOB_TITLES, LEGAL_ENTITIES
from sandboxes.demo_firm.records import Grade, LegalEntity, Worker

HEADCOUNT = {"US01": 90, "GB01": 65, "NL01": 45}
# Share of each entity's staff (after its managing director) per department.
DEPARTMENT_SHARE = (
    ("CON", 0.30),
    ("ENG", 0.25),
    ("DAT", 0.15),
    ("DES", 0.10),
    ("SAL", 0.08),
    ("FIN", 0.06),
    ("PPL", 0.06),
)
STAFF_LEVELS = (1, 2, 3, 4, 5)
STAFF_LEVEL_WEIGHTS = (25, 30, 25, 15, 5)
FULL_TIME_HOURS = {"US": Decimal(40), "GB": Decimal("37.5"), "NL": Decimal(40)}
EMAIL_DOMAIN = "atrium-advisory.example"


class _People:
    """Builds workers one at a time, keeping names and emails unique."""

    def __init__(self, rng: random.Random, grades: dict[int, Grade], today: date) -> None:
        self.rng = rng
        self.grades = grades
        self.today = today
        self.workers: list[Worker] = []
        self.names: set[tuple[str, str]] = set()

    def _name(self, country: str) -> tuple[str, str]:
        while True:
            name = (
                self.rng.choice(FIRST_NAMES[country]),
                self.rng.choice(LAST_NAMES[country]),
            )
            if name not in self.names:
                self.names.add(name)
                return name

    def _hire_date(self, senior: bool) -> date:
        first = date(2012, 1, 1) if senior else date(2016, 1, 1)
        span = (self.today - timedelta(days=20) - first).days
        return first + timedelta(days=self.rng.randrange(span))

    def add(
        self, le: LegalEntity, dept: str, level: int, manager: str | None, title: str
    ) -> Worker:
        first, last = self._name(le.country)
        number = len(self.workers) + 1
        local = f"{first}.{last}".lower().replace(" ", "")
        grade = self.grades[level]
        part_time = level < 4 and self.rng.random() < 0.1
        capacity = Decimal(self.rng.choice((24, 32))) if part_time else FULL_TIME_HOURS[le.country]
        cities = CITIES[le.country]
        worker = Worker(
            id=number,
            employee_number=f"E{number:04d}",
            first_name=first,
            last_name=last,
            email=f"{local}@{EMAIL_DOMAIN}",
            job_title=title,
            department=dept,
            cost_centre=f"CC-{le.code}-{dept}",
            grade=grade.code,
            location=cities[0] if self.rng.random() < 0.6 else self.rng.choice(cities),
            legal_entity=le.code,
            manager=manager,
            hire_date=self._hire_date(senior=manager is None or level >= 5),
            termination_date=None,
            status="active",
            employment_type="part_time" if part_time else "full_time",
            weekly_capacity_hours=capacity,
            currency=le.currency,
            cost_rate=grade.cost_rates[le.currency],
            bill_rate=grade.bill_rates[le.currency],
        )
        self.workers.append(worker)
        return worker


def _department_sizes(total: int) -> list[tuple[str, int]]:
    sizes = [(dept, max(2, round(total * share))) for dept, share in DEPARTMENT_SHARE]
    drift = total - sum(n for _, n in sizes)
    return [(sizes[0][0], sizes[0][1] + drift), *sizes[1:]]  # consulting absorbs rounding


def _staff_department(people: _People, le: LegalEntity, dept: str, size: int, md: str) -> None:
    lead = people.add(le, dept, 6 if dept == "CON" else 5, md, JOB_TITLES[dept][3])
    managers = [lead]
    for _ in range(size - 1):
        level = people.rng.choices(STAFF_LEVELS, STAFF_LEVEL_WEIGHTS)[0]
        above = [m for m in managers if int(m.grade[1:]) > level]
        manager = people.rng.choice(above) if above else lead
        title = JOB_TITLES[dept][min(level, 4) - 1]
        worker = people.add(le, dept, level, manager.employee_number, title)
        if level >= 4:
            managers.append(worker)


def _terminate(rng: random.Random, workers: list[Worker], today: date) -> list[Worker]:
    """End the employment of a few juniors who manage no one, mostly within the last months."""
    managing = {w.manager for w in workers}
    candidates = [
        w
        for w in workers
        if w.employee_number not in managing
        and w.grade in ("G1", "G2", "G3")
        and w.hire_date < today - timedelta(days=200)
    ]
    leavers = {w.employee_number for w in rng.sample(candidates, 9)}
    return [
        replace(w, termination_date=today - timedelta(rng.randrange(5, 150)), status="terminated")
        if w.employee_number in leavers
        else w
        for w in workers
    ]


def build_workers(rng: random.Random, grades: tuple[Grade, ...], today: date) -> list[Worker]:
    """Every worker, managers before their reports, numbered E0001 upwards."""
    people = _People(rng, {g.level: g for g in grades}, today)
    ceo: str | None = None
    for le in LEGAL_ENTITIES:
        title = "Chief Executive Officer" if ceo is None else "Managing Director"
        md = people.add(le, "LDR", 6, ceo, title)
        ceo = ceo or md.employee_number
        for dept, size in _department_sizes(HEADCOUNT[le.code] - 1):
            _staff_department(people, le, dept, size, md.employee_number)
    return _terminate(rng, people.workers, today)
