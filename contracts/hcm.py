"""Canonical HCM records: workers and their employment, org units, cost centres, leave.

The HCM (BambooHR here) is the system of record for worker identity and employment;
`WorkerCreate` and `WorkerUpdate` carry every canonical worker attribute so that a write of
one the HCM does not own (e.g. `cost_rate`, owned by the PSA) is refused by name.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from contracts.common import Money, Provenance
from contracts.wire import WRITE_CONFIG, WireDate, WireDecimal

Hours = Decimal
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class WorkerStatus(StrEnum):
    """Whether a worker is employed: active, inactive (e.g. not yet started) or terminated."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    TERMINATED = "terminated"


class EmploymentType(StrEnum):
    """The contract a worker is on."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACTOR = "contractor"
    OTHER = "other"


class Employment(BaseModel):
    """A worker's current employment: status, place in the organisation, capacity."""

    model_config = ConfigDict(frozen=True)

    status: WorkerStatus
    employment_type: EmploymentType | None = None
    job_title: str | None = None
    legal_entity: str | None = Field(default=None, description="Legal entity code, e.g. 'US01'.")
    org_unit_id: str | None = None
    cost_centre: str | None = Field(default=None, description="Cost centre code.")
    grade: str | None = None
    location: str | None = None
    manager_id: str | None = Field(default=None, description="The manager's worker id.")
    hire_date: date | None = None
    termination_date: date | None = None
    weekly_capacity_hours: Hours | None = Field(default=None, ge=0, le=168)
    compensation: Money | None = Field(
        default=None, description="Pay rate; null unless the caller holds `hcm.compensation:read`."
    )


class Worker(BaseModel):
    """A person the firm employs; business key `employee_number`."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The HCM's id for the worker.")
    employee_number: str | None = Field(description="Business key; null only if the HCM has none.")
    first_name: str
    last_name: str
    preferred_name: str | None = None
    display_name: str
    email: str | None = None
    employment: Employment
    provenance: Provenance


class _WorkerAttributes(BaseModel):
    """Every writable canonical worker attribute; which system owns each is policy."""

    model_config = WRITE_CONFIG

    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    preferred_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    job_title: str | None = Field(default=None, min_length=1, max_length=200)
    legal_entity: str | None = Field(default=None, min_length=1, max_length=40)
    org_unit_id: str | None = Field(default=None, min_length=1, max_length=80)
    cost_centre: str | None = Field(default=None, min_length=1, max_length=40)
    grade: str | None = Field(default=None, min_length=1, max_length=40)
    location: str | None = Field(default=None, min_length=1, max_length=100)
    manager_id: str | None = Field(default=None, min_length=1, max_length=40)
    weekly_capacity_hours: WireDecimal | None = Field(default=None, ge=0, le=168)
    employment_type: Annotated[EmploymentType, Strict(False)] | None = None
    cost_rate: Money | None = Field(default=None, description="Owned by the PSA.")
    bill_rate: Money | None = Field(default=None, description="Owned by the PSA.")
    effective_date: WireDate | None = Field(
        default=None, description="When job changes take effect; today when omitted."
    )

    def written_attributes(self) -> set[str]:
        """The attributes this request sets (explicit nulls included), minus control fields."""
        return set(self.model_fields_set) - {"effective_date"}


class WorkerCreate(_WorkerAttributes):
    """A hire: identity, employment start and place in the organisation."""

    employee_number: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    hire_date: WireDate

    def written_attributes(self) -> set[str]:
        return super().written_attributes() | {"employee_number", "hire_date"}


class WorkerUpdate(_WorkerAttributes):
    """A partial change to a worker; omitted attributes stay as they are."""

    @model_validator(mode="after")
    def _something_to_change(self) -> WorkerUpdate:
        if not self.written_attributes():
            raise ValueError("an update must set at least one attribute")
        return self


class OrgUnitKind(StrEnum):
    """How the HCM groups workers."""

    DEPARTMENT = "department"
    DIVISION = "division"


class OrgUnit(BaseModel):
    """A department or division."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable id, '<kind>-<hcm id>'.")
    name: str
    kind: OrgUnitKind
    archived: bool = False
    provenance: Provenance


class CostCentre(BaseModel):
    """A cost centre workers are charged to; business key `code`."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    archived: bool = False
    provenance: Provenance


class LeaveStatus(StrEnum):
    """Where a leave request is in its approval workflow."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class LeaveUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"


class LeaveRequest(BaseModel):
    """Time off a worker asked for, with its amount per day."""

    model_config = ConfigDict(frozen=True)

    id: str
    worker_id: str
    leave_type: str | None = None
    status: LeaveStatus
    start: date
    end: date
    amount: Decimal = Field(description="Total requested, in `unit`.")
    unit: LeaveUnit
    days: dict[date, Decimal] = Field(
        default_factory=dict, description="Amount per day, in `unit`."
    )
    created: date | None = None
    provenance: Provenance


class WorkerAvailability(BaseModel):
    """One worker's hours over a period: capacity, approved leave and what is left."""

    model_config = ConfigDict(frozen=True)

    worker_id: str
    employee_number: str | None = None
    capacity_hours: Hours
    leave_hours: Hours
    available_hours: Hours


class Availability(BaseModel):
    """Capacity minus approved leave for a worker or an org unit over a period."""

    model_config = ConfigDict(frozen=True)

    subject: Literal["worker", "org_unit"]
    subject_id: str
    start: date
    end: date
    capacity_hours: Hours
    leave_hours: Hours
    available_hours: Hours
    workers: list[WorkerAvailability]
    provenance: Provenance
