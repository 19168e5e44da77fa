"""Time-to-cash v1: what a run is asked to bill, and what it reports when it is done."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contracts.common import Money
from contracts.wire import WRITE_CONFIG

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class TimeToCashRequest(BaseModel):
    """Bill one project's approved, unbilled time of one month and post the revenue."""

    model_config = WRITE_CONFIG

    project_code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", examples=["PRJ-0001"])
    billing_period: str = Field(
        pattern=PERIOD_PATTERN, description="The month billed, YYYY-MM.", examples=["2026-10"]
    )
    allow_next_open_period: bool = Field(
        default=False,
        description="When the ERP has closed the billing period's accounting period, post to "
        "the next open one instead of parking the run for finance.",
    )


Result = Literal["invoiced", "nothing to bill", "invoiced, not posted", "cancelled"]


class TimeToCashOutcome(BaseModel):
    """What a finished run did: the invoice, the ERP document, the time it billed."""

    outcome: Result
    project_code: str
    billing_period: str
    invoice_id: str | None = None
    invoice_number: str | None = None
    total: Money | None = None
    hours: str | None = Field(default=None, description="Hours billed, decimal as a string.")
    lines: int = 0
    entries_billed: int = 0
    erp_document_id: str | None = None
    accounting_period: str | None = Field(
        default=None, description="Where the revenue was posted (the billing period or later)."
    )
    reason: str | None = Field(default=None, description="Why the run stopped short, if it did.")
