"""PSA v1 routes that make HCM workers staffable and route their time approval."""

from __future__ import annotations

from fastapi import Response

from contracts.psa import Resource, ResourceApprover, ResourceApproverUpdate, ResourceCreate
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.router import system_router
from system_apis.psa.v1.params import Id, PsaDep, created_status
from system_apis.psa.v1.people import PeopleService

router = system_router()


@router.post(
    "/resources",
    operation_id="createResource",
    response_model=Resource,
    status_code=201,
    responses={200: {"model": Resource, "description": "A resource held the employee number."}},
)
async def create_resource(
    body: ResourceCreate,
    psa: PsaDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Resource:
    resource, created = await PeopleService(psa.ctx).create_resource(caller, body)
    response.status_code = created_status(created)
    return resource


@router.put(
    "/resources/{resource_id}/approver",
    operation_id="setResourceApprover",
    response_model=ResourceApprover,
)
async def set_resource_approver(
    resource_id: Id,
    body: ResourceApproverUpdate,
    psa: PsaDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ResourceApprover:
    return await PeopleService(psa.ctx).set_approver(caller, resource_id, body)
