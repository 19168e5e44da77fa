"""BambooHR payloads: the fields we rely on are required, everything else is tolerated.

BambooHR answers every field a request names, `null` when empty; so the fields we ask for
are declared required-but-nullable, and a missing one (a vendor rename) becomes
`SchemaDrift` naming it instead of silently producing empty records. Custom fields (cost
centre, grade, capacity: named in policies/mappings/hcm.yaml) arrive as extra keys.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel
from pydantic.alias_generators import to_camel

# Fields get-employee is asked for; the mapping adds the custom ones it is configured with.
EMPLOYEE_FIELDS = (
    "employeeNumber",
    "firstName",
    "lastName",
    "preferredName",
    "displayName",
    "workEmail",
    "jobTitleName",
    "status",
    "employmentStatus",
    "department",
    "departmentId",
    "division",
    "divisionId",
    "location",
    "reportsToId",
    "hireDate",
    "terminationDate",
    "payRate",
    "lastChanged",
)

# Optional fields the list endpoint is asked for: what worker filters need before details.
LIST_FIELDS = ("departmentId", "divisionId", "divisionName")


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, alias_generator=to_camel)


class BambooEmployee(BaseModel):
    """Get Employee (`GET /api/v1/employees/{id}?fields=...`)."""

    model_config = ConfigDict(extra="allow", frozen=True, alias_generator=to_camel)

    id: str
    employee_number: str | None
    first_name: str
    last_name: str
    preferred_name: str | None
    display_name: str | None
    work_email: str | None
    job_title_name: str | None
    status: str | None
    employment_status: str | None
    department: str | None
    department_id: str | None
    division: str | None
    division_id: str | None
    location: str | None
    reports_to_id: str | None
    hire_date: str | None
    termination_date: str | None
    pay_rate: str | None
    last_changed: str | None

    def custom(self, alias: str) -> Any:
        """A custom field by its alias (absent: None)."""
        return (self.model_extra or {}).get(alias)


class BambooEmployeeRow(_Payload):
    """One row of List Employees with the optional fields in LIST_FIELDS."""

    employee_id: str
    status: str | None
    first_name: str | None = None
    last_name: str | None = None
    department_id: str | None
    division_id: str | None
    division_name: str | None


class BambooCursorPage(_Payload):
    limit: int | None = None
    next_cursor: str | None
    prev_cursor: str | None = None


class BambooListMeta(_Payload):
    total: int
    page: BambooCursorPage


class BambooEmployeePage(_Payload):
    """List Employees (`GET /api/v1/employees`)."""

    data: list[BambooEmployeeRow]
    meta: BambooListMeta


class BambooChange(_Payload):
    id: str
    action: str
    last_changed: str


class BambooChangedEmployees(_Payload):
    """Get Changed Employee IDs (`GET /api/v1/employees/changed?since=`)."""

    latest: str | None = None
    employees: dict[str, BambooChange]


class BambooListOption(_Payload):
    id: int
    name: str
    archived: str = "no"


class BambooListField(_Payload):
    """One list field of `GET /api/v1/meta/lists` (departments, divisions, custom lists)."""

    field_id: str | int
    alias: str | None = None
    name: str
    options: list[BambooListOption]


class BambooTimeOffStatus(_Payload):
    status: str
    last_changed: date | None = None


class BambooTimeOffType(_Payload):
    id: int | None = None
    name: str | None = None


class BambooAmount(_Payload):
    unit: str
    amount: Decimal


class BambooTimeOffRequest(_Payload):
    """One entry of List Time Off Requests (`GET /api/v1/time_off/requests`)."""

    id: int
    employee_id: int
    start: date
    end: date
    created: date | None = None
    status: BambooTimeOffStatus
    type: BambooTimeOffType | None = None
    amount: BambooAmount
    dates: dict[date, Decimal] = Field(default_factory=dict)


class BambooWhosOut(_Payload):
    """One entry of List Who's Out: a time-off request or a company holiday."""

    id: int
    type: str
    employee_id: int | None = None
    name: str | None = None
    start: date
    end: date


class BambooReportRow(BaseModel):
    """One employee of a custom report: `id` plus the requested fields as strings."""

    model_config = ConfigDict(extra="allow", frozen=True, alias_generator=to_camel)

    id: str


class BambooReport(_Payload):
    """Request Custom Report (`POST /api/v1/reports/custom?format=JSON`)."""

    employees: list[BambooReportRow]


class BambooListFields(RootModel[list[BambooListField]]):
    """`GET /api/v1/meta/lists`."""


class BambooTimeOffRequests(RootModel[list[BambooTimeOffRequest]]):
    """`GET /api/v1/time_off/requests`."""


class BambooWhosOutList(RootModel[list[BambooWhosOut]]):
    """`GET /api/v1/time_off/whos_out`."""
