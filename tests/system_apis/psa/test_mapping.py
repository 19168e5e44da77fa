"""Golden-file tests of the Harvest <-> canonical mapping: every branch, compared to files.

Set ATRIUM_UPDATE_GOLDEN=1 to (re)write the files after a deliberate change; review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from contracts.common import Money
from contracts.psa import (
    AssignmentCreate,
    AssignmentUpdate,
    ProjectCreate,
    ProjectTaskCreate,
    ProjectUpdate,
    ResourceCreate,
    ResourceUpdate,
    TaskCreate,
)
from policies import POLICY_DIR
from system_apis._kit.policy_files import load_mapping
from system_apis.psa import mapping
from system_apis.psa.connector import models as hv
from tests.system_apis.psa import harvest_payloads as payload

GOLDEN = Path(__file__).parent / "golden"
POLICY = mapping.MappingPolicy.from_dict(load_mapping(POLICY_DIR, "psa"))
LOCKED_POLICY = mapping.MappingPolicy.from_dict(
    load_mapping(POLICY_DIR, "psa") | {"approved_flag": "is_locked"}
)


def _project(**over: Any) -> Any:
    return mapping.to_canonical_project(
        hv.HarvestProject.model_validate(payload.project(**over)), POLICY
    )


def _user(**over: Any) -> hv.HarvestUser:
    return hv.HarvestUser.model_validate(payload.user(**over))


def _entry(**over: Any) -> hv.HarvestTimeEntry:
    return hv.HarvestTimeEntry.model_validate(payload.time_entry(**over))


CASES: dict[str, Callable[[], Any]] = {
    "customer": lambda: mapping.to_canonical_customer(
        hv.HarvestClient.model_validate(payload.client()), POLICY
    ),
    "customer_without_number_or_currency": lambda: mapping.to_canonical_customer(
        hv.HarvestClient.model_validate(
            payload.client(name="Walk-in client", currency=None, updated_at=None)
        ),
        POLICY,
    ),
    "project_budget_in_hours": _project,
    "project_money_budget_and_rate": lambda: _project(
        budget_by="project_cost", budget=50000.0, hourly_rate=180.0, is_active=False
    ),
    "project_create_full": lambda: mapping.from_canonical_project(
        ProjectCreate(
            project_code="PRJ-0100",
            name="Data platform",
            customer_number="C0001",
            hourly_rate=Money(amount=Decimal("185.50"), currency="USD"),
            budget_hours=Decimal("320"),
            starts_on=date(2026, 11, 2),
            ends_on=date(2027, 3, 31),
            notes="Phase 1",
        ),
        5735001,
    ),
    "project_create_minimal": lambda: mapping.from_canonical_project(
        ProjectCreate(project_code="PRJ-0101", name="Audit", customer_number="C0002"), 5735002
    ),
    "project_update_all": lambda: mapping.from_canonical_project_update(
        ProjectUpdate(
            status="archived",
            name="Renamed",
            budget_hours=Decimal("10"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 2, 1),
            notes=None,
        )
    ),
    "project_update_status_only": lambda: mapping.from_canonical_project_update(
        ProjectUpdate(status="active")
    ),
    "project_update_clear_budget": lambda: mapping.from_canonical_project_update(
        ProjectUpdate(budget_hours=None, status=None, name=None)
    ),
    "task": lambda: mapping.to_canonical_task(hv.HarvestTask.model_validate(payload.task())),
    "task_create": lambda: mapping.from_canonical_task(TaskCreate(name="Support")),
    "project_task": lambda: mapping.to_canonical_project_task(
        hv.HarvestTaskAssignment.model_validate(payload.task_assignment()), _project()
    ),
    "project_task_create_with_rate": lambda: mapping.from_canonical_project_task(
        ProjectTaskCreate(task_id="8083003", hourly_rate=Decimal("150"))
    ),
    "project_task_create_plain": lambda: mapping.from_canonical_project_task(
        ProjectTaskCreate(task_id="8083003", billable=False)
    ),
    "resource": lambda: mapping.to_canonical_resource(_user(), POLICY),
    "resource_untagged_without_capacity": lambda: mapping.to_canonical_resource(
        _user(roles=["Consultant"], weekly_capacity=None, is_active=False), POLICY
    ),
    "resource_create_tagged": lambda: mapping.from_canonical_resource(
        ResourceCreate(
            employee_number="E-1042",
            first_name="Ana",
            last_name="Silva",
            email="ana.silva@example.com",
            grade="G7",
            legal_entity="UK01",
            role="Solution Architect",
            weekly_capacity_hours=Decimal("37.5"),
        ),
        POLICY,
    ),
    "resource_create_minimal": lambda: mapping.from_canonical_resource(
        ResourceCreate(
            employee_number="E-1043",
            first_name="Ben",
            last_name="Okafor",
            email="ben.okafor@example.com",
            contractor=True,
        ),
        POLICY,
    ),
    "resource_update_psa_fields": lambda: mapping.from_canonical_resource_update(
        ResourceUpdate(is_assignable=False, weekly_capacity_hours=Decimal("37.5"))
    ),
    "resource_update_nothing": lambda: mapping.from_canonical_resource_update(
        ResourceUpdate(is_assignable=None, weekly_capacity_hours=None)
    ),
    "rate_changes_both": lambda: mapping.rate_changes(
        ResourceUpdate(cost_rate=Decimal("82"), bill_rate=Decimal("200"))
    ),
    "rate_changes_none": lambda: mapping.rate_changes(ResourceUpdate()),
    "assignment_own_rate": lambda: mapping.to_canonical_assignment(
        hv.HarvestUserAssignment.model_validate(payload.user_assignment()), _project()
    ),
    "assignment_default_rates": lambda: mapping.to_canonical_assignment(
        hv.HarvestUserAssignment.model_validate(
            payload.user_assignment(use_default_rates=True, budget=40.0, is_active=False)
        ),
        _project(),
    ),
    "assignment_create": lambda: mapping.from_canonical_assignment(
        AssignmentCreate(resource_id="1782001", project_manager=True, hourly_rate=Decimal("240"))
    ),
    "assignment_update_clear": lambda: mapping.from_canonical_assignment_update(
        AssignmentUpdate(hourly_rate=None, budget_hours=Decimal("80"), project_manager=None)
    ),
    "assignment_update_budget_cleared": lambda: mapping.from_canonical_assignment_update(
        AssignmentUpdate(budget_hours=None, project_manager=False)
    ),
    "time_entry_billed_not_closed": lambda: mapping.to_canonical_time_entry(
        _entry(), "USD", POLICY
    ),
    "time_entry_closed_without_task": lambda: mapping.to_canonical_time_entry(
        _entry(is_closed=True, is_billed=False, task=None, client={"id": 1, "name": "Anon"}),
        None,
        POLICY,
    ),
    "time_entry_locked_counts_when_policy_says": lambda: mapping.to_canonical_time_entry(
        _entry(), "GBP", LOCKED_POLICY
    ),
    "time_entry_open_under_locked_policy": lambda: mapping.to_canonical_time_entry(
        _entry(is_locked=False, is_billed=False), "EUR", LOCKED_POLICY
    ),
    "redact_without_scope": lambda: mapping.redact(
        mapping.to_canonical_resource(_user(), POLICY), "resource", set(), POLICY
    ),
    "redact_with_scope": lambda: mapping.redact(
        mapping.to_canonical_resource(_user(), POLICY), "resource", {"psa.rates:read"}, POLICY
    ),
    "redact_kind_without_sensitive_fields": lambda: mapping.redact(
        _project(), "project", set(), POLICY
    ),
}


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapping_matches_golden_file(case: str) -> None:
    actual = _json(CASES[case]())
    path = GOLDEN / f"{case}.json"
    if os.environ.get("ATRIUM_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert actual == json.loads(path.read_text(encoding="utf-8"))


def test_policy_refuses_unknown_approval_flag() -> None:
    with pytest.raises(ValueError, match="approved_flag"):
        mapping.MappingPolicy.from_dict(load_mapping(POLICY_DIR, "psa") | {"approved_flag": "x"})


def test_currency_of_entity_falls_back_to_default() -> None:
    assert POLICY.currency_of("GB01") == "GBP"
    assert POLICY.currency_of("ZZ99") == POLICY.default_currency
    assert POLICY.currency_of(None) == POLICY.default_currency


def test_money_needs_amount_and_currency() -> None:
    assert mapping.money(None, "USD") is None
    assert mapping.money(Decimal("1"), None) is None
    assert mapping.money(Decimal("1.50"), "USD") == Money(amount=Decimal("1.50"), currency="USD")
