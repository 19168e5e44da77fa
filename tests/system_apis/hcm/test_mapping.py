"""Golden-file tests of the BambooHR <-> canonical mapping: every branch, compared to files.

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

from contracts.hcm import EmploymentType, LeaveStatus, OrgUnitKind, WorkerCreate, WorkerUpdate
from contracts.problems import ProblemError
from policies import POLICY_DIR
from system_apis._kit.policy_files import load_mapping
from system_apis.hcm import mapping
from system_apis.hcm.connector import models as bb
from tests.system_apis.hcm import bamboo_payloads as payload

GOLDEN = Path(__file__).parent / "golden"
POLICY_DATA = load_mapping(POLICY_DIR, "hcm")
POLICY = mapping.HcmMapping.from_policy(POLICY_DATA)
BY_DIVISION = mapping.HcmMapping.from_policy(POLICY_DATA | {"worker_org_unit": "division"})
TODAY = date(2026, 11, 2)


def _fields() -> list[bb.BambooListField]:
    return bb.BambooListFields.model_validate(payload.list_fields()).root


def _directory() -> mapping.Directory:
    fields = _fields()
    units = mapping.to_canonical_org_units(fields, POLICY)
    centres = mapping.to_canonical_cost_centres(fields, POLICY)
    return mapping.Directory({u.id: u for u in units}, {c.code: c for c in centres})


def _worker(**over: Any) -> Any:
    return mapping.to_canonical_worker(
        bb.BambooEmployee.model_validate(payload.employee(**over)), POLICY
    )


def _leave(**over: Any) -> Any:
    return mapping.to_canonical_leave_request(
        bb.BambooTimeOffRequest.model_validate(payload.time_off(**over)), POLICY
    )


def _write(body: WorkerCreate | WorkerUpdate) -> Any:
    write = mapping.from_canonical_worker(body, POLICY, _directory(), today=TODAY)
    return {"fields": write.fields, "job_info": write.job_info}


HIRE = {
    "employee_number": "E0999",
    "first_name": "Ada",
    "last_name": "Byron",
    "hire_date": "2026-12-01",
}

CASES: dict[str, Callable[[], Any]] = {
    "worker_active": _worker,
    "worker_terminated": lambda: _worker(
        status="Inactive", terminationDate="2026-07-17", employmentStatus="Part-Time"
    ),
    "worker_inactive_sparse": lambda: _worker(
        status="Inactive",
        terminationDate=None,
        employeeNumber="",
        displayName=None,
        preferredName="Bob",
        employmentStatus="Intern",
        payRate="",
        lastChanged="yesterday",
        hireDate="",
        location="",
        reportsToId=None,
        departmentId=None,
        customCostCenter="not a cost centre",
        customGrade=None,
        customWeeklyHours="lots",
    ),
    "worker_without_custom_fields": lambda: mapping.to_canonical_worker(
        bb.BambooEmployee.model_validate(
            {
                k: v
                for k, v in payload.employee(employmentStatus=None, lastChanged=None).items()
                if not k.startswith("custom")
            }
        ),
        POLICY,
    ),
    "worker_capacity_out_of_range": lambda: _worker(customWeeklyHours="200"),
    "worker_org_unit_by_division": lambda: mapping.to_canonical_worker(
        bb.BambooEmployee.model_validate(payload.employee(customWeeklyHours=32.5)), BY_DIVISION
    ),
    "org_units": lambda: mapping.to_canonical_org_units(_fields(), POLICY),
    "org_units_without_division_list": lambda: mapping.to_canonical_org_units(
        [f for f in _fields() if f.alias != "division"], POLICY
    ),
    "cost_centres": lambda: mapping.to_canonical_cost_centres(_fields(), POLICY),
    "cost_centres_without_list": lambda: mapping.to_canonical_cost_centres([], POLICY),
    "leave_approved_days": _leave,
    "leave_cancelled_hours": lambda: _leave(
        status={"status": "canceled"},
        type=None,
        amount={"unit": "hours", "amount": 4},
        dates={"2026-10-08": 4},
        created=None,
    ),
    "leave_unmapped_status": lambda: _leave(status={"status": "pending-hr"}),
    "leave_status_query": lambda: mapping.vendor_leave_statuses(
        [LeaveStatus.CANCELLED, LeaveStatus.APPROVED], POLICY
    ),
    "write_hire_with_job": lambda: _write(
        WorkerCreate.model_validate(
            HIRE
            | {
                "email": "ada@atrium-advisory.example",
                "job_title": "Analyst",
                "org_unit_id": "department-3",
                "legal_entity": "US01",
                "location": "London",
                "manager_id": "52",
                "grade": "G2",
                "cost_centre": "CC-US01-DAT",
                "employment_type": "part_time",
            }
        )
    ),
    "write_hire_identity_only": lambda: _write(WorkerCreate.model_validate(HIRE)),
    "write_update_clears_fields": lambda: _write(
        WorkerUpdate(
            preferred_name=None,
            grade=None,
            cost_centre=None,
            employment_type=None,
            org_unit_id=None,
            legal_entity=None,
        )
    ),
    "write_update_job_effective_date": lambda: _write(
        WorkerUpdate(job_title="Lead", effective_date=date(2027, 1, 1))
    ),
}


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json(v) for v in value]
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapping_matches_golden_file(case: str) -> None:
    actual = _json(CASES[case]())
    path = GOLDEN / f"{case}.json"
    if os.environ.get("ATRIUM_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert actual == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (WorkerUpdate(org_unit_id="department-99"), "#/org_unit_id"),
        (WorkerUpdate(org_unit_id="division-1"), "#/org_unit_id"),
        (WorkerUpdate(cost_centre="CC-NOPE"), "#/cost_centre"),
        (WorkerUpdate(legal_entity="ZZ01"), "#/legal_entity"),
        (WorkerUpdate(employment_type=EmploymentType.OTHER), "#/employment_type"),
    ],
)
def test_write_refuses_unknown_reference_with_pointer(body: WorkerUpdate, pointer: str) -> None:
    with pytest.raises(ProblemError) as caught:
        mapping.from_canonical_worker(body, POLICY, _directory(), today=TODAY)
    assert caught.value.problem_type.code == "validation-failed"
    assert [e.pointer for e in caught.value.errors or []] == [pointer]


def test_division_for_reverses_the_legal_entity_table() -> None:
    assert POLICY.division_for("GB01") == "Atrium Advisory Ltd"
    assert POLICY.division_for("ZZ01") is None


def test_policy_reads_capacity_and_custom_fields() -> None:
    assert POLICY.custom_fields == ("customCostCenter", "customGrade", "customWeeklyHours")
    assert POLICY.default_weekly_hours == Decimal(40)
    assert POLICY.working_weekdays == frozenset(range(5))
    assert POLICY.org_unit_lists[OrgUnitKind.DEPARTMENT] == "department"


def test_policy_without_sensitive_block_has_none() -> None:
    data = {k: v for k, v in POLICY_DATA.items() if k != "sensitive"}
    assert mapping.HcmMapping.from_policy(data).sensitive == {}


def test_policy_refuses_unknown_employment_type() -> None:
    with pytest.raises(ValueError, match="seasonal"):
        mapping.HcmMapping.from_policy(POLICY_DATA | {"employment_types": {"Temp": "seasonal"}})


def test_parse_datetime_reads_iso_timestamps() -> None:
    parsed = mapping.parse_datetime("2026-01-29T09:00:00+00:00")
    assert parsed is not None
    assert parsed.isoformat() == "2026-01-29T09:00:00+00:00"
    assert mapping.parse_datetime("not a time") is None
    assert mapping.parse_datetime(None) is None
