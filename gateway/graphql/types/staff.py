"""People: workers (identity and employment from the HCM, staffing from the PSA), org units."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from contracts import hcm, psa
from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.pagination import DEFAULT_FIRST, After, First, connection_from_list
from gateway.graphql.scopes import guarded, require
from gateway.graphql.types.common import Money, Provenance
from gateway.graphql.types.enums import EmploymentType, OrgUnitKind, WorkerStatus

if TYPE_CHECKING:
    from gateway.graphql.types.projects import Assignment

_PROJECTS = "gateway.graphql.types.projects"


@strawberry.type(description="A worker as the PSA knows them: a resource that can be staffed.")
class StaffingProfile:
    resource_id: str = strawberry.field(description="The PSA's id of the resource.")
    is_assignable: bool
    contractor: bool
    weekly_capacity_hours: Decimal | None
    bill_rate: Money | None
    record: strawberry.Private[psa.Resource]

    @classmethod
    def of(cls, resource: psa.Resource) -> StaffingProfile:
        return cls(
            resource_id=resource.id,
            is_assignable=resource.is_assignable,
            contractor=resource.contractor,
            weekly_capacity_hours=resource.weekly_capacity_hours,
            bill_rate=Money.maybe(resource.bill_rate),
            record=resource,
        )

    @guarded(
        scopes=["psa.rates:read"], description="Hourly cost rate; sensitive, needs psa.rates:read."
    )
    def cost_rate(self) -> Money | None:
        return Money.maybe(self.record.cost_rate)


@strawberry.type(description="A person the firm employs; business key `employeeNumber`.")
class Worker(relay.Node):
    id: relay.NodeID[str]
    employee_number: str | None
    first_name: str
    last_name: str
    display_name: str
    email: str | None
    status: WorkerStatus
    employment_type: EmploymentType | None
    job_title: str | None
    legal_entity: str | None
    cost_centre: str | None
    grade: str | None
    location: str | None
    hire_date: date | None
    termination_date: date | None
    weekly_capacity_hours: Decimal | None
    provenance: Provenance
    record: strawberry.Private[hcm.Worker]

    @classmethod
    def of(cls, worker: hcm.Worker) -> Worker:
        job = worker.employment
        return cls(
            id=worker.id,
            employee_number=worker.employee_number,
            first_name=worker.first_name,
            last_name=worker.last_name,
            display_name=worker.display_name,
            email=worker.email,
            status=WorkerStatus(job.status.value),
            employment_type=EmploymentType(job.employment_type.value)
            if job.employment_type
            else None,
            job_title=job.job_title,
            legal_entity=job.legal_entity,
            cost_centre=job.cost_centre,
            grade=job.grade,
            location=job.location,
            hire_date=job.hire_date,
            termination_date=job.termination_date,
            weekly_capacity_hours=job.weekly_capacity_hours,
            provenance=Provenance.of(worker.provenance),
            record=worker,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Worker | None]:
        require(info, scopes.hcm("getWorker"))
        found = await info.context.loaders.worker.load_many(list(node_ids))
        return [None if w is None else cls.of(w) for w in found]

    @guarded(
        scopes=["hcm.compensation:read"],
        description="Pay rate; sensitive, needs hcm.compensation:read.",
    )
    def compensation(self) -> Money | None:
        return Money.maybe(self.record.employment.compensation)

    @guarded(scopes.hcm("listOrgUnits"))
    async def org_unit(self, info: Info) -> OrgUnit | None:
        unit_id = self.record.employment.org_unit_id
        unit = None if unit_id is None else await info.context.loaders.org_unit.load(unit_id)
        return None if unit is None else OrgUnit.of(unit)

    @guarded(scopes.hcm("getWorker"))
    async def manager(self, info: Info) -> Worker | None:
        manager_id = self.record.employment.manager_id
        manager = None if manager_id is None else await info.context.loaders.worker.load(manager_id)
        return None if manager is None else Worker.of(manager)

    @guarded(
        scopes.psa("getResource"),
        description="The worker's resource in the PSA; null when the PSA has none.",
    )
    async def staffing(self, info: Info) -> StaffingProfile | None:
        resource = await _resource(info, self.employee_number)
        return None if resource is None else StaffingProfile.of(resource)

    @guarded(
        scopes.psa("getResource"),
        scopes.psa("listAssignments"),
        description="The worker's assignments to projects.",
    )
    async def assignments(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        active: bool | None = None,
    ) -> relay.Connection[Annotated[Assignment, strawberry.lazy(_PROJECTS)]] | None:
        from gateway.graphql.types.projects import Assignment  # noqa: PLC0415 (import cycle)

        resource = await _resource(info, self.employee_number)
        found = (
            []
            if resource is None
            else await info.context.loaders.assignments_of_resource.load(resource.id)
        )
        chosen = [a for a in found if active is None or a.active == active]
        return connection_from_list(chosen, Assignment.of, first=first, after=after)


async def _resource(info: Info, employee_number: str | None) -> psa.Resource | None:
    if employee_number is None:
        return None
    return await info.context.loaders.resource_by_employee_number.load(employee_number)


@strawberry.type(description="A department or division.")
class OrgUnit(relay.Node):
    id: relay.NodeID[str]
    name: str
    kind: OrgUnitKind
    archived: bool

    @classmethod
    def of(cls, unit: hcm.OrgUnit) -> OrgUnit:
        return cls(
            id=unit.id, name=unit.name, kind=OrgUnitKind(unit.kind.value), archived=unit.archived
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrgUnit | None]:
        require(info, scopes.hcm("listOrgUnits"))
        found = await info.context.loaders.org_unit.load_many(list(node_ids))
        return [None if u is None else cls.of(u) for u in found]

    @guarded(scopes.hcm("listWorkers"), description="The workers in this unit.")
    async def workers(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> relay.Connection[Worker] | None:
        found = await info.context.loaders.workers_of_org_unit.load(self.id)
        return connection_from_list(found, Worker.of, first=first, after=after)
