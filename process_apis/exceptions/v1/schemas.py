"""Request bodies of the exceptions API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict

from process_apis._runtime.exceptions import ExceptionKind
from process_apis._runtime.query import IsoDateTime


def _note() -> Any:
    return Field(default=None, max_length=2000, description="Why, for the audit trail.")


class ClaimRequest(BaseModel):
    """Reserve an exception for the caller."""

    model_config = ConfigDict(extra="forbid", strict=True)

    note: str | None = _note()
    take_over: bool = Field(
        default=False, description="Take the exception from whoever has claimed it."
    )


class ResumeRequest(BaseModel):
    """Corrected data for the parked run, which goes on from where it waited."""

    model_config = ConfigDict(extra="forbid", strict=True)

    data: dict[str, Any] = Field(
        default_factory=dict, description="The corrected fields, by the names the flow uses."
    )
    note: str | None = _note()


class RetryRequest(BaseModel):
    """Run the failed step again."""

    model_config = ConfigDict(extra="forbid", strict=True)

    note: str | None = _note()


class CancelRequest(BaseModel):
    """Give up on the exception."""

    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str = Field(min_length=1, max_length=2000, description="Why, for the audit trail.")


class RedriveRequest(BaseModel):
    """Retry many exceptions at once, chosen by business key, error type and time range.

    Only open exceptions and those the caller claimed are redriven, oldest first.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    error_type: str | None = Field(default=None, max_length=64)
    keys: dict[str, str] = Field(
        default_factory=dict, description="Business keys that must all match, e.g. project_code."
    )
    flow: str | None = Field(default=None, max_length=64)
    kind: Annotated[ExceptionKind, Strict(False)] | None = None
    created_after: IsoDateTime | None = None
    created_before: IsoDateTime | None = None
    max_count: int | None = Field(
        default=None,
        ge=1,
        description="At most this many; the configured cap is the default and the limit.",
    )
    note: str | None = _note()
    dry_run: bool = Field(default=False, description="Only say what would be redriven.")

    def has_selector(self) -> bool:
        return bool(self.error_type or self.keys or self.created_after or self.created_before)
