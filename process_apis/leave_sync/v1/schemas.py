"""Leave-sync v1 request bodies: one leave decision, and the HCM's leave notification."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from contracts.wire import WRITE_CONFIG, WireDate

EMPLOYEE_NUMBER = r"^[A-Za-z0-9-]{1,40}$"
REQUEST_ID = r"^[A-Za-z0-9-]{1,40}$"
# Request bodies are strict (only the JSON forms their schema documents), and frozen.
STRICT = ConfigDict(**WRITE_CONFIG, frozen=True)


class LeaveDecision(StrEnum):
    """The leave statuses that change a worker's availability."""

    APPROVED = "approved"
    CANCELLED = "cancelled"


class LeaveChange(BaseModel):
    """A leave request approved or cancelled in the HCM; one run per (request, status)."""

    model_config = STRICT

    leave_request_id: str = Field(pattern=REQUEST_ID)
    status: Annotated[LeaveDecision, Strict(False)]
    employee_number: str = Field(pattern=EMPLOYEE_NUMBER)
    starts_on: WireDate
    ends_on: WireDate

    @model_validator(mode="after")
    def _in_order(self) -> LeaveChange:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self

    def run_key(self) -> str:
        return f"{self.leave_request_id}:{self.status.value}"

    def business_keys(self) -> dict[str, str]:
        return {
            "leave_request_id": self.leave_request_id,
            "status": self.status.value,
            "employee_number": self.employee_number,
        }


class ChangedLeave(BaseModel):
    """One leave request the HCM says changed: its id, its worker and its dates."""

    model_config = STRICT

    leave_request_id: str = Field(pattern=REQUEST_ID)
    employee_number: str = Field(pattern=EMPLOYEE_NUMBER)
    starts_on: WireDate
    ends_on: WireDate


class LeaveNotification(BaseModel):
    """What the HCM's webhook sends; the HCM is read for each request's status."""

    model_config = STRICT

    requests: list[ChangedLeave] = Field(min_length=1, max_length=100)
