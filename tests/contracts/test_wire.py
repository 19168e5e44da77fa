"""Strict write models take the JSON their schema documents and coerce nothing else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from contracts.erp import JournalLineCreate
from contracts.hcm import EmploymentType, WorkerUpdate
from contracts.psa import AssignmentCreate, TimeApproval


def test_json_text_forms_of_dates_decimals_and_enums_are_accepted() -> None:
    update = WorkerUpdate.model_validate(
        {
            "weekly_capacity_hours": "37.5",
            "employment_type": "part_time",
            "effective_date": "2026-10-01",
        }
    )
    assert update.weekly_capacity_hours == Decimal("37.5")
    assert update.employment_type is EmploymentType.PART_TIME
    assert update.effective_date == date(2026, 10, 1)
    line = JournalLineCreate.model_validate(
        {"account_code": "200", "side": "debit", "amount": 12.5}
    )
    assert line.amount == Decimal("12.5")


@pytest.mark.parametrize(
    "body",
    [
        {"resource_id": "1", "project_manager": 0},
        {"resource_id": "1", "project_manager": "true"},
        {"resource_id": 1},
        {"resource_id": "1", "hourly_rate": True},
    ],
)
def test_coercible_but_schema_violating_values_are_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        AssignmentCreate.model_validate(body)


@pytest.mark.parametrize("start", [0, "0", 1700000000, "2026-10-01T00:00:00"])
def test_dates_are_only_iso_text(start: object) -> None:
    with pytest.raises(ValidationError, match="ISO 8601 date"):
        TimeApproval.model_validate(
            {"project_id": "1", "period_start": start, "period_end": "2026-10-31"}
        )
