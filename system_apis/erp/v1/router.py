"""ERP v1 routes: thin; the service does the work, the kit renders vendor errors as problems.

Every legal entity is one Xero organisation, so records live under
/legal-entities/{legal_entity}. Writes accept `Idempotency-Key`; the service forwards a key
derived from it to Xero, which replays the first answer instead of creating a second object.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from contracts.common import Page
from contracts.erp import (
    AccountingPeriod,
    CostCentre,
    Customer,
    CustomerUpsert,
    DimensionStatus,
    LegalEntity,
    PeriodStatus,
    ProjectDimension,
    ProjectDimensionUpsert,
    TrackingCategory,
)
from system_apis._kit.caller import CallerDep
from system_apis._kit.idempotency import IdempotencyKeyHeader
from system_apis._kit.pagination import CursorQuery, LimitQuery
from system_apis._kit.query import ChangedSinceQuery
from system_apis._kit.router import system_router
from system_apis.erp.v1 import ledger_routes
from system_apis.erp.v1.params import BusinessKey, ErpDep, LegalEntityCode, created_status

router = system_router()
ENTITY = "/legal-entities/{legal_entity}"


@router.get("/legal-entities", operation_id="listLegalEntities", response_model=Page[LegalEntity])
async def list_legal_entities(
    erp: ErpDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[LegalEntity]:
    return await erp.list_legal_entities(cursor, limit)


@router.get(ENTITY, operation_id="getLegalEntity", response_model=LegalEntity)
async def get_legal_entity(legal_entity: LegalEntityCode, erp: ErpDep) -> LegalEntity:
    return await erp.get_legal_entity(legal_entity)


@router.get(
    f"{ENTITY}/accounting-periods",
    operation_id="listAccountingPeriods",
    response_model=Page[AccountingPeriod],
)
async def list_accounting_periods(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    fiscal_year: Annotated[int | None, Query(ge=1901, le=9998)] = None,
    status: PeriodStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[AccountingPeriod]:
    """Monthly periods of a financial year (default: the first year with an open period)."""
    return await erp.list_periods(
        legal_entity, fiscal_year=fiscal_year, status=status, cursor=cursor, limit=limit
    )


@router.get(f"{ENTITY}/customers", operation_id="listCustomers", response_model=Page[Customer])
async def list_customers(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    caller: CallerDep,
    changed_since: ChangedSinceQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[Customer]:
    return await erp.list_customers(
        legal_entity, caller, changed_since=changed_since, cursor=cursor, limit=limit
    )


@router.get(
    f"{ENTITY}/customers/{{customer_number}}", operation_id="getCustomer", response_model=Customer
)
async def get_customer(
    legal_entity: LegalEntityCode, customer_number: BusinessKey, erp: ErpDep, caller: CallerDep
) -> Customer:
    return await erp.get_customer(legal_entity, customer_number, caller)


@router.put(
    f"{ENTITY}/customers/{{customer_number}}",
    operation_id="upsertCustomer",
    response_model=Customer,
    responses={201: {"model": Customer, "description": "Created"}},
)
async def upsert_customer(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    customer_number: BusinessKey,
    body: CustomerUpsert,
    erp: ErpDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Customer:
    """Create or update the customer with this number (200 updated, 201 created)."""
    customer, created = await erp.upsert_customer(
        legal_entity, customer_number, body, caller, idempotency_key
    )
    response.status_code = created_status(created)
    return customer


@router.get(
    f"{ENTITY}/tracking-categories",
    operation_id="listTrackingCategories",
    response_model=Page[TrackingCategory],
)
async def list_tracking_categories(
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    caller: CallerDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[TrackingCategory]:
    return await erp.list_tracking_categories(legal_entity, cursor, limit, caller)


@router.get(
    f"{ENTITY}/cost-centres", operation_id="listCostCentres", response_model=Page[CostCentre]
)
async def list_cost_centres(
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    status: DimensionStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[CostCentre]:
    return await erp.list_cost_centres(legal_entity, status, cursor, limit)


@router.get(
    f"{ENTITY}/project-dimensions",
    operation_id="listProjectDimensions",
    response_model=Page[ProjectDimension],
)
async def list_project_dimensions(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    erp: ErpDep,
    caller: CallerDep,
    status: DimensionStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[ProjectDimension]:
    return await erp.list_project_dimensions(legal_entity, status, cursor, limit, caller)


@router.get(
    f"{ENTITY}/project-dimensions/{{project_code}}",
    operation_id="getProjectDimension",
    response_model=ProjectDimension,
)
async def get_project_dimension(
    legal_entity: LegalEntityCode, project_code: BusinessKey, erp: ErpDep, caller: CallerDep
) -> ProjectDimension:
    return await erp.get_project_dimension(legal_entity, project_code, caller)


@router.put(
    f"{ENTITY}/project-dimensions/{{project_code}}",
    operation_id="upsertProjectDimension",
    response_model=ProjectDimension,
    responses={201: {"model": ProjectDimension, "description": "Created"}},
)
async def upsert_project_dimension(  # noqa: PLR0917
    legal_entity: LegalEntityCode,
    project_code: BusinessKey,
    body: ProjectDimensionUpsert,
    erp: ErpDep,
    caller: CallerDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ProjectDimension:
    """Ensure the project's dimension value exists (201 created); renaming it is the PSA's."""
    value, created = await erp.upsert_project_dimension(
        legal_entity, project_code, body, idempotency_key, caller
    )
    response.status_code = created_status(created)
    return value


@router.post(
    f"{ENTITY}/project-dimensions/{{project_code}}/archive",
    operation_id="archiveProjectDimension",
    response_model=ProjectDimension,
)
async def archive_project_dimension(
    legal_entity: LegalEntityCode,
    project_code: BusinessKey,
    erp: ErpDep,
    caller: CallerDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ProjectDimension:
    """Archive the project's dimension value: postings keep it, new ones cannot use it."""
    return await erp.archive_project_dimension(legal_entity, project_code, idempotency_key, caller)


router.include_router(ledger_routes.router, prefix=ENTITY)
