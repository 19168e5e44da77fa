"""Canonical records for the dashboards' pure functions: only the fields a test cares about."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from contracts import billing, hcm, psa
from contracts.common import Money, Provenance


def provenance(modified_at: datetime | None = None) -> Provenance:
    return Provenance(system="test", remote_id="1", modified_at=modified_at)


def entry(**fields: Any) -> psa.TimeEntry:
    values: dict[str, Any] = {
        "id": "1",
        "provenance": provenance(),
        "spent_date": date(2026, 9, 8),
        "hours": Decimal(8),
        "resource_id": "r1",
        "project_id": "p1",
        "task_id": None,
        "customer_number": "C1",
        "notes": None,
        "billable": True,
        "approval_state": "approved",
        "locked": True,
        "billed": False,
        "bill_rate": Money(amount=Decimal(100), currency="EUR"),
        "cost_rate": Money(amount=Decimal(60), currency="EUR"),
    }
    return psa.TimeEntry.model_validate(values | fields)


def project(**fields: Any) -> psa.Project:
    values: dict[str, Any] = {
        "id": "p1",
        "provenance": provenance(),
        "project_code": "P-1",
        "name": "One",
        "customer_id": "c1",
        "customer_number": "C1",
        "legal_entity": "NL01",
        "currency": "EUR",
        "status": "active",
        "billable": True,
        "budget_hours": Decimal(100),
    }
    return psa.Project.model_validate(values | fields)


def invoice(**fields: Any) -> billing.Invoice:
    zero = Money(amount=Decimal(0), currency="EUR")
    values: dict[str, Any] = {
        "id": "in_1",
        "customer_number": "C1",
        "status": "open",
        "currency": "EUR",
        "subtotal": Money(amount=Decimal(1000), currency="EUR"),
        "total": zero,
        "amount_due": zero,
        "amount_paid": zero,
        "amount_remaining": zero,
        "project_code": "P-1",
        "billing_period": "2026-09",
        "provenance": provenance(),
    }
    return billing.Invoice.model_validate(values | fields)


def worker(number: str, **employment: Any) -> hcm.Worker:
    job: dict[str, Any] = {"status": "active", "hire_date": date(2026, 9, 1)} | employment
    return hcm.Worker.model_validate(
        {
            "id": number.lower(),
            "employee_number": number,
            "first_name": "A",
            "last_name": number,
            "display_name": f"A {number}",
            "employment": job,
            "provenance": provenance(),
        }
    )


def resource(number: str | None, *, assignable: bool = True, **fields: Any) -> psa.Resource:
    values: dict[str, Any] = {
        "id": f"r-{number}",
        "provenance": provenance(),
        "employee_number": number,
        "email": "a@example.com",
        "first_name": "A",
        "last_name": str(number),
        "grade": None,
        "legal_entity": "NL01",
        "contractor": False,
        "is_assignable": assignable,
        "weekly_capacity_hours": Decimal(40),
        "bill_rate": None,
        "cost_rate": None,
    }
    return psa.Resource.model_validate(values | fields)
