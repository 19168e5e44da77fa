"""`DemoFirm`: every record of the demo firm, with lookups by business key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sandboxes.demo_firm.records import (
    Account,
    AccountingPeriod,
    Assignment,
    CostCentre,
    Customer,
    Department,
    Grade,
    Inconsistency,
    Invoice,
    LeaveRequest,
    LegalEntity,
    Project,
    ProjectTask,
    Task,
    TimeEntry,
    Worker,
)


@dataclass(frozen=True)
class DemoFirm:
    """A professional-services firm as the four systems should jointly describe it.

    Records are the firm's truth; `inconsistencies` says where one system deliberately
    disagrees. Seeders apply them with `absent_from` (skip the record, and what refers to
    it) and `value_in` (that system's value of a field).
    """

    seed: int
    today: date  # fixed reference date: nothing here reads the clock
    lock_date: date  # accounting periods ending on or before it are closed
    legal_entities: tuple[LegalEntity, ...]
    departments: tuple[Department, ...]
    cost_centres: tuple[CostCentre, ...]
    grades: tuple[Grade, ...]
    accounts: tuple[Account, ...]
    accounting_periods: tuple[AccountingPeriod, ...]
    tasks: tuple[Task, ...]
    workers: tuple[Worker, ...]
    customers: tuple[Customer, ...]
    projects: tuple[Project, ...]
    project_tasks: tuple[ProjectTask, ...]
    assignments: tuple[Assignment, ...]
    time_entries: tuple[TimeEntry, ...]
    leave_requests: tuple[LeaveRequest, ...]
    invoices: tuple[Invoice, ...]
    inconsistencies: tuple[Inconsistency, ...]

    @cached_property
    def _workers(self) -> dict[str, Worker]:
        return {w.employee_number: w for w in self.workers}

    @cached_property
    def _customers(self) -> dict[str, Customer]:
        return {c.customer_number: c for c in self.customers}

    @cached_property
    def _projects(self) -> dict[str, Project]:
        return {p.code: p for p in self.projects}

    def worker(self, employee_number: str) -> Worker:
        return self._workers[employee_number]

    def customer(self, customer_number: str) -> Customer:
        return self._customers[customer_number]

    def project(self, code: str) -> Project:
        return self._projects[code]

    def legal_entity(self, code: str) -> LegalEntity:
        return next(le for le in self.legal_entities if le.code == code)

    def grade(self, code: str) -> Grade:
        return next(g for g in self.grades if g.code == code)

    def absent_from(self, system: str, object: str) -> frozenset[str]:
        """Keys of `object` records that `system` ("hcm", "psa", "erp", "billing") lacks."""
        return frozenset(
            i.key
            for i in self.inconsistencies
            if i.kind == "missing_record" and i.system == system and i.object == object
        )

    def value_in(
        self,
        system: str,
        object: str,
        key: str,
        field: str,
        default: str,
    ) -> str:
        """What `system` holds for a record's `field`: its deliberate variant, else `default`."""
        wanted = ("field_mismatch", system, object, key, field)
        for i in self.inconsistencies:
            if (i.kind, i.system, i.object, i.key, i.field) == wanted and i.value is not None:
                return i.value
        return default
