"""The demo firm's records: frozen dataclasses of plain Python values, money as Decimal.

References between records use business keys (employee_number, customer_number, project
code, ...), never object links, so each vendor sandbox can seed its own ids from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class LegalEntity:
    """A company of the group: books in one currency, invoices its own customers."""

    code: str  # "US01"
    name: str
    country: str  # ISO 3166 alpha-2
    currency: str  # ISO 4217
    tax_number: str
    tax_rate: Decimal  # on invoices: 0.20 is 20 %
    city: str
    timezone: str


@dataclass(frozen=True)
class Department:
    code: str  # "ENG"
    name: str
    billable: bool  # delivery departments log billable time


@dataclass(frozen=True)
class CostCentre:
    """One per (legal entity, department): the ERP's tracking option."""

    code: str  # "CC-US01-ENG"
    name: str
    legal_entity: str
    department: str


@dataclass(frozen=True)
class Grade:
    """A career level with hourly rates in each of the group's currencies."""

    code: str  # "G1"
    name: str
    level: int
    cost_rates: dict[str, Decimal]
    bill_rates: dict[str, Decimal]


@dataclass(frozen=True)
class Worker:
    id: int
    employee_number: str  # "E0001"
    first_name: str
    last_name: str
    email: str
    job_title: str
    department: str
    cost_centre: str
    grade: str
    location: str
    legal_entity: str
    manager: str | None  # employee_number
    hire_date: date
    termination_date: date | None
    status: str  # "active" | "terminated"
    employment_type: str  # "full_time" | "part_time"
    weekly_capacity_hours: Decimal
    currency: str  # the legal entity's
    cost_rate: Decimal  # per hour, in `currency`
    bill_rate: Decimal  # default per hour, in `currency`

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Customer:
    id: int
    customer_number: str  # "C0001"
    name: str
    legal_entity: str
    currency: str
    country: str
    city: str
    tax_number: str
    billing_email: str
    payment_terms_days: int


@dataclass(frozen=True)
class Task:
    """An entry of the firm's task catalogue (Harvest keeps tasks account-wide)."""

    id: int
    code: str  # "BUILD"
    name: str
    billable_by_default: bool


@dataclass(frozen=True)
class Project:
    id: int
    code: str  # "PRJ-0001"
    name: str
    customer: str  # customer_number
    legal_entity: str
    currency: str
    billable: bool
    billing_method: str  # "time_and_materials" | "fixed_fee"
    budget_hours: Decimal
    start_date: date
    end_date: date | None
    status: str  # "planned" | "active" | "closed"
    manager: str  # employee_number
    cost_centre: str  # where its revenue is tracked


@dataclass(frozen=True)
class ProjectTask:
    """A task enabled on a project (Harvest's task assignment)."""

    id: int
    project: str
    task: str  # Task.code
    billable: bool


@dataclass(frozen=True)
class Assignment:
    id: int
    worker: str  # employee_number
    project: str  # project code
    role: str
    bill_rate: Decimal  # per hour, in the project's currency
    currency: str
    hours_per_week: Decimal
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class TimeEntry:
    id: int
    worker: str
    project: str
    task: str  # Task.code
    spent_date: date
    hours: Decimal
    notes: str
    billable: bool
    bill_rate: Decimal  # per hour, in the project's currency (0 when not billable)
    approved: bool
    billed: bool
    invoice_number: str | None


@dataclass(frozen=True)
class LeaveRequest:
    id: int
    worker: str
    type: str  # "Vacation" | "Sick" | "Personal"
    start_date: date
    end_date: date
    days: Decimal  # working days
    hours: Decimal
    status: str  # "approved" | "requested" | "cancelled"
    requested_on: date


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    task: str
    quantity: Decimal  # hours
    unit_amount: Decimal
    amount: Decimal
    cost_centre: str


@dataclass(frozen=True)
class Invoice:
    """One invoice per (project, billing period), in the project's currency."""

    id: int
    invoice_number: str
    customer: str
    project: str
    legal_entity: str
    currency: str
    period_start: date
    period_end: date
    issue_date: date
    due_date: date
    status: str  # "draft" | "authorised" | "paid" | "voided"
    paid_date: date | None
    lines: tuple[InvoiceLine, ...]
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Account:
    """A chart-of-accounts entry (the same chart in every legal entity)."""

    code: str
    name: str
    type: str  # Xero account types: REVENUE, DIRECTCOSTS, EXPENSE, CURRENT, BANK, ...


@dataclass(frozen=True)
class AccountingPeriod:
    legal_entity: str
    start: date
    end: date
    status: str  # "open" | "closed"


@dataclass(frozen=True)
class Inconsistency:
    """Where one system disagrees with the firm's truth, for reconciliation to find.

    `value` is what `system` holds for `field` (None for a missing record); the seeders
    read these through `DemoFirm.absent_from` and `DemoFirm.value_in`.
    """

    kind: str  # "missing_record" | "field_mismatch" | "time_on_closed_project" | ...
    system: str  # "hcm" | "psa" | "erp" | "billing"
    object: str  # "worker" | "customer" | "time_entry" | ...
    key: str  # the record's business key (time entries: their id)
    field: str | None
    value: str | None
    description: str
