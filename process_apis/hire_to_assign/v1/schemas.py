"""Hire-to-assign v1 request bodies: one worker change, and the HCM's change notification."""

from __future__ import annotations

from datetime import UTC
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from contracts.wire import WRITE_CONFIG
from process_apis._runtime.query import IsoDateTime

EMPLOYEE_NUMBER = r"^[A-Za-z0-9-]{1,40}$"
# Request bodies are strict (only the JSON forms their schema documents), and frozen.
STRICT = ConfigDict(**WRITE_CONFIG, frozen=True)


class ChangeKind(StrEnum):
    """What happened to the worker in the HCM."""

    HIRE = "hire"
    CHANGE = "change"
    TERMINATION = "termination"


class WorkerChange(BaseModel):
    """A change to one worker in the HCM; the run acts on the worker's state when it runs.

    The same (employee number, kind, change time) is always the same run, so a change seen
    by the webhook and by the poller, or delivered twice, is handled once.
    """

    model_config = STRICT

    employee_number: str = Field(pattern=EMPLOYEE_NUMBER)
    kind: Annotated[ChangeKind, Strict(False)]
    changed_at: IsoDateTime = Field(description="When the HCM recorded the change.")

    def run_key(self) -> str:
        at = self.changed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"{self.employee_number}:{self.kind.value}:{at}"

    def business_keys(self) -> dict[str, str]:
        return {"employee_number": self.employee_number, "change": self.kind.value}


class ChangedWorker(BaseModel):
    """One worker the HCM says changed, by employee number or by the HCM's id."""

    model_config = STRICT

    employee_number: str | None = Field(default=None, pattern=EMPLOYEE_NUMBER)
    worker_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{1,40}$")
    changed_at: IsoDateTime | None = Field(
        default=None, description="Informative: the run uses the HCM's own change time."
    )

    @model_validator(mode="after")
    def _identified(self) -> ChangedWorker:
        if self.employee_number is None and self.worker_id is None:
            raise ValueError("name the worker by employee_number or worker_id")
        return self


class HcmChangeNotification(BaseModel):
    """What the HCM's webhook sends: the workers that changed (the HCM is read for the rest)."""

    model_config = STRICT

    changes: list[ChangedWorker] = Field(min_length=1, max_length=100)
