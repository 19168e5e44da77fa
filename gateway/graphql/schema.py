"""The roots (Query, Mutation, Subscription), the schema built from them, and its SDL.

The SDL is committed under openapi/graphql/. Query fields over the process APIs live in
`operations.py`, dashboards in `dashboards/`; their classes are merged into `Query` here.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from datetime import date

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.base import get_object_definition

from contracts import billing, hcm, psa
from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.dashboards.financials import ProjectFinancials
from gateway.graphql.dashboards.query import DashboardQuery
from gateway.graphql.errors import InvalidInputError, should_mask
from gateway.graphql.ids import global_id
from gateway.graphql.loaders import Identified, primer
from gateway.graphql.mutations import Mutation
from gateway.graphql.operations import OperationsQuery
from gateway.graphql.pagination import DEFAULT_FIRST, After, First, connection_from_pages
from gateway.graphql.protection import Limits, protection
from gateway.graphql.scopes import guarded
from gateway.graphql.subscriptions import Subscription
from gateway.graphql.types.enums import (
    ApprovalState,
    InvoiceStatus,
    OrgUnitKind,
    ProjectStatus,
    WorkerStatus,
)
from gateway.graphql.types.finance import Invoice, JournalEntry
from gateway.graphql.types.operations import Event, FlowRun, QueueException
from gateway.graphql.types.projects import Assignment, Customer, Project, Task, TimeEntry
from gateway.graphql.types.staff import OrgUnit, Worker

_log = logging.getLogger("atrium.graphql")

NODE_TYPES: dict[str, type[relay.Node]] = {
    get_object_definition(t, strict=True).name: t
    for t in (
        Worker,
        OrgUnit,
        Customer,
        Project,
        Task,
        Assignment,
        TimeEntry,
        Invoice,
        JournalEntry,
        FlowRun,
        QueueException,
        Event,
        ProjectFinancials,
    )
}


def _id(record: Identified) -> str:
    return record.id


def _project_id(value: strawberry.ID | None) -> str | None:
    if value is None:
        return None
    project = global_id(value, "project")
    if project.type_name != "Project":
        raise InvalidInputError("validation-failed", "`project` must be a Project id.")
    return project.node_id


@strawberry.type(
    description="Everything readable, from the system and process APIs, as the caller may see it."
)
class Query(OperationsQuery, DashboardQuery):
    @guarded(description="Any object by its global id; null if it is not yours to see.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        wanted = global_id(id, "id")
        node_type = NODE_TYPES.get(wanted.type_name)
        if node_type is None:
            return None
        found = node_type.resolve_node(wanted.node_id, info=info)
        return await found if inspect.isawaitable(found) else found

    @guarded(scopes.hcm("listWorkers"))
    async def workers(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        status: WorkerStatus | None = None,
        legal_entity: str | None = None,
    ) -> relay.Connection[Worker] | None:
        client = info.context.upstream.hcm
        wanted = None if status is None else hcm.WorkerStatus(status.value)
        return await connection_from_pages(
            "hcm",
            lambda c, n: client.list_workers(
                status=wanted, legal_entity=legal_entity, cursor=c, limit=n
            ),
            Worker.of,
            first=first,
            after=after,
            seen=primer(info.context.loaders.worker, _id),
        )

    @guarded(scopes.hcm("listOrgUnits"))
    async def org_units(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        kind: OrgUnitKind | None = None,
    ) -> relay.Connection[OrgUnit] | None:
        client = info.context.upstream.hcm
        wanted = None if kind is None else hcm.OrgUnitKind(kind.value)
        return await connection_from_pages(
            "hcm",
            lambda c, n: client.list_org_units(kind=wanted, cursor=c, limit=n),
            OrgUnit.of,
            first=first,
            after=after,
        )

    @guarded(scopes.psa("listCustomers"))
    async def customers(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        active: bool | None = None,
    ) -> relay.Connection[Customer] | None:
        client = info.context.upstream.psa
        return await connection_from_pages(
            "psa",
            lambda c, n: client.list_customers(active=active, cursor=c, limit=n),
            Customer.of,
            first=first,
            after=after,
            seen=primer(info.context.loaders.customer, _id),
        )

    @guarded(scopes.psa("listProjects"))
    async def projects(  # noqa: PLR0917
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        status: ProjectStatus | None = None,
        customer_number: str | None = None,
        legal_entity: str | None = None,
    ) -> relay.Connection[Project] | None:
        client = info.context.upstream.psa
        wanted: psa.ProjectStatus | None = None if status is None else status.value
        return await connection_from_pages(
            "psa",
            lambda c, n: client.list_projects(
                status=wanted,
                customer_number=customer_number,
                legal_entity=legal_entity,
                cursor=c,
                limit=n,
            ),
            Project.of,
            first=first,
            after=after,
            seen=primer(info.context.loaders.project, _id),
        )

    @guarded(scopes.psa("listTasks"))
    async def tasks(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        active: bool | None = None,
    ) -> relay.Connection[Task] | None:
        client = info.context.upstream.psa
        return await connection_from_pages(
            "psa",
            lambda c, n: client.list_tasks(active=active, cursor=c, limit=n),
            Task.of,
            first=first,
            after=after,
            seen=primer(info.context.loaders.task, _id),
        )

    @guarded(scopes.psa("listTimeEntries"))
    async def time_entries(  # noqa: PLR0917
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        project: strawberry.ID | None = None,
        period_start: date | None = None,
        period_end: date | None = None,
        approval_state: ApprovalState | None = None,
        billed: bool | None = None,
    ) -> relay.Connection[TimeEntry] | None:
        client = info.context.upstream.psa
        project_id = _project_id(project)
        state: psa.ApprovalState | None = None if approval_state is None else approval_state.value
        return await connection_from_pages(
            "psa",
            lambda c, n: client.list_time_entries(
                project_id=project_id,
                period_start=period_start,
                period_end=period_end,
                approval_state=state,
                billed=billed,
                cursor=c,
                limit=n,
            ),
            TimeEntry.of,
            first=first,
            after=after,
        )

    @guarded(scopes.billing("listInvoices"))
    async def invoices(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        customer_number: str | None = None,
        status: InvoiceStatus | None = None,
    ) -> relay.Connection[Invoice] | None:
        client = info.context.upstream.billing
        wanted = None if status is None else billing.InvoiceStatus(status.value)
        return await connection_from_pages(
            "billing",
            lambda c, n: client.list_invoices(
                customer_number=customer_number, status=wanted, cursor=c, limit=n
            ),
            Invoice.of,
            first=first,
            after=after,
            seen=primer(info.context.loaders.invoice, _id),
        )

    @guarded(scopes.erp("listJournalEntries"))
    async def journal_entries(
        self,
        info: Info,
        legal_entity: str,
        first: First = DEFAULT_FIRST,
        after: After = None,
        period: str | None = None,
    ) -> relay.Connection[JournalEntry] | None:
        client = info.context.upstream.erp
        return await connection_from_pages(
            "erp",
            lambda c, n: client.list_journal_entries(
                legal_entity, period=period, cursor=c, limit=n
            ),
            JournalEntry.of,
            first=first,
            after=after,
        )


class AtriumSchema(strawberry.Schema):
    """The schema, logging only the errors it masks (clients' own mistakes are not ours)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if should_mask(error):
                _log.error(
                    "unexpected error while resolving %s",
                    ".".join(str(p) for p in error.path or ()),
                    exc_info=error.original_error,
                )


def build_schema(limits: Limits | None = None, *, production: bool = False) -> strawberry.Schema:
    """The schema with its protections; production also hides introspection and suggestions."""
    return AtriumSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(NODE_TYPES.values()),
        extensions=protection(limits or Limits(), production=production),
        config=StrawberryConfig(disable_field_suggestions=production),
    )


def print_sdl(build: Callable[[], strawberry.Schema] = build_schema) -> str:
    """The schema's SDL as committed: the same in every profile, one trailing newline."""
    return build().as_str().rstrip("\n") + "\n"
