"""REST v1 of the HCM system API: thin routes over HcmService."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from contracts.common import Page
from contracts.hcm import (
    Availability,
    CostCentre,
    LeaveRequest,
    LeaveStatus,
    OrgUnit,
    OrgUnitKind,
    Worker,
    WorkerAvailability,
    WorkerCreate,
    WorkerStatus,
    WorkerUpdate,
)
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery
from system_apis._kit.query import IsoDate, IsoDateTime
from system_apis._kit.router import system_router
from system_apis._kit.runtime import service_dep
from system_apis.hcm.v1.service import HcmService
from system_apis.hcm.v1.workers import WorkerFilter

ServiceDep = Annotated[HcmService, service_dep("system/hcm/v1", HcmService)]
WorkerPath = Annotated[
    str, Path(min_length=1, max_length=20, pattern=r"^[0-9]+$", description="The HCM's id.")
]
NumberPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
OrgUnitPath = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[a-z]+-[0-9]+$")]
StartQuery = Annotated[IsoDate, Query(description="First day of the period.")]
EndQuery = Annotated[IsoDate, Query(description="Last day of the period (inclusive).")]
ArchivedQuery = Annotated[bool, Query(description="Include archived entries.")]

router = system_router(tags=["hcm"])


@router.get("/workers", operation_id="listWorkers", response_model=Page[Worker])
async def list_workers(
    *,
    service: ServiceDep,
    caller: CallerDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    status: WorkerStatus | None = None,
    legal_entity: Annotated[str | None, Query(max_length=40)] = None,
    org_unit_id: Annotated[str | None, Query(max_length=80)] = None,
    changed_since: Annotated[
        IsoDateTime | None, Query(description="Only workers changed at or after this instant.")
    ] = None,
) -> Page[Worker]:
    """Workers, by employment status, legal entity, org unit or last change."""
    flt = WorkerFilter(status, legal_entity, org_unit_id, changed_since)
    return await service.list_workers(flt, cursor, limit, caller)


@router.post("/workers", operation_id="createWorker", response_model=Worker, status_code=201)
async def create_worker(
    *,
    body: WorkerCreate,
    service: ServiceDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Worker:
    """Hire a worker; a second hire with the same employee number is refused (409)."""
    return await service.create_worker(body, caller)


@router.get(
    "/workers/by-employee-number/{employee_number}",
    operation_id="getWorkerByEmployeeNumber",
    response_model=Worker,
)
async def get_worker_by_employee_number(
    *, employee_number: NumberPath, service: ServiceDep, caller: CallerDep
) -> Worker:
    """One worker by business key."""
    return await service.get_worker_by_number(employee_number, caller)


@router.get("/workers/{worker_id}", operation_id="getWorker", response_model=Worker)
async def get_worker(*, worker_id: WorkerPath, service: ServiceDep, caller: CallerDep) -> Worker:
    """One worker by the HCM's id."""
    return await service.get_worker(worker_id, caller)


@router.patch("/workers/{worker_id}", operation_id="updateWorker", response_model=Worker)
async def update_worker(
    *,
    worker_id: WorkerPath,
    body: WorkerUpdate,
    service: ServiceDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Worker:
    """Change a worker; attributes another system owns are refused (409 naming it)."""
    return await service.update_worker(worker_id, body, caller)


@router.get(
    "/workers/{worker_id}/availability",
    operation_id="getWorkerAvailability",
    response_model=Availability,
)
async def get_worker_availability(
    *,
    worker_id: WorkerPath,
    start: StartQuery,
    end: EndQuery,
    service: ServiceDep,
    caller: CallerDep,
) -> Availability:
    """Contracted hours minus approved leave for one worker over a period."""
    return await service.worker_availability(worker_id, (start, end), caller)


@router.get(
    "/availability", operation_id="listAvailability", response_model=Page[WorkerAvailability]
)
async def list_availability(
    *,
    start: StartQuery,
    end: EndQuery,
    service: ServiceDep,
    caller: CallerDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[WorkerAvailability]:
    """Contracted hours minus approved leave of every worker employed in the period, by id."""
    return await service.list_availability((start, end), (cursor, limit), caller)


@router.get("/org-units", operation_id="listOrgUnits", response_model=Page[OrgUnit])
async def list_org_units(
    *,
    service: ServiceDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    kind: OrgUnitKind | None = None,
    include_archived: ArchivedQuery = False,
) -> Page[OrgUnit]:
    """Departments and divisions."""
    return await service.list_org_units(kind, include_archived, cursor, limit)


@router.get(
    "/org-units/{org_unit_id}/availability",
    operation_id="getOrgUnitAvailability",
    response_model=Availability,
)
async def get_org_unit_availability(
    *,
    org_unit_id: OrgUnitPath,
    start: StartQuery,
    end: EndQuery,
    service: ServiceDep,
    caller: CallerDep,
) -> Availability:
    """Contracted hours minus approved leave, summed over an org unit's workers."""
    return await service.org_unit_availability(org_unit_id, (start, end), caller)


@router.get("/cost-centres", operation_id="listCostCentres", response_model=Page[CostCentre])
async def list_cost_centres(
    *,
    service: ServiceDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    include_archived: ArchivedQuery = False,
) -> Page[CostCentre]:
    """Cost centres workers are filed under."""
    return await service.list_cost_centres(include_archived, cursor, limit)


@router.get("/leave-requests", operation_id="listLeaveRequests", response_model=Page[LeaveRequest])
async def list_leave_requests(
    *,
    start: StartQuery,
    end: EndQuery,
    service: ServiceDep,
    caller: CallerDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    status: Annotated[list[LeaveStatus] | None, Query()] = None,
    worker_id: Annotated[str | None, Query(max_length=20, pattern=r"^[0-9]+$")] = None,
) -> Page[LeaveRequest]:
    """Leave requests overlapping a period, by status and worker."""
    return await service.list_leave_requests(
        (start, end), status or [], worker_id, (cursor, limit), caller
    )
