"""PSA v1 routes for resources and assignments (mounted by v1/router.py)."""

from __future__ import annotations

from fastapi import Response

from contracts.common import Page
from contracts.psa import Assignment, AssignmentCreate, AssignmentUpdate, Resource, ResourceUpdate
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import CursorQuery, LimitQuery
from system_apis._kit.router import system_router
from system_apis.psa.v1.params import Id, IdFilter, PsaDep, created_status

router = system_router()


@router.get("/resources", operation_id="listResources", response_model=Page[Resource])
async def list_resources(
    psa: PsaDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
    assignable: bool | None = None,
) -> Page[Resource]:
    return await psa.staffing.list_resources(
        caller, assignable=assignable, cursor=cursor, limit=limit
    )


@router.get("/resources/{resource_id}", operation_id="getResource", response_model=Resource)
async def get_resource(resource_id: Id, psa: PsaDep, caller: CallerDep) -> Resource:
    return await psa.staffing.get_resource(caller, resource_id)


@router.patch("/resources/{resource_id}", operation_id="updateResource", response_model=Resource)
async def update_resource(
    resource_id: Id,
    body: ResourceUpdate,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Resource:
    return await psa.staffing.update_resource(caller, resource_id, body)


@router.get("/assignments", operation_id="listAssignments", response_model=Page[Assignment])
async def list_assignments(  # noqa: PLR0917
    psa: PsaDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
    project_id: IdFilter = None,
    resource_id: IdFilter = None,
    active: bool | None = None,
) -> Page[Assignment]:
    return await psa.staffing.list_assignments(
        caller,
        project_id=project_id,
        resource_id=resource_id,
        active=active,
        cursor=cursor,
        limit=limit,
    )


@router.post(
    "/projects/{project_id}/assignments",
    operation_id="createAssignment",
    response_model=Assignment,
    status_code=201,
    responses={200: {"model": Assignment, "description": "The resource was already assigned."}},
)
async def create_assignment(  # noqa: PLR0917
    project_id: Id,
    body: AssignmentCreate,
    psa: PsaDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Assignment:
    assignment, created = await psa.staffing.create_assignment(caller, project_id, body)
    response.status_code = created_status(created)
    return assignment


@router.get(
    "/projects/{project_id}/assignments/{assignment_id}",
    operation_id="getAssignment",
    response_model=Assignment,
)
async def get_assignment(
    project_id: Id, assignment_id: Id, psa: PsaDep, caller: CallerDep
) -> Assignment:
    return await psa.staffing.get_assignment(caller, project_id, assignment_id)


@router.patch(
    "/projects/{project_id}/assignments/{assignment_id}",
    operation_id="updateAssignment",
    response_model=Assignment,
)
async def update_assignment(  # noqa: PLR0917
    project_id: Id,
    assignment_id: Id,
    body: AssignmentUpdate,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Assignment:
    return await psa.staffing.update_assignment(caller, project_id, assignment_id, body)


@router.post(
    "/projects/{project_id}/assignments/{assignment_id}/end",
    operation_id="endAssignment",
    response_model=Assignment,
)
async def end_assignment(
    project_id: Id,
    assignment_id: Id,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Assignment:
    return await psa.staffing.end_assignment(caller, project_id, assignment_id)
