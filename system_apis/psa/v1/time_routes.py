"""PSA v1 routes for time entries, their approval and billing (mounted by v1/router.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from contracts.common import Page
from contracts.psa import (
    ApprovalState,
    TimeApproval,
    TimeApprovalResult,
    TimeBilling,
    TimeBillingResult,
    TimeEntry,
)
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import CursorQuery, LimitQuery
from system_apis._kit.query import IsoDate
from system_apis._kit.router import system_router
from system_apis.psa.v1.params import Id, IdFilter, PsaDep

router = system_router()
DateQuery = Annotated[IsoDate | None, Query(description="Inclusive bound on spent_date.")]


@router.get("/time-entries", operation_id="listTimeEntries", response_model=Page[TimeEntry])
async def list_time_entries(  # noqa: PLR0917
    psa: PsaDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
    project_id: IdFilter = None,
    resource_id: IdFilter = None,
    period_start: DateQuery = None,
    period_end: DateQuery = None,
    approval_state: ApprovalState | None = None,
    billed: bool | None = None,
) -> Page[TimeEntry]:
    return await psa.time.list_time_entries(
        caller,
        project_id=project_id,
        resource_id=resource_id,
        period=(period_start, period_end),
        approval_state=approval_state,
        billed=billed,
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/time-entries/{entry_id:digits}", operation_id="getTimeEntry", response_model=TimeEntry
)
async def get_time_entry(entry_id: Id, psa: PsaDep, caller: CallerDep) -> TimeEntry:
    return await psa.time.get_time_entry(caller, entry_id)


@router.post(
    "/time-entries/{entry_id:digits}/approve",
    operation_id="approveTimeEntry",
    response_model=TimeEntry,
)
async def approve_time_entry(
    entry_id: Id, psa: PsaDep, caller: CallerDep, idempotency_key: IdempotencyKeyHeader = None
) -> TimeEntry:
    return await psa.time.approve_time_entry(caller, entry_id)


@router.post(
    "/time-entries/approvals", operation_id="approveTime", response_model=TimeApprovalResult
)
async def approve_time(
    body: TimeApproval,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TimeApprovalResult:
    return await psa.time.approve_time(caller, body)


@router.post(
    "/time-entries/billing", operation_id="markTimeBilled", response_model=TimeBillingResult
)
async def mark_time_billed(
    body: TimeBilling,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TimeBillingResult:
    """Mark approved time entries billed once an invoice billed them; they stay locked."""
    return await psa.time.mark_time_billed(caller, body)
