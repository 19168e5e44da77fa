"""Harvest v2 payloads: the fields we rely on are required, everything else is tolerated.

A required field missing from a response becomes `SchemaDrift` (502 naming the field), so a
vendor rename is reported clearly instead of silently producing empty records.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class HarvestRef(_Payload):
    """A nested `{id, name}` reference (client, project, task, user)."""

    id: int
    name: str | None = None


class HarvestProjectRef(HarvestRef):
    code: str | None = None


class HarvestClientRef(HarvestRef):
    currency: str | None = None


class HarvestClient(_Payload):
    id: int
    name: str
    is_active: bool
    currency: str | None
    address: str | None = None
    updated_at: datetime | None = None


class HarvestProject(_Payload):
    id: int
    client: HarvestClientRef
    name: str
    code: str | None
    is_active: bool
    is_billable: bool
    bill_by: str | None = None
    hourly_rate: Decimal | None = None
    budget: Decimal | None = None
    budget_by: str | None = None
    notes: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    updated_at: datetime | None = None


class HarvestTask(_Payload):
    id: int
    name: str
    billable_by_default: bool
    is_active: bool
    default_hourly_rate: Decimal | None = None
    updated_at: datetime | None = None


class HarvestTaskAssignment(_Payload):
    id: int
    project: HarvestProjectRef
    task: HarvestRef
    is_active: bool
    billable: bool | None
    hourly_rate: Decimal | None = None
    updated_at: datetime | None = None


class HarvestUserAssignment(_Payload):
    id: int
    project: HarvestProjectRef
    user: HarvestRef
    is_active: bool
    is_project_manager: bool
    use_default_rates: bool | None = None
    hourly_rate: Decimal | None = None
    budget: Decimal | None = None
    updated_at: datetime | None = None


class HarvestUser(_Payload):
    id: int
    first_name: str
    last_name: str
    email: str
    is_contractor: bool
    is_active: bool
    weekly_capacity: int | None
    default_hourly_rate: Decimal | None
    cost_rate: Decimal | None
    roles: list[str] = []
    access_roles: list[str] = []
    updated_at: datetime | None = None


class HarvestTeammate(_Payload):
    """A user a manager approves time for (`/users/{id}/teammates`)."""

    id: int


class HarvestTimeEntry(_Payload):
    id: int
    spent_date: date
    user: HarvestRef
    client: HarvestRef
    project: HarvestRef
    task: HarvestRef | None
    hours: Decimal
    notes: str | None = None
    is_locked: bool
    is_closed: bool
    is_billed: bool
    billable: bool
    billable_rate: Decimal | None = None
    cost_rate: Decimal | None = None
    updated_at: datetime | None = None


class HarvestLinks(_Payload):
    next: str | None = None


class HarvestPageInfo(_Payload):
    """The paging envelope every Harvest list shares (the items are under a per-list key)."""

    page: int
    total_pages: int
    next_page: int | None
    links: HarvestLinks
