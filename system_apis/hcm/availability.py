"""Availability: contracted hours on working days minus approved leave, per worker and summed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from contracts.hcm import (
    Availability,
    LeaveRequest,
    LeaveStatus,
    LeaveUnit,
    Worker,
    WorkerAvailability,
)
from system_apis.hcm.mapping import provenance

_CENT = Decimal("0.01")
_ZERO = Decimal(0)


def _days(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def daily_hours(worker: Worker, weekdays: frozenset[int]) -> Decimal:
    """Contracted hours on one working day."""
    weekly = worker.employment.weekly_capacity_hours or _ZERO
    return weekly / len(weekdays) if weekdays else _ZERO


def employed(worker: Worker, start: date, end: date) -> bool:
    """Whether the worker's employment overlaps the period (hired by its end, not gone before)."""
    job = worker.employment
    hired = job.hire_date is None or job.hire_date <= end
    gone = job.termination_date is not None and job.termination_date < start
    return hired and not gone


def working_days(
    worker: Worker, start: date, end: date, weekdays: frozenset[int], holidays: set[date]
) -> set[date]:
    """Days in the period the worker is employed, on a working weekday, not a holiday."""
    first = max(start, worker.employment.hire_date or start)
    last = min(end, worker.employment.termination_date or end)
    return {d for d in _days(first, last) if d.weekday() in weekdays and d not in holidays}


def _leave_by_day(leave: LeaveRequest, daily: Decimal) -> dict[date, Decimal]:
    """Hours of leave per day; a request without a breakdown counts each day in full."""
    if not leave.days:
        return dict.fromkeys(_days(leave.start, leave.end), daily)
    factor = daily if leave.unit is LeaveUnit.DAYS else Decimal(1)
    return {day: amount * factor for day, amount in leave.days.items()}


def worker_availability(
    worker: Worker,
    leave: list[LeaveRequest],
    *,
    start: date,
    end: date,
    weekdays: frozenset[int],
    holidays: set[date],
) -> WorkerAvailability:
    """One worker's capacity, approved leave (capped per day) and remaining hours."""
    daily = daily_hours(worker, weekdays)
    days = working_days(worker, start, end, weekdays, holidays)
    taken: dict[date, Decimal] = {}
    for request in leave:
        if request.worker_id != worker.id or request.status is not LeaveStatus.APPROVED:
            continue
        for day, hours in _leave_by_day(request, daily).items():
            if day in days:
                taken[day] = min(daily, taken.get(day, _ZERO) + hours)
    capacity = (daily * len(days)).quantize(_CENT)
    leave_hours = sum(taken.values(), _ZERO).quantize(_CENT)
    return WorkerAvailability(
        worker_id=worker.id,
        employee_number=worker.employee_number,
        capacity_hours=capacity,
        leave_hours=leave_hours,
        available_hours=max(_ZERO, capacity - leave_hours),
    )


def availability(
    subject: str,
    subject_id: str,
    *,
    workers: list[Worker],
    leave: list[LeaveRequest],
    period: tuple[date, date],
    weekdays: frozenset[int],
    holidays: set[date],
) -> Availability:
    """Availability of a worker or an org unit (the sum over its workers)."""
    start, end = period
    rows = [
        worker_availability(w, leave, start=start, end=end, weekdays=weekdays, holidays=holidays)
        for w in workers
    ]
    capacity = sum((r.capacity_hours for r in rows), _ZERO)
    leave_hours = sum((r.leave_hours for r in rows), _ZERO)
    return Availability(
        subject="worker" if subject == "worker" else "org_unit",
        subject_id=subject_id,
        start=start,
        end=end,
        capacity_hours=capacity,
        leave_hours=leave_hours,
        available_hours=sum((r.available_hours for r in rows), _ZERO),
        workers=rows,
        provenance=provenance(subject_id),
    )
