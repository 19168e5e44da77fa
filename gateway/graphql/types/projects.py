"""The PSA's records: customers, projects, the task catalogue, assignments and time entries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from contracts import common, psa
from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.pagination import DEFAULT_FIRST, After, First, connection_from_list
from gateway.graphql.scopes import guarded, require
from gateway.graphql.types.common import Money, Provenance
from gateway.graphql.types.enums import ApprovalState, ProjectStatus
from gateway.graphql.types.staff import Worker

if TYPE_CHECKING:
    from gateway.graphql.types.finance import Invoice

_FINANCE = "gateway.graphql.types.finance"
MARGIN_SCOPES = ("psa.rates:read", "psa.margins:read")


async def worker_of_resource(info: Info, resource_id: str) -> Worker | None:
    """The HCM worker behind a PSA resource (matched by employee number)."""
    loaders = info.context.loaders
    resource = await loaders.resource.load(resource_id)
    if resource is None or resource.employee_number is None:
        return None
    worker = await loaders.worker_by_employee_number.load(resource.employee_number)
    return None if worker is None else Worker.of(worker)


@strawberry.type(description="A client of the firm as the PSA knows it; key `customerNumber`.")
class Customer(relay.Node):
    id: relay.NodeID[str]
    customer_number: str | None
    name: str
    currency: str | None
    legal_entity: str | None
    active: bool
    provenance: Provenance

    @classmethod
    def of(cls, customer: psa.Customer) -> Customer:
        return cls(
            id=customer.id,
            customer_number=customer.customer_number,
            name=customer.name,
            currency=customer.currency,
            legal_entity=customer.legal_entity,
            active=customer.active,
            provenance=Provenance.of(customer.provenance),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Customer | None]:
        require(info, scopes.psa("getCustomer"))
        found = await info.context.loaders.customer.load_many(list(node_ids))
        return [None if c is None else cls.of(c) for c in found]

    @guarded(scopes.psa("listProjects"))
    async def projects(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> relay.Connection[Project] | None:
        number = self.customer_number
        found = (
            [] if number is None else await info.context.loaders.projects_of_customer.load(number)
        )
        return connection_from_list(found, Project.of, first=first, after=after)

    @guarded(scopes.billing("listInvoices"), description="The customer's invoices in billing.")
    async def invoices(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> relay.Connection[Annotated[Invoice, strawberry.lazy(_FINANCE)]] | None:
        from gateway.graphql.types.finance import Invoice  # noqa: PLC0415 (import cycle)

        number = self.customer_number
        loader = info.context.loaders.invoices_of_customer
        found = [] if number is None else await loader.load(number)
        return connection_from_list(found, Invoice.of, first=first, after=after)


@strawberry.type(description="A client engagement; business key `projectCode`.")
class Project(relay.Node):
    id: relay.NodeID[str]
    project_code: str | None
    name: str
    customer_number: str | None
    legal_entity: str | None
    currency: str | None
    status: ProjectStatus
    billable: bool
    budget_hours: Decimal | None
    hourly_rate: Money | None
    starts_on: date | None
    ends_on: date | None
    notes: str | None
    provenance: Provenance
    customer_id: strawberry.Private[str]

    @classmethod
    def of(cls, project: psa.Project) -> Project:
        return cls(
            id=project.id,
            project_code=project.project_code,
            name=project.name,
            customer_number=project.customer_number,
            legal_entity=project.legal_entity,
            currency=project.currency,
            status=ProjectStatus(project.status),
            billable=project.billable,
            budget_hours=project.budget_hours,
            hourly_rate=Money.maybe(project.hourly_rate),
            starts_on=project.starts_on,
            ends_on=project.ends_on,
            notes=project.notes,
            provenance=Provenance.of(project.provenance),
            customer_id=project.customer_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Project | None]:
        require(info, scopes.psa("getProject"))
        found = await info.context.loaders.project.load_many(list(node_ids))
        return [None if p is None else cls.of(p) for p in found]

    @guarded(scopes.psa("getCustomer"))
    async def customer(self, info: Info) -> Customer | None:
        customer = await info.context.loaders.customer.load(self.customer_id)
        return None if customer is None else Customer.of(customer)

    @guarded(scopes.psa("listAssignments"))
    async def assignments(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        active: bool | None = None,
    ) -> relay.Connection[Assignment] | None:
        found = await info.context.loaders.assignments_of_project.load(self.id)
        chosen = [a for a in found if active is None or a.active == active]
        return connection_from_list(chosen, Assignment.of, first=first, after=after)


@strawberry.type(description="A kind of work time is booked against (the firm's task catalogue).")
class Task(relay.Node):
    id: relay.NodeID[str]
    name: str
    billable_by_default: bool
    active: bool

    @classmethod
    def of(cls, task: psa.Task) -> Task:
        return cls(
            id=task.id,
            name=task.name,
            billable_by_default=task.billable_by_default,
            active=task.active,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Task | None]:
        require(info, scopes.psa("listTasks"))
        found = await info.context.loaders.task.load_many(list(node_ids))
        return [None if t is None else cls.of(t) for t in found]


@strawberry.type(description="A worker staffed on a project.")
class Assignment(relay.Node):
    id: relay.NodeID[str]  # "<project id>/<assignment id>": the PSA reads it by project
    project_code: str | None
    customer_number: str | None
    active: bool
    project_manager: bool
    hourly_rate: Money | None = strawberry.field(description="Bill rate override, if any.")
    budget_hours: Decimal | None
    provenance: Provenance
    record: strawberry.Private[psa.Assignment]

    @classmethod
    def of(cls, assignment: psa.Assignment) -> Assignment:
        return cls(
            id=f"{assignment.project_id}/{assignment.id}",
            project_code=assignment.project_code,
            customer_number=assignment.customer_number,
            active=assignment.active,
            project_manager=assignment.project_manager,
            hourly_rate=Money.maybe(assignment.hourly_rate),
            budget_hours=assignment.budget_hours,
            provenance=Provenance.of(assignment.provenance),
            record=assignment,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Assignment | None]:
        require(info, scopes.psa("getAssignment"))
        wanted = [node_id.partition("/") for node_id in node_ids]
        loader = info.context.loaders.assignments_of_project
        lists = await loader.load_many([project for project, _, _ in wanted])
        found = [
            next((a for a in assignments if a.id == assignment_id), None)
            for (_, _, assignment_id), assignments in zip(wanted, lists, strict=True)
        ]
        return [None if a is None else cls.of(a) for a in found]

    @guarded(scopes.psa("getProject"))
    async def project(self, info: Info) -> Project | None:
        project = await info.context.loaders.project.load(self.record.project_id)
        return None if project is None else Project.of(project)

    @guarded(
        scopes.psa("getResource"),
        scopes.hcm("getWorker"),
        description="The worker staffed (the PSA resource, matched to the HCM worker).",
    )
    async def worker(self, info: Info) -> Worker | None:
        return await worker_of_resource(info, self.record.resource_id)


def margin_of(entry: psa.TimeEntry) -> common.Money | None:
    """Bill minus cost for the entry's hours; None when either rate is unknown."""
    bill, cost = entry.bill_rate, entry.cost_rate
    if bill is None or cost is None or bill.currency != cost.currency:
        return None
    earned = bill.amount if entry.billable else Decimal(0)
    return common.Money(amount=(earned - cost.amount) * entry.hours, currency=bill.currency)


@strawberry.type(description="Hours a worker booked on a project task on one day.")
class TimeEntry(relay.Node):
    id: relay.NodeID[str]
    spent_date: date
    hours: Decimal
    notes: str | None
    billable: bool
    approval_state: ApprovalState
    locked: bool
    billed: bool
    bill_rate: Money | None
    customer_number: str | None
    provenance: Provenance
    record: strawberry.Private[psa.TimeEntry]

    @classmethod
    def of(cls, entry: psa.TimeEntry) -> TimeEntry:
        return cls(
            id=entry.id,
            spent_date=entry.spent_date,
            hours=entry.hours,
            notes=entry.notes,
            billable=entry.billable,
            approval_state=ApprovalState(entry.approval_state),
            locked=entry.locked,
            billed=entry.billed,
            bill_rate=Money.maybe(entry.bill_rate),
            customer_number=entry.customer_number,
            provenance=Provenance.of(entry.provenance),
            record=entry,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[TimeEntry | None]:
        require(info, scopes.psa("getTimeEntry"))
        found = await info.context.loaders.time_entry.load_many(list(node_ids))
        return [None if e is None else cls.of(e) for e in found]

    @guarded(
        scopes=["psa.rates:read"], description="Hourly cost rate; sensitive, needs psa.rates:read."
    )
    def cost_rate(self) -> Money | None:
        return Money.maybe(self.record.cost_rate)

    @guarded(
        scopes=MARGIN_SCOPES,
        description="Billed value minus cost of these hours; needs psa.rates:read and "
        "psa.margins:read.",
    )
    def margin(self) -> Money | None:
        return Money.maybe(margin_of(self.record))

    @guarded(scopes.psa("getProject"))
    async def project(self, info: Info) -> Project | None:
        project = await info.context.loaders.project.load(self.record.project_id)
        return None if project is None else Project.of(project)

    @guarded(scopes.psa("listTasks"))
    async def task(self, info: Info) -> Task | None:
        task_id = self.record.task_id
        task = None if task_id is None else await info.context.loaders.task.load(task_id)
        return None if task is None else Task.of(task)

    @guarded(scopes.psa("getResource"), scopes.hcm("getWorker"))
    async def worker(self, info: Info) -> Worker | None:
        return await worker_of_resource(info, self.record.resource_id)
