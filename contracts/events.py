"""Canonical business events: a CloudEvents 1.0 JSON envelope around a typed payload.

`type` is the past-tense business fact (`project.provisioned`); the payload's schema is
versioned by the `schemaversion` extension and published (JSON Schema + AsyncAPI) under
`openapi/events/`. `traceparent` carries the W3C trace of the run that caused the event,
and `businesskeys` (an extension, JSON-encoded as CloudEvents attributes are scalars)
names the business objects it concerns, so consumers can route without parsing `data`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.common import Money


class EventData(BaseModel):
    """Base of every event payload: its type and schema version are class attributes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1

    def business_keys(self) -> dict[str, str]:
        """The business keys this event concerns (subclasses name them)."""
        return {}


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope (JSON format) as Atrium emits and delivers it."""

    model_config = ConfigDict(extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(description="Unique per event; consumers de-duplicate on it.")
    source: str = Field(description="URI reference of the emitter, e.g. /process/time-to-cash/v1.")
    type: str = Field(description="Business fact, e.g. invoice.issued.")
    subject: str | None = Field(default=None, description="The main business key's value.")
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    schemaversion: str = Field(description="Version of the payload schema.")
    traceparent: str | None = Field(default=None, description="W3C trace context of the cause.")
    businesskeys: str = Field(description="JSON object of the business keys it concerns.")
    data: dict[str, Any]


class ProjectProvisioned(EventData):
    """A won deal now exists in ERP, PSA and billing."""

    event_type: ClassVar[str] = "project.provisioned"

    project_code: str
    customer_number: str
    legal_entity: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    psa_project_id: str
    billing_customer_id: str | None = None

    def business_keys(self) -> dict[str, str]:
        return {"project_code": self.project_code, "customer_number": self.customer_number}


class WorkerAssignable(EventData):
    """A worker can now be staffed in the PSA."""

    event_type: ClassVar[str] = "worker.assignable"

    employee_number: str
    psa_resource_id: str
    cost_centre: str | None = None
    role: str | None = None

    def business_keys(self) -> dict[str, str]:
        return {"employee_number": self.employee_number}


class WorkerDeactivated(EventData):
    """A terminated worker's assignments ended and their PSA user was deactivated."""

    event_type: ClassVar[str] = "worker.deactivated"

    employee_number: str
    psa_resource_id: str
    ended_assignments: int = Field(ge=0)
    terminated_on: date | None = None

    def business_keys(self) -> dict[str, str]:
        return {"employee_number": self.employee_number}


class InvoiceIssued(EventData):
    """An invoice for a project's billing period was finalized in billing."""

    event_type: ClassVar[str] = "invoice.issued"

    project_code: str
    billing_period: str = Field(pattern=r"^\d{4}-\d{2}$")
    invoice_id: str
    invoice_number: str | None = None
    customer_number: str
    total: Money
    hours: str = Field(description="Billed hours, decimal as a string.")

    def business_keys(self) -> dict[str, str]:
        keys = {"project_code": self.project_code, "billing_period": self.billing_period}
        if self.invoice_number:
            keys["invoice_number"] = self.invoice_number
        return keys


class RevenuePosted(EventData):
    """Revenue for an issued invoice was posted to the ERP."""

    event_type: ClassVar[str] = "revenue.posted"

    project_code: str
    billing_period: str = Field(pattern=r"^\d{4}-\d{2}$")
    legal_entity: str
    erp_document_id: str
    accounting_period: str = Field(pattern=r"^\d{4}-\d{2}$")
    amount: Money

    def business_keys(self) -> dict[str, str]:
        return {"project_code": self.project_code, "billing_period": self.billing_period}


class AvailabilityChanged(EventData):
    """Approved or cancelled leave changed a worker's capacity."""

    event_type: ClassVar[str] = "availability.changed"

    employee_number: str
    leave_request_id: str
    status: Literal["approved", "cancelled"]
    starts_on: date
    ends_on: date
    hours: str = Field(description="Leave hours, decimal as a string.")
    at_risk_assignments: list[str] = Field(default_factory=list)

    def business_keys(self) -> dict[str, str]:
        return {"employee_number": self.employee_number}


EVENT_TYPES: dict[str, type[EventData]] = {
    model.event_type: model
    for model in (
        ProjectProvisioned,
        WorkerAssignable,
        WorkerDeactivated,
        InvoiceIssued,
        RevenuePosted,
        AvailabilityChanged,
    )
}
"""Every canonical event type, by its `type`."""
