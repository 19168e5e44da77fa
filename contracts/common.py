"""Building blocks every canonical record shares: money, provenance, pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Money(BaseModel):
    """An amount in one ISO 4217 currency; never a float."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Decimal = Field(description="Decimal amount, rendered as a string in JSON.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["USD"])


class Provenance(BaseModel):
    """Where a record came from: the system of record and its version there."""

    model_config = ConfigDict(frozen=True)

    system: str = Field(description="The vendor system, e.g. 'bamboohr'.")
    remote_id: str
    version: str | None = None
    modified_at: datetime | None = None


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next page."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="Opaque; absent on the last page.")
