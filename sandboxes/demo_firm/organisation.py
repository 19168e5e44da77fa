"""The firm's fixed structure: legal entities, departments, cost centres, grades, accounts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from sandboxes.demo_firm.records import (
    Account,
    AccountingPeriod,
    CostCentre,
    Department,
    Grade,
    LegalEntity,
    Task,
)

LEGAL_ENTITIES = (
    LegalEntity(
        "US01",
        "Atrium Advisory Inc.",
        "US",
        "USD",
        "84-2719305",
        Decimal("0.00"),
        "New York",
        "America/New_York",
    ),
    LegalEntity(
        "GB01",
        "Atrium Advisory Ltd",
        "GB",
        "GBP",
        "GB 284 1937 52",
        Decimal("0.20"),
        "London",
        "Europe/London",
    ),
    LegalEntity(
        "NL01",
        "Atrium Advisory B.V.",
        "NL",
        "EUR",
        "NL862019374B01",
        Decimal("0.21"),
        "Amsterdam",
        "Europe/Amsterdam",
    ),
)

DEPARTMENTS = (
    Department("CON", "Consulting", billable=True),
    Department("ENG", "Engineering", billable=True),
    Department("DAT", "Data & Analytics", billable=True),
    Department("DES", "Design", billable=True),
    Department("SAL", "Sales", billable=False),
    Department("FIN", "Finance", billable=False),
    Department("PPL", "People", billable=False),
    Department("LDR", "Leadership", billable=False),
)

# Hourly rates in USD; GBP and EUR are derived (rounded to 5) so rates look set by hand.
_GRADES = (
    ("G1", "Analyst", 45, 120),
    ("G2", "Consultant", 60, 160),
    ("G3", "Senior Consultant", 80, 210),
    ("G4", "Manager", 100, 260),
    ("G5", "Senior Manager", 125, 310),
    ("G6", "Director", 160, 380),
)
_FX = {"USD": Decimal(1), "GBP": Decimal("0.80"), "EUR": Decimal("0.92")}

JOB_TITLES = {
    "CON": ("Business Analyst", "Consultant", "Senior Consultant", "Engagement Manager"),
    "ENG": ("Software Engineer", "Software Engineer", "Senior Engineer", "Engineering Lead"),
    "DAT": ("Data Analyst", "Data Engineer", "Senior Data Scientist", "Data Practice Lead"),
    "DES": ("Junior Designer", "Product Designer", "Senior Designer", "Design Lead"),
    "SAL": ("Sales Associate", "Account Executive", "Senior Account Executive", "Sales Lead"),
    "FIN": ("Finance Assistant", "Accountant", "Senior Accountant", "Finance Manager"),
    "PPL": ("People Coordinator", "People Partner", "Senior People Partner", "Head of People"),
    "LDR": ("Chief of Staff", "Chief of Staff", "Practice Director", "Managing Director"),
}

TASKS = (
    Task(1, "DISC", "Discovery", billable_by_default=True),
    Task(2, "DESIGN", "Design", billable_by_default=True),
    Task(3, "BUILD", "Build", billable_by_default=True),
    Task(4, "TEST", "Testing", billable_by_default=True),
    Task(5, "PM", "Project Management", billable_by_default=True),
    Task(6, "TRAIN", "Training and Handover", billable_by_default=True),
    Task(7, "PRESALES", "Pre-sales Support", billable_by_default=False),
    Task(8, "REWORK", "Warranty Rework", billable_by_default=False),
)

ACCOUNTS = (
    Account("090", "Business Bank Account", "BANK"),
    Account("610", "Accounts Receivable", "CURRENT"),
    Account("800", "Accounts Payable", "CURRLIAB"),
    Account("820", "Sales Tax", "CURRLIAB"),
    Account("200", "Consulting Revenue", "REVENUE"),
    Account("210", "Fixed-fee Revenue", "REVENUE"),
    Account("310", "Subcontractor Costs", "DIRECTCOSTS"),
    Account("477", "Salaries", "EXPENSE"),
    Account("478", "Accrued Payroll", "CURRLIAB"),
    Account("493", "Travel", "EXPENSE"),
)


def _round5(amount: Decimal) -> Decimal:
    return (amount / 5).quantize(Decimal(1)) * 5


def build_grades() -> tuple[Grade, ...]:
    """Grades G1..G6 with cost and bill rates in every group currency."""
    return tuple(
        Grade(
            code,
            name,
            level,
            {cur: _round5(Decimal(cost) * fx) for cur, fx in _FX.items()},
            {cur: _round5(Decimal(bill) * fx) for cur, fx in _FX.items()},
        )
        for level, (code, name, cost, bill) in enumerate(_GRADES, start=1)
    )


def build_cost_centres() -> tuple[CostCentre, ...]:
    """One cost centre per legal entity and department."""
    return tuple(
        CostCentre(f"CC-{le.code}-{d.code}", f"{d.name} {le.country}", le.code, d.code)
        for le in LEGAL_ENTITIES
        for d in DEPARTMENTS
    )


def month_starts(first: date, last: date) -> Iterator[date]:
    """The first day of each month from `first`'s month through `last`'s."""
    current = first.replace(day=1)
    while current <= last:
        yield current
        current = (current + timedelta(days=32)).replace(day=1)


def month_end(start: date) -> date:
    return (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def build_periods(today: date, lock_date: date) -> tuple[AccountingPeriod, ...]:
    """Monthly periods of `today`'s year per entity; those ending by `lock_date` are closed."""
    periods = []
    for le in LEGAL_ENTITIES:
        for start in month_starts(date(today.year, 1, 1), date(today.year, 12, 1)):
            end = month_end(start)
            status = "closed" if end <= lock_date else "open"
            periods.append(AccountingPeriod(le.code, start, end, status))
    return tuple(periods)


def working_days(first: date, last: date) -> list[date]:
    """Monday-to-Friday dates from `first` to `last` inclusive."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]
