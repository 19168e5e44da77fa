"""PSA v1 routes: thin; the service does the work, the kit renders vendor errors.

Writes accept `Idempotency-Key` (the gateway replays a repeated key). Harvest itself has no
idempotency keys, so creates are keyed on business keys instead (project code, task name,
the resource on a project): a retried create returns the first object (200), never a second.
"""

from __future__ import annotations

from fastapi import Response

from contracts.common import Page
from contracts.psa import (
    Customer,
    CustomerCreate,
    Project,
    ProjectCreate,
    ProjectStatus,
    ProjectTask,
    ProjectTaskCreate,
    ProjectUpdate,
    Task,
    TaskCreate,
)
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import CursorQuery, LimitQuery
from system_apis._kit.router import system_router
from system_apis.psa.v1 import people_routes, staffing_routes, time_routes
from system_apis.psa.v1.params import Id, Key, PsaDep, created_status

router = system_router()


@router.get("/customers", operation_id="listCustomers", response_model=Page[Customer])
async def list_customers(
    psa: PsaDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
    active: bool | None = None,
) -> Page[Customer]:
    return await psa.list_customers(caller, active=active, cursor=cursor, limit=limit)


@router.post(
    "/customers",
    operation_id="createCustomer",
    response_model=Customer,
    status_code=201,
    responses={200: {"model": Customer, "description": "A customer already had this number."}},
)
async def create_customer(
    body: CustomerCreate,
    psa: PsaDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Customer:
    """Mirror an ERP customer into the PSA; an existing one is returned unchanged (200)."""
    customer, created = await psa.create_customer(caller, body)
    response.status_code = created_status(created)
    return customer


@router.get("/customers/{customer_id}", operation_id="getCustomer", response_model=Customer)
async def get_customer(customer_id: Id, psa: PsaDep, caller: CallerDep) -> Customer:
    return await psa.get_customer(caller, customer_id)


@router.get("/projects", operation_id="listProjects", response_model=Page[Project])
async def list_projects(  # noqa: PLR0917
    psa: PsaDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
    status: ProjectStatus | None = None,
    customer_number: Key = None,
    legal_entity: Key = None,
) -> Page[Project]:
    return await psa.list_projects(
        caller,
        status=status,
        customer_number=customer_number,
        legal_entity=legal_entity,
        cursor=cursor,
        limit=limit,
    )


@router.post(
    "/projects",
    operation_id="createProject",
    response_model=Project,
    status_code=201,
    responses={200: {"model": Project, "description": "The project already held this code."}},
)
async def create_project(
    body: ProjectCreate,
    psa: PsaDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Project:
    project, created = await psa.create_project(caller, body)
    response.status_code = created_status(created)
    return project


@router.get("/projects/{project_id}", operation_id="getProject", response_model=Project)
async def get_project(project_id: Id, psa: PsaDep, caller: CallerDep) -> Project:
    return await psa.get_project(caller, project_id)


@router.patch("/projects/{project_id}", operation_id="updateProject", response_model=Project)
async def update_project(
    project_id: Id,
    body: ProjectUpdate,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Project:
    return await psa.update_project(caller, project_id, body)


@router.get("/tasks", operation_id="listTasks", response_model=Page[Task])
async def list_tasks(
    psa: PsaDep, cursor: CursorQuery = None, limit: LimitQuery = 50, active: bool | None = None
) -> Page[Task]:
    return await psa.list_tasks(active=active, cursor=cursor, limit=limit)


@router.post(
    "/tasks",
    operation_id="createTask",
    response_model=Task,
    status_code=201,
    responses={200: {"model": Task, "description": "A task already had this name."}},
)
async def create_task(
    body: TaskCreate, psa: PsaDep, response: Response, idempotency_key: IdempotencyKeyHeader = None
) -> Task:
    task, created = await psa.create_task(body)
    response.status_code = created_status(created)
    return task


@router.get(
    "/projects/{project_id}/tasks",
    operation_id="listProjectTasks",
    response_model=Page[ProjectTask],
)
async def list_project_tasks(
    project_id: Id,
    psa: PsaDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[ProjectTask]:
    return await psa.list_project_tasks(caller, project_id, cursor=cursor, limit=limit)


@router.post(
    "/projects/{project_id}/tasks",
    operation_id="addProjectTask",
    response_model=ProjectTask,
    status_code=201,
    responses={200: {"model": ProjectTask, "description": "The task was already enabled."}},
)
async def add_project_task(  # noqa: PLR0917
    project_id: Id,
    body: ProjectTaskCreate,
    psa: PsaDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ProjectTask:
    task, created = await psa.add_project_task(caller, project_id, body)
    response.status_code = created_status(created)
    return task


router.include_router(staffing_routes.router)
router.include_router(time_routes.router)
router.include_router(people_routes.router)
