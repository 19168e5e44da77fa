"""Availability arithmetic: working days, employment dates, holidays, leave per day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracts.common import Provenance
from contracts.hcm import Employment, LeaveRequest, LeaveStatus, LeaveUnit, Worker, WorkerStatus
from system_apis.hcm.availability import availability, worker_availability

WEEKDAYS = frozenset(range(5))
PERIOD = (date(2026, 10, 1), date(2026, 10, 31))  # 22 working days


def _worker(worker_id: str = "1", weekly: str = "40", **employment: object) -> Worker:
    return Worker(
        id=worker_id,
        employee_number=f"E{worker_id}",
        first_name="A",
        last_name="B",
        display_name="A B",
        employment=Employment(
            status=WorkerStatus.ACTIVE, weekly_capacity_hours=Decimal(weekly), **employment
        ),
        provenance=Provenance(system="bamboohr", remote_id=worker_id),
    )


def _leave(
    days: dict[date, Decimal], unit: LeaveUnit = LeaveUnit.DAYS, **over: object
) -> LeaveRequest:
    fields: dict[str, object] = {
        "id": "9",
        "worker_id": "1",
        "status": LeaveStatus.APPROVED,
        "start": min(days) if days else date(2026, 10, 5),
        "end": max(days) if days else date(2026, 10, 6),
        "amount": sum(days.values(), Decimal(0)),
        "unit": unit,
        "days": days,
        "provenance": Provenance(system="bamboohr", remote_id="9"),
    }
    return LeaveRequest.model_validate(fields | over)


def _one(
    worker: Worker, leave: list[LeaveRequest], holidays: set[date] | None = None
) -> tuple[Decimal, Decimal, Decimal]:
    row = worker_availability(
        worker, leave, start=PERIOD[0], end=PERIOD[1], weekdays=WEEKDAYS, holidays=holidays or set()
    )
    return row.capacity_hours, row.leave_hours, row.available_hours


def test_capacity_counts_working_days_only() -> None:
    assert _one(_worker(), []) == (Decimal("176.00"), Decimal("0.00"), Decimal("176.00"))


def test_employment_dates_and_holidays_shrink_capacity() -> None:
    worker = _worker(hire_date=date(2026, 10, 15), termination_date=date(2026, 10, 28))
    capacity, _, _ = _one(worker, [], {date(2026, 10, 20)})
    assert capacity == Decimal("72.00")  # 10 working days, one a holiday: 9 x 8 h


def test_leave_in_days_and_hours_is_capped_per_day() -> None:
    days = _leave({date(2026, 10, 5): Decimal(1), date(2026, 10, 6): Decimal("0.5")})
    hours = _leave({date(2026, 10, 5): Decimal(6)}, LeaveUnit.HOURS, id="10")
    assert _one(_worker(), [days, hours]) == (
        Decimal("176.00"),
        Decimal("12.00"),  # day 1 capped at 8 h, then a half day
        Decimal("164.00"),
    )


def test_leave_without_breakdown_counts_whole_days_and_others_are_ignored() -> None:
    whole = _leave({})  # Mon 5 and Tue 6 October
    pending = _leave({date(2026, 10, 7): Decimal(1)}, status=LeaveStatus.REQUESTED, id="11")
    someone_else = _leave({date(2026, 10, 8): Decimal(1)}, worker_id="2", id="12")
    weekend = _leave({date(2026, 10, 3): Decimal(1)}, id="13")
    assert _one(_worker(), [whole, pending, someone_else, weekend])[1] == Decimal("16.00")


def test_org_unit_sums_workers() -> None:
    result = availability(
        "org_unit",
        "department-1",
        workers=[_worker(), _worker("2", weekly="20")],
        leave=[_leave({date(2026, 10, 5): Decimal(1)})],
        period=PERIOD,
        weekdays=WEEKDAYS,
        holidays=set(),
    )
    assert (result.capacity_hours, result.leave_hours, result.available_hours) == (
        Decimal("264.00"),
        Decimal("8.00"),
        Decimal("256.00"),
    )
    assert result.subject == "org_unit"


def test_no_working_weekdays_means_no_capacity() -> None:
    row = worker_availability(
        _worker(), [], start=PERIOD[0], end=PERIOD[1], weekdays=frozenset(), holidays=set()
    )
    assert row.capacity_hours == Decimal("0.00")
