"""The rate card applied to billable time: pure, so a flow may run it between steps.

A time entry's hourly rate is the first one set of: the resource's rate on this project
(assignment), the task's rate on this project, the project's rate, the resource's own bill
rate. Entries are grouped into invoice lines by task and rate; each line's amount is
hours x rate rounded half-up to the cent. Every number travels as a decimal string.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


class MissingRateError(Exception):
    """Some billable time has no positive rate anywhere on the rate card."""

    def __init__(self, entry_ids: list[str]) -> None:
        super().__init__(entry_ids)
        self.entry_ids = entry_ids


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a YYYY-MM month."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def rate_of(entry: dict[str, Any], card: dict[str, Any]) -> Decimal | None:
    """The entry's hourly rate by the card's precedence, or None if nothing sets one."""
    task = card["tasks"].get(entry["task_id"] or "", {})
    for rate in (
        card["assignments"].get(entry["resource_id"]),
        task.get("rate"),
        card["project"],
        card["resources"].get(entry["resource_id"]),
    ):
        if rate is not None and Decimal(rate) > 0:
            return Decimal(rate)
    return None


def price_lines(
    entries: list[dict[str, Any]], card: dict[str, Any], *, currency: str, period: str
) -> list[dict[str, Any]]:
    """Invoice lines for `entries`: one per (task, rate), with the entries each bills."""
    grouped: dict[tuple[str, Decimal], list[dict[str, Any]]] = defaultdict(list)
    unpriced = []
    for entry in entries:
        rate = rate_of(entry, card)
        if rate is None:
            unpriced.append(entry["id"])
        else:
            grouped[(entry["task_id"] or "", rate)].append(entry)
    if unpriced:
        raise MissingRateError(unpriced)
    month = f"{period_bounds(period)[0]:%B %Y}"
    return [
        _line(task_id, rate, group, card, currency=currency, month=month)
        for (task_id, rate), group in sorted(grouped.items())
    ]


def _line(
    task_id: str,
    rate: Decimal,
    entries: list[dict[str, Any]],
    card: dict[str, Any],
    *,
    currency: str,
    month: str,
) -> dict[str, Any]:
    hours = sum((Decimal(e["hours"]) for e in entries), Decimal(0))
    name = card["tasks"].get(task_id, {}).get("name") or "Time"
    return {
        "key": f"{task_id or 'none'}@{rate}",
        "task_id": task_id or None,
        "description": f"{name}, {month}: {hours} h at {rate} {currency}/h",
        "hours": str(hours),
        "unit_price": str(rate),
        "amount": str((hours * rate).quantize(CENT, rounding=ROUND_HALF_UP)),
        "entry_ids": sorted(e["id"] for e in entries),
    }


def totals(lines: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    """Hours and amount over all lines."""
    hours = sum((Decimal(line["hours"]) for line in lines), Decimal(0))
    amount = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
    return hours, amount
