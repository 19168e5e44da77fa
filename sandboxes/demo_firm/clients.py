"""Customers (~40) and their projects (~60) with the tasks enabled on each."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sandboxes.demo_firm.names import (
    CITIES,
    CUSTOMER_STEMS,
    CUSTOMER_TRADES,
    ENGAGEMENTS,
    LEGAL_SUFFIXES,
)
from sandboxes.demo_firm.organisation import LEGAL_ENTITIES, TASKS
from sandboxes.demo_firm.records import Customer, Project, ProjectTask, Worker

CUSTOMERS_PER_ENTITY = {"US01": 18, "GB01": 12, "NL01": 10}
PROJECT_COUNT = 60
DELIVERY_TASKS = ("DISC", "DESIGN", "BUILD", "TEST", "TRAIN")


def _tax_number(rng: random.Random, country: str) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(9))
    if country == "US":
        return f"{digits[:2]}-{digits[2:]}"
    if country == "GB":
        return f"GB {digits[:3]} {digits[3:7]} {digits[7:]}"
    return f"NL{digits}B01"


def build_customers(rng: random.Random) -> list[Customer]:
    """Customers of each legal entity, invoiced in its currency; C0001 upwards."""
    stems = rng.sample(CUSTOMER_STEMS, sum(CUSTOMERS_PER_ENTITY.values()))
    customers: list[Customer] = []
    for le in LEGAL_ENTITIES:
        for _ in range(CUSTOMERS_PER_ENTITY[le.code]):
            stem = stems[len(customers)]
            trade = rng.choice(CUSTOMER_TRADES)
            number = len(customers) + 1
            customers.append(
                Customer(
                    id=number,
                    customer_number=f"C{number:04d}",
                    name=f"{stem} {trade} {rng.choice(LEGAL_SUFFIXES[le.country])}",
                    legal_entity=le.code,
                    currency=le.currency,
                    country=le.country,
                    city=rng.choice(CITIES[le.country]),
                    tax_number=_tax_number(rng, le.country),
                    billing_email=f"accounts@{stem.lower()}-{trade.lower()}.example",
                    payment_terms_days=rng.choice((30, 30, 30, 14, 45, 60)),
                )
            )
    return customers


def _schedule(rng: random.Random, index: int, today: date) -> tuple[str, date, date | None]:
    """Status and dates: 8 closed, 4 planned, the rest active."""
    if index < 8:
        start = date(today.year, 1, 5) + timedelta(days=rng.randrange(150))
        end = today - timedelta(days=rng.randrange(15, 110) if index > 1 else 120 + index)
        return "closed", start, end
    if index < 12:
        start = today + timedelta(days=rng.randrange(2, 40))
        return "planned", start, start + timedelta(days=rng.randrange(90, 240))
    start = today - timedelta(days=rng.randrange(45, 420))
    open_ended = rng.random() < 0.3
    return "active", start, None if open_ended else today + timedelta(rng.randrange(30, 300))


def _manager(rng: random.Random, workers: list[Worker], legal_entity: str) -> Worker:
    seniors = [
        w
        for w in workers
        if w.legal_entity == legal_entity
        and w.status == "active"
        and w.grade in ("G4", "G5", "G6")
        and w.department in ("CON", "ENG", "DAT", "DES")
    ]
    return rng.choice(seniors)


def build_projects(
    rng: random.Random, customers: list[Customer], workers: list[Worker], today: date
) -> list[Project]:
    """One project per customer, then more for customers drawn at random; PRJ-0001 upwards."""
    owners = customers + [rng.choice(customers) for _ in range(PROJECT_COUNT - len(customers))]
    order = list(range(PROJECT_COUNT))
    rng.shuffle(order)  # so closed and planned projects are spread over customers
    projects: list[Project] = []
    used: set[tuple[str, str]] = set()
    for number, customer in enumerate(owners, start=1):
        engagement = rng.choice([e for e in ENGAGEMENTS if (customer.name, e) not in used])
        used.add((customer.name, engagement))
        status, start, end = _schedule(rng, order[number - 1], today)
        manager = _manager(rng, workers, customer.legal_entity)
        billable = rng.random() > 0.09
        projects.append(
            Project(
                id=number,
                code=f"PRJ-{number:04d}",
                name=f"{customer.name.split()[0]} {engagement}",
                customer=customer.customer_number,
                legal_entity=customer.legal_entity,
                currency=customer.currency,
                billable=billable,
                billing_method="fixed_fee"
                if billable and rng.random() < 0.1
                else ("time_and_materials"),
                budget_hours=Decimal(rng.randrange(6, 50) * 50),
                start_date=start,
                end_date=end,
                status=status,
                manager=manager.employee_number,
                cost_centre=manager.cost_centre,
            )
        )
    return projects


def build_project_tasks(rng: random.Random, projects: list[Project]) -> list[ProjectTask]:
    """Project management plus two to four delivery tasks per project, sometimes pre-sales."""
    billable_by_default = {t.code: t.billable_by_default for t in TASKS}
    rows: list[ProjectTask] = []
    for project in projects:
        codes = ["PM", *sorted(rng.sample(DELIVERY_TASKS, rng.randint(2, 4)))]
        if rng.random() < 0.25:
            codes.append("PRESALES")
        for code in codes:
            billable = project.billable and billable_by_default[code]
            rows.append(ProjectTask(len(rows) + 1, project.code, code, billable))
    return rows
