"""Reporting periods: months and quarters, nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.graphql.dashboards.periods import parse_period
from gateway.graphql.errors import InvalidInputError


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_month_or_quarter_is_its_first_and_last_day(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (text, start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "0000-01", "202610", "2026-1"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_period(text)
    assert refused.value.extensions["code"] == "validation-failed"
