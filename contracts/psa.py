"""Canonical PSA records: customers, projects, tasks, resources, assignments and time.

Ids are the PSA's own ids as strings (opaque to callers); business keys (`customer_number`,
`project_code`, `employee_number`) are plain fields. Every record a partner could own carries
its `customer_number` so the edge can scope partner callers to their own records.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.common import Money, Provenance
from contracts.wire import WRITE_CONFIG, WireDate, WireDecimal

ProjectStatus = Literal["active", "archived"]
ApprovalState = Literal["pending", "approved"]

_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


class _Record(BaseModel):
    """Base for records read from the PSA: frozen, with provenance."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The PSA's id for the record; opaque.")
    provenance: Provenance


class _Write(BaseModel):
    """Base for request bodies: unknown fields are refused, nothing is coerced."""

    model_config = WRITE_CONFIG


class Customer(_Record):
    """A client of the firm as the PSA knows it."""

    customer_number: str | None = Field(description="Business key shared with ERP and billing.")
    name: str
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    legal_entity: str | None = Field(default=None, description="Contracting legal entity code.")
    active: bool


class CustomerCreate(_Write):
    """Mirror an ERP customer into the PSA; the ERP owns its attributes, so an existing
    customer with this number is returned as it is, never changed."""

    customer_number: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(
        pattern=r"^[A-Z]{3}$", description="The currency the customer is invoiced in."
    )


class Project(_Record):
    """A client engagement: code, customer, budget, dates and status."""

    project_code: str | None
    name: str
    customer_id: str
    customer_number: str | None
    legal_entity: str | None
    currency: str | None = Field(description="The currency the project bills in.")
    status: ProjectStatus
    billable: bool
    budget_hours: Decimal | None = None
    hourly_rate: Money | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    notes: str | None = None


class ProjectCreate(_Write):
    """A project to create under an existing customer (identified by business key)."""

    project_code: str = Field(pattern=_CODE)
    name: str = Field(min_length=1, max_length=200)
    customer_number: str = Field(pattern=_CODE)
    billable: bool = True
    budget_hours: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    hourly_rate: Money | None = None
    starts_on: WireDate | None = None
    ends_on: WireDate | None = None
    notes: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> ProjectCreate:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class ProjectUpdate(_Write):
    """A partial update of a project; only the fields sent are changed."""

    status: ProjectStatus | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    budget_hours: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    starts_on: WireDate | None = None
    ends_on: WireDate | None = None
    notes: str | None = Field(default=None, max_length=2000)
    customer_number: str | None = Field(
        default=None, description="Owned by the ERP: writing it here is refused (409)."
    )
    legal_entity: str | None = Field(
        default=None, description="Owned by the ERP: writing it here is refused (409)."
    )


class Task(_Record):
    """A kind of work time is booked against (the firm-wide task catalogue)."""

    name: str
    billable_by_default: bool
    active: bool


class TaskCreate(_Write):
    """A task to add to the catalogue."""

    name: str = Field(min_length=1, max_length=200)
    billable_by_default: bool = True


class ProjectTask(_Record):
    """A task enabled on one project, with its billability and rate there."""

    project_id: str
    task_id: str
    task_name: str | None
    customer_number: str | None
    billable: bool
    active: bool
    hourly_rate: Money | None = None


class ProjectTaskCreate(_Write):
    """Enable a catalogue task on a project."""

    task_id: str = Field(pattern=r"^\d{1,18}$")
    billable: bool = True
    hourly_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class Resource(_Record):
    """A person who can be staffed: identity from HCM, rates and capacity from the PSA."""

    employee_number: str | None
    email: str
    first_name: str
    last_name: str
    grade: str | None
    legal_entity: str | None
    contractor: bool
    is_assignable: bool = Field(description="Active in the PSA: can be staffed and book time.")
    weekly_capacity_hours: Decimal | None
    bill_rate: Money | None
    cost_rate: Money | None = Field(description="Sensitive: null without psa.rates:read.")


class ResourceUpdate(_Write):
    """A partial update of a resource; identity attributes belong to the HCM (409)."""

    is_assignable: bool | None = None
    weekly_capacity_hours: WireDecimal | None = Field(default=None, ge=0, le=168, decimal_places=1)
    bill_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    cost_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    first_name: str | None = Field(default=None, description="Owned by the HCM (409).")
    last_name: str | None = Field(default=None, description="Owned by the HCM (409).")
    email: str | None = Field(default=None, description="Owned by the HCM (409).")


class ResourceCreate(_Write):
    """Make a worker the HCM hired staffable: the PSA's copy of them, keyed by employee number.

    Identity (names, email, grade, entity) is copied from the HCM once, when the resource is
    created; an existing resource with this employee number is returned as it is. Afterwards
    only what the PSA owns changes here (updateResource).
    """

    employee_number: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    grade: str | None = Field(default=None, min_length=1, max_length=40)
    legal_entity: str | None = Field(default=None, pattern=_CODE)
    role: str | None = Field(
        default=None, min_length=1, max_length=100, description="Staffing role, e.g. a job title."
    )
    contractor: bool = False
    is_assignable: bool = True
    weekly_capacity_hours: WireDecimal | None = Field(default=None, ge=0, le=168, decimal_places=1)
    bill_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    cost_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class ResourceApproverUpdate(_Write):
    """Route a resource's timesheet approval to another resource (its line manager)."""

    approver_id: str | None = Field(
        pattern=r"^\d{1,18}$", description="The approving resource; null removes the routing."
    )


class ResourceApprover(BaseModel):
    """Who approves a resource's time."""

    model_config = ConfigDict(frozen=True)

    resource_id: str
    approver_id: str | None


class Assignment(_Record):
    """A resource staffed on a project."""

    project_id: str
    project_code: str | None
    customer_number: str | None
    resource_id: str
    active: bool
    project_manager: bool
    hourly_rate: Money | None = Field(description="Bill rate override on this project, if any.")
    budget_hours: Decimal | None = None


class AssignmentCreate(_Write):
    """Staff a resource on a project."""

    resource_id: str = Field(pattern=r"^\d{1,18}$")
    project_manager: bool = False
    hourly_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    budget_hours: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class AssignmentUpdate(_Write):
    """Change an assignment's role, rate or budget."""

    project_manager: bool | None = None
    hourly_rate: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    budget_hours: WireDecimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class TimeEntry(_Record):
    """Hours a resource booked on a project task on one day, with its approval state."""

    spent_date: date
    hours: Decimal
    resource_id: str
    project_id: str
    task_id: str | None
    customer_number: str | None
    notes: str | None
    billable: bool
    approval_state: ApprovalState
    locked: bool
    billed: bool
    bill_rate: Money | None
    cost_rate: Money | None = Field(description="Sensitive: null without psa.rates:read.")


class TimeApproval(_Write):
    """Approve (and lock) the pending time of a project in a period, optionally one resource's."""

    project_id: str = Field(pattern=r"^\d{1,18}$")
    period_start: WireDate
    period_end: WireDate
    resource_id: str | None = Field(default=None, pattern=r"^\d{1,18}$")

    @model_validator(mode="after")
    def _period_in_order(self) -> TimeApproval:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class TimeApprovalResult(BaseModel):
    """What an approval did: the entries it approved and those already approved."""

    model_config = ConfigDict(frozen=True)

    approved: list[str]
    already_approved: list[str]


class TimeBilling(_Write):
    """Mark approved time entries billed: they stay locked and are never billed again."""

    entry_ids: list[Annotated[str, Field(pattern=r"^\d{1,18}$")]] = Field(
        min_length=1, max_length=200
    )


class TimeBillingResult(BaseModel):
    """The entries now marked billed (marking a billed entry again changes nothing)."""

    model_config = ConfigDict(frozen=True)

    billed: list[str]
