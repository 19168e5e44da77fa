"""Harvest <-> canonical PSA records: pure functions driven by policies/mappings/psa.yaml."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from contracts.common import Money, Provenance
from contracts.psa import (
    Assignment,
    AssignmentCreate,
    AssignmentUpdate,
    Customer,
    CustomerCreate,
    Project,
    ProjectCreate,
    ProjectTask,
    ProjectTaskCreate,
    ProjectUpdate,
    Resource,
    ResourceCreate,
    ResourceUpdate,
    Task,
    TaskCreate,
    TimeEntry,
)
from system_apis.psa.connector.models import (
    HarvestClient,
    HarvestProject,
    HarvestTask,
    HarvestTaskAssignment,
    HarvestTimeEntry,
    HarvestUser,
    HarvestUserAssignment,
)

SYSTEM = "harvest"
SECONDS_PER_HOUR = 3600
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class MappingPolicy:
    """psa.yaml, typed."""

    name_pattern: re.Pattern[str]
    name_format: str
    legal_entity_by_currency: Mapping[str, str]
    role_tags: Mapping[str, str]
    default_currency: str
    hours_budget_by: frozenset[str]
    approved_flag: str
    sensitive: Mapping[str, str]

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> MappingPolicy:
        """Validate the YAML document's shape once, at startup."""
        if raw["approved_flag"] not in ("is_closed", "is_locked"):
            raise ValueError("approved_flag must be is_closed or is_locked")
        return cls(
            name_pattern=re.compile(raw["customer_name"]["pattern"]),
            name_format=raw["customer_name"]["format"],
            legal_entity_by_currency=dict(raw["legal_entity_by_currency"]),
            role_tags=dict(raw["user_role_tags"]),
            default_currency=raw["default_currency"],
            hours_budget_by=frozenset(raw["hours_budget_by"]),
            approved_flag=raw["approved_flag"],
            sensitive=dict(raw["sensitive"]),
        )

    def currency_of(self, legal_entity: str | None) -> str:
        """The currency a legal entity invoices in (the default when unknown)."""
        for currency, entity in self.legal_entity_by_currency.items():
            if entity == legal_entity:
                return currency
        return self.default_currency


def provenance(remote_id: int, updated_at: Any) -> Provenance:
    """Where a Harvest record came from; `updated_at` doubles as its version."""
    version = updated_at.isoformat() if updated_at is not None else None
    return Provenance(
        system=SYSTEM, remote_id=str(remote_id), version=version, modified_at=updated_at
    )


def money(amount: Decimal | None, currency: str | None) -> Money | None:
    """A Harvest number as Money; None when the amount or currency is unknown."""
    if amount is None or currency is None:
        return None
    return Money(amount=amount, currency=currency)


def split_customer_name(name: str, policy: MappingPolicy) -> tuple[str | None, str]:
    """(customer number, display name) from a Harvest client name."""
    match = policy.name_pattern.match(name)
    if match is None:
        return None, name
    return match["number"], match["name"]


def to_canonical_customer(client: HarvestClient, policy: MappingPolicy) -> Customer:
    """A Harvest client as a canonical Customer."""
    number, name = split_customer_name(client.name, policy)
    return Customer(
        id=str(client.id),
        provenance=provenance(client.id, client.updated_at),
        customer_number=number,
        name=name,
        currency=client.currency,
        legal_entity=policy.legal_entity_by_currency.get(client.currency or ""),
        active=client.is_active,
    )


def from_canonical_customer(customer: CustomerCreate, policy: MappingPolicy) -> dict[str, Any]:
    """The Harvest createClient body: the number kept in the client's name, as the firm does."""
    name = policy.name_format.format(number=customer.customer_number, name=customer.name)
    return {"name": name, "currency": customer.currency, "is_active": True}


def carries_number(body: dict[str, Any], customer_number: str, policy: MappingPolicy) -> bool:
    """Whether a client name written for `customer_number` reads back as that number."""
    return split_customer_name(str(body["name"]), policy)[0] == customer_number


def to_canonical_project(project: HarvestProject, policy: MappingPolicy) -> Project:
    """A Harvest project as a canonical Project."""
    number, _ = split_customer_name(project.client.name or "", policy)
    currency = project.client.currency
    hours = project.budget if project.budget_by in policy.hours_budget_by else None
    return Project(
        id=str(project.id),
        provenance=provenance(project.id, project.updated_at),
        project_code=project.code,
        name=project.name,
        customer_id=str(project.client.id),
        customer_number=number,
        legal_entity=policy.legal_entity_by_currency.get(currency or ""),
        currency=currency,
        status="active" if project.is_active else "archived",
        billable=project.is_billable,
        budget_hours=hours,
        hourly_rate=money(project.hourly_rate, currency),
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        notes=project.notes,
    )


def from_canonical_project(project: ProjectCreate, client_id: int) -> dict[str, Any]:
    """The Harvest createProject body: billed by project rate, budgeted in hours when given."""
    body: dict[str, Any] = {
        "client_id": client_id,
        "name": project.name,
        "code": project.project_code,
        "is_billable": project.billable,
        "bill_by": "Project" if project.hourly_rate is not None else "none",
        "budget_by": "project" if project.budget_hours is not None else "none",
    }
    if project.hourly_rate is not None:
        body["hourly_rate"] = float(project.hourly_rate.amount)
    if project.budget_hours is not None:
        body["budget"] = float(project.budget_hours)
    body.update(_dates_and_notes(project.starts_on, project.ends_on, project.notes))
    return body


def from_canonical_project_update(update: ProjectUpdate) -> dict[str, Any]:
    """The Harvest updateProject body for the fields the caller sent."""
    sent = update.model_fields_set
    body: dict[str, Any] = {}
    if "status" in sent and update.status is not None:
        body["is_active"] = update.status == "active"
    if "name" in sent and update.name is not None:
        body["name"] = update.name
    if "budget_hours" in sent:
        budget = update.budget_hours
        body["budget_by"] = "project" if budget is not None else "none"
        body["budget"] = float(budget) if budget is not None else None
    for field in ("starts_on", "ends_on", "notes"):
        if field in sent:
            value = getattr(update, field)
            body[field] = value.isoformat() if isinstance(value, date) else value
    return body


def _dates_and_notes(starts: date | None, ends: date | None, notes: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if starts is not None:
        body["starts_on"] = starts.isoformat()
    if ends is not None:
        body["ends_on"] = ends.isoformat()
    if notes is not None:
        body["notes"] = notes
    return body


def to_canonical_task(task: HarvestTask) -> Task:
    """A Harvest task as a canonical Task."""
    return Task(
        id=str(task.id),
        provenance=provenance(task.id, task.updated_at),
        name=task.name,
        billable_by_default=task.billable_by_default,
        active=task.is_active,
    )


def from_canonical_task(task: TaskCreate) -> dict[str, Any]:
    """The Harvest createTask body."""
    return {"name": task.name, "billable_by_default": task.billable_by_default, "is_active": True}


def to_canonical_project_task(assignment: HarvestTaskAssignment, project: Project) -> ProjectTask:
    """A Harvest task assignment as a ProjectTask of `project` (for its customer and currency)."""
    return ProjectTask(
        id=str(assignment.id),
        provenance=provenance(assignment.id, assignment.updated_at),
        project_id=str(assignment.project.id),
        task_id=str(assignment.task.id),
        task_name=assignment.task.name,
        customer_number=project.customer_number,
        billable=bool(assignment.billable),
        active=assignment.is_active,
        hourly_rate=money(assignment.hourly_rate, project.currency),
    )


def from_canonical_project_task(task: ProjectTaskCreate) -> dict[str, Any]:
    """The Harvest createTaskAssignment body."""
    body: dict[str, Any] = {"task_id": int(task.task_id), "billable": task.billable}
    if task.hourly_rate is not None:
        body["hourly_rate"] = float(task.hourly_rate)
    return body


def role_tag(roles: Collection[str], key: str, policy: MappingPolicy) -> str | None:
    """The value of the tagged role `key` (e.g. grade) on a Harvest user, if any."""
    prefix = policy.role_tags[key]
    return next((r[len(prefix) :] for r in roles if r.startswith(prefix)), None)


def to_canonical_resource(user: HarvestUser, policy: MappingPolicy) -> Resource:
    """A Harvest user as a canonical Resource; rates in the user's entity currency."""
    entity = role_tag(user.roles, "legal_entity", policy)
    currency = policy.currency_of(entity)
    capacity = user.weekly_capacity
    return Resource(
        id=str(user.id),
        provenance=provenance(user.id, user.updated_at),
        employee_number=role_tag(user.roles, "employee_number", policy),
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        grade=role_tag(user.roles, "grade", policy),
        legal_entity=entity,
        contractor=user.is_contractor,
        is_assignable=user.is_active,
        weekly_capacity_hours=None if capacity is None else Decimal(capacity) / SECONDS_PER_HOUR,
        bill_rate=money(user.default_hourly_rate, currency),
        cost_rate=money(user.cost_rate, currency),
    )


def from_canonical_resource_update(update: ResourceUpdate) -> dict[str, Any]:
    """The Harvest updateUser body (rates are separate calls: see `rate_changes`)."""
    sent = update.model_fields_set
    body: dict[str, Any] = {}
    if "is_assignable" in sent and update.is_assignable is not None:
        body["is_active"] = update.is_assignable
    if "weekly_capacity_hours" in sent and update.weekly_capacity_hours is not None:
        # Harvest stores capacity in seconds, in half-hour steps.
        half_hours = (update.weekly_capacity_hours * 2).to_integral_value()
        body["weekly_capacity"] = int(half_hours) * SECONDS_PER_HOUR // 2
    return body


def weekly_capacity_seconds(hours: Decimal) -> int:
    """Harvest stores capacity in seconds, in half-hour steps."""
    half_hours = (hours * 2).to_integral_value()
    return int(half_hours) * SECONDS_PER_HOUR // 2


def from_canonical_resource(resource: ResourceCreate, policy: MappingPolicy) -> dict[str, Any]:
    """The Harvest createUser body: HCM keys as tagged roles, the staffing role as a plain one."""
    tags = policy.role_tags
    roles = [f"{tags['employee_number']}{resource.employee_number}"]
    if resource.grade is not None:
        roles.append(f"{tags['grade']}{resource.grade}")
    if resource.legal_entity is not None:
        roles.append(f"{tags['legal_entity']}{resource.legal_entity}")
    if resource.role is not None:
        roles.append(resource.role)
    body: dict[str, Any] = {
        "first_name": resource.first_name,
        "last_name": resource.last_name,
        "email": resource.email,
        "is_contractor": resource.contractor,
        "is_active": resource.is_assignable,
        "roles": roles,
    }
    if resource.weekly_capacity_hours is not None:
        body["weekly_capacity"] = weekly_capacity_seconds(resource.weekly_capacity_hours)
    if resource.bill_rate is not None:
        body["default_hourly_rate"] = float(resource.bill_rate)
    if resource.cost_rate is not None:
        body["cost_rate"] = float(resource.cost_rate)
    return body


def rate_changes(update: ResourceUpdate) -> dict[str, Decimal]:
    """New rates to record: {"cost_rates"|"billable_rates": amount} (Harvest rate history)."""
    changes: dict[str, Decimal] = {}
    if update.cost_rate is not None:
        changes["cost_rates"] = update.cost_rate
    if update.bill_rate is not None:
        changes["billable_rates"] = update.bill_rate
    return changes


def to_canonical_assignment(assignment: HarvestUserAssignment, project: Project) -> Assignment:
    """A Harvest user assignment as a canonical Assignment on `project`."""
    own_rate = assignment.use_default_rates is False
    return Assignment(
        id=str(assignment.id),
        provenance=provenance(assignment.id, assignment.updated_at),
        project_id=str(assignment.project.id),
        project_code=assignment.project.code,
        customer_number=project.customer_number,
        resource_id=str(assignment.user.id),
        active=assignment.is_active,
        project_manager=assignment.is_project_manager,
        hourly_rate=money(assignment.hourly_rate, project.currency) if own_rate else None,
        budget_hours=assignment.budget,
    )


def from_canonical_assignment(assignment: AssignmentCreate) -> dict[str, Any]:
    """The Harvest createUserAssignment body."""
    body: dict[str, Any] = {"user_id": int(assignment.resource_id), "is_active": True}
    return body | from_canonical_assignment_update(assignment)


def from_canonical_assignment_update(update: AssignmentCreate | AssignmentUpdate) -> dict[str, Any]:
    """The Harvest updateUserAssignment body for the fields the caller sent."""
    sent = update.model_fields_set
    body: dict[str, Any] = {}
    if "project_manager" in sent and update.project_manager is not None:
        body["is_project_manager"] = update.project_manager
    if "hourly_rate" in sent:
        rate = update.hourly_rate
        body["use_default_rates"] = rate is None
        body["hourly_rate"] = float(rate) if rate is not None else None
    if "budget_hours" in sent:
        budget = update.budget_hours
        body["budget"] = float(budget) if budget is not None else None
    return body


def to_canonical_time_entry(
    entry: HarvestTimeEntry, currency: str | None, policy: MappingPolicy
) -> TimeEntry:
    """A Harvest time entry as a canonical TimeEntry; rates in the client's `currency`."""
    number, _ = split_customer_name(entry.client.name or "", policy)
    approved = entry.is_closed if policy.approved_flag == "is_closed" else entry.is_locked
    return TimeEntry(
        id=str(entry.id),
        provenance=provenance(entry.id, entry.updated_at),
        spent_date=entry.spent_date,
        hours=entry.hours,
        resource_id=str(entry.user.id),
        project_id=str(entry.project.id),
        task_id=str(entry.task.id) if entry.task is not None else None,
        customer_number=number,
        notes=entry.notes,
        billable=entry.billable,
        approval_state="approved" if approved else "pending",
        locked=entry.is_locked,
        billed=entry.is_billed,
        bill_rate=money(entry.billable_rate, currency),
        cost_rate=money(entry.cost_rate, currency),
    )


def redact(record: R, kind: str, scopes: Collection[str], policy: MappingPolicy) -> R:
    """`record` with every sensitive field of `kind` nulled unless the caller holds its scope."""
    hidden = {
        key.split(".", 1)[1]: None
        for key, scope in policy.sensitive.items()
        if key.split(".", 1)[0] == kind and scope not in scopes
    }
    return record.model_copy(update=hidden) if hidden else record
