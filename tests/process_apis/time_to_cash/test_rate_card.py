"""The rate card: which rate applies, how time becomes invoice lines, and when it cannot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from process_apis.time_to_cash.rate_card import (
    MissingRateError,
    period_bounds,
    price_lines,
    rate_of,
    totals,
)


def _card(**over: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "assignments": {"r1": "150.00", "r2": None},
        "tasks": {
            "t1": {"name": "Design", "rate": "120.00"},
            "t2": {"name": "Build", "rate": None},
        },
        "project": None,
        "resources": {"r2": "90.00", "r3": None},
    }
    return card | over


def _entry(entry_id: str, resource: str, task: str | None, hours: str) -> dict[str, Any]:
    return {"id": entry_id, "resource_id": resource, "task_id": task, "hours": hours}


@pytest.mark.parametrize(
    ("entry", "card", "rate"),
    [
        (_entry("1", "r1", "t1", "1"), _card(), Decimal("150.00")),  # assignment first
        (_entry("2", "r2", "t1", "1"), _card(), Decimal("120.00")),  # then the task's
        (_entry("3", "r2", "t2", "1"), _card(project="100.00"), Decimal("100.00")),  # project
        (_entry("4", "r2", "t2", "1"), _card(), Decimal("90.00")),  # the resource's own
        (_entry("5", "r3", None, "1"), _card(), None),
        (_entry("6", "r2", "t2", "1"), _card(resources={"r2": "0"}), None),  # zero is no rate
    ],
)
def test_rate_precedence(entry: dict[str, Any], card: dict[str, Any], rate: Decimal) -> None:
    assert rate_of(entry, card) == rate


def test_lines_group_by_task_and_rate_and_round_half_up() -> None:
    entries = [
        _entry("11", "r1", "t1", "2.25"),
        _entry("12", "r1", "t1", "1.5"),
        _entry("13", "r2", "t1", "0.333"),
        _entry("14", "r2", "t2", "1"),
    ]

    lines = price_lines(entries, _card(), currency="GBP", period="2026-10")

    assert [(line["key"], line["hours"], line["amount"]) for line in lines] == [
        ("t1@120.00", "0.333", "39.96"),
        ("t1@150.00", "3.75", "562.50"),
        ("t2@90.00", "1", "90.00"),
    ]
    assert lines[1]["entry_ids"] == ["11", "12"]
    assert lines[1]["description"] == "Design, October 2026: 3.75 h at 150.00 GBP/h"
    assert totals(lines) == (Decimal("5.083"), Decimal("692.46"))


def test_time_without_any_rate_is_named() -> None:
    entries = [_entry("21", "r1", "t1", "1"), _entry("22", "r3", None, "2")]

    with pytest.raises(MissingRateError) as missing:
        price_lines(entries, _card(), currency="USD", period="2026-10")

    assert missing.value.entry_ids == ["22"]


def test_period_bounds_cover_the_month() -> None:
    assert period_bounds("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
