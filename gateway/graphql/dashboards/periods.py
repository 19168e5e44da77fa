"""Reporting periods: a calendar month 'YYYY-MM' or a quarter 'YYYY-Qn', as first and last day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from gateway.graphql.errors import InvalidInputError

_MONTH = re.compile(r"((?:19|2\d)\d\d)-(0[1-9]|1[0-2])")
_QUARTER = re.compile(r"((?:19|2\d)\d\d)-Q([1-4])")


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """'2026-10' is October 2026, '2026-Q3' July to September; anything else is refused."""
    if match := _MONTH.fullmatch(text):
        year, month = int(match[1]), int(match[2])
        return Period(text, date(year, month, 1), _month_end(year, month))
    if match := _QUARTER.fullmatch(text):
        year, first = int(match[1]), 3 * int(match[2]) - 2
        return Period(text, date(year, first, 1), _month_end(year, first + 2))
    raise InvalidInputError(
        "validation-failed", "`period` is a month 'YYYY-MM' or a quarter 'YYYY-Qn'."
    )


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"
