"""The PSA service: Harvest through the connector, mapped to canonical records, per caller."""

from __future__ import annotations

from contracts.common import Page
from contracts.problems import ProblemError, ProblemFieldError
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
from system_apis._kit.caller import Caller
from system_apis._kit.errors import VendorTimeoutError, VendorUnavailableError
from system_apis.psa import mapping
from system_apis.psa.connector.models import HarvestClient, HarvestProject, HarvestTask
from system_apis.psa.v1.context import FILTERED_PAGE, PsaContext, remote_id
from system_apis.psa.v1.pages import collect
from system_apis.psa.v1.staffing import StaffingService
from system_apis.psa.v1.timesheets import TimesheetService


class PsaService:
    """Customers, projects and tasks here; staffing and time in their own services."""

    def __init__(self, ctx: PsaContext) -> None:
        self.ctx = ctx
        self.staffing = StaffingService(ctx)
        self.time = TimesheetService(ctx)

    async def aclose(self) -> None:
        await self.ctx.connector.aclose()

    # customers

    def _customer(self, client: HarvestClient) -> Customer:
        return mapping.to_canonical_customer(client, self.ctx.mapping)

    async def list_customers(
        self, caller: Caller, *, active: bool | None, cursor: str | None, limit: int
    ) -> Page[Customer]:
        filters = {} if active is None else {"is_active": str(active).lower()}

        def keep(client: HarvestClient) -> bool:
            return caller.may_see(self._customer(client).customer_number)

        items, following = await collect(
            self.ctx.connector.list_clients, filters, cursor, limit, keep, per_page=limit
        )
        return Page[Customer](items=[self._customer(c) for c in items], next_cursor=following)

    async def get_customer(self, caller: Caller, customer_id: str) -> Customer:
        client = await self.ctx.connector.retrieve_client(remote_id(customer_id))
        customer = self._customer(client)
        caller.check_visible(customer.customer_number)
        return customer

    async def create_customer(self, caller: Caller, body: CustomerCreate) -> tuple[Customer, bool]:
        """Mirror an ERP customer into the PSA, or return the client holding its number.

        The ERP owns the customer, so an existing client is returned unchanged. Harvest has
        no idempotency keys: the number is the key, as the project code is for projects.
        """
        caller.check_visible(body.customer_number)
        directory = self.ctx.directory
        existing = await directory.client_by_number(body.customer_number)
        if existing is not None:
            return self._customer(existing), False
        payload = mapping.from_canonical_customer(body, self.ctx.mapping)
        if not mapping.carries_number(payload, body.customer_number, self.ctx.mapping):
            raise ProblemError(
                "validation-failed",
                "The PSA cannot keep this customer number in a client name.",
                errors=[_pointer("/customer_number", "not a customer number the PSA can hold")],
            )
        try:
            client: HarvestClient = await self.ctx.connector.create_client(payload)
        except (VendorUnavailableError, VendorTimeoutError):
            # The create may have landed before the failure: look before giving up.
            directory.forget_clients()
            landed = await directory.client_by_number(body.customer_number)
            if landed is None:
                raise
            client = landed
        directory.remember_client(client)
        return self._customer(client), True

    # projects

    def _project(self, project: HarvestProject) -> Project:
        return mapping.to_canonical_project(project, self.ctx.mapping)

    async def list_projects(
        self,
        caller: Caller,
        *,
        status: ProjectStatus | None,
        customer_number: str | None,
        legal_entity: str | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Project]:
        filters: dict[str, str] = {}
        if status is not None:
            filters["is_active"] = str(status == "active").lower()
        number = customer_number or caller.partner_id
        if number is not None:
            client = await self.ctx.directory.client_by_number(number)
            if client is None:
                return Page[Project](items=[], next_cursor=None)
            filters["client_id"] = str(client.id)

        def keep(project: HarvestProject) -> bool:
            canonical = self._project(project)
            wanted = legal_entity is None or canonical.legal_entity == legal_entity
            return wanted and caller.may_see(canonical.customer_number)

        page_size = limit if legal_entity is None else max(limit, FILTERED_PAGE)
        items, following = await collect(
            self.ctx.connector.list_projects, filters, cursor, limit, keep, per_page=page_size
        )
        return Page[Project](items=[self._project(p) for p in items], next_cursor=following)

    async def get_project(self, caller: Caller, project_id: str) -> Project:
        harvest = await self.ctx.directory.project(int(remote_id(project_id)))
        project = self._project(harvest)
        caller.check_visible(project.customer_number)
        return project

    async def _by_code(self, client_id: int, code: str) -> HarvestProject | None:
        params: dict[str, str] | None = {"client_id": str(client_id), "per_page": "2000"}
        while params is not None:
            page = await self.ctx.connector.list_projects(params)
            for project in page.items:
                if project.code == code:
                    return project  # type: ignore[no-any-return]
            params = page.next_params
        return None

    async def create_project(self, caller: Caller, body: ProjectCreate) -> tuple[Project, bool]:
        """Create a project, or return the one already holding its code (`created` False).

        Harvest has no idempotency keys, so the project code is the key: a retried or
        replayed create finds the first project instead of making a second one.
        """
        caller.check_visible(body.customer_number)
        client = await self.ctx.directory.client_by_number(body.customer_number)
        if client is None:
            raise ProblemError(
                "validation-failed",
                "The customer does not exist in the PSA.",
                errors=[_pointer("/customer_number", "no PSA customer has this number")],
            )
        if body.hourly_rate is not None and body.hourly_rate.currency != client.currency:
            raise ProblemError(
                "validation-failed",
                "The rate's currency is not the customer's.",
                errors=[_pointer("/hourly_rate/currency", f"must be {client.currency}")],
            )
        existing = await self._by_code(client.id, body.project_code)
        if existing is None:
            existing = await self._post_project(client.id, body)
            created = True
        else:
            created = False
            _same_or_conflict(self._project(existing), body)
        self.ctx.directory.remember(existing)
        return self._project(existing), created

    async def _post_project(self, client_id: int, body: ProjectCreate) -> HarvestProject:
        try:
            return await self.ctx.connector.create_project(
                mapping.from_canonical_project(body, client_id)
            )
        except (VendorUnavailableError, VendorTimeoutError):
            # The create may have landed before the failure: look before giving up.
            landed = await self._by_code(client_id, body.project_code)
            if landed is None:
                raise
            return landed

    async def update_project(self, caller: Caller, project_id: str, body: ProjectUpdate) -> Project:
        self.ctx.enforce("project", set(body.model_fields_set))
        await self.get_project(caller, project_id)
        changes = mapping.from_canonical_project_update(body)
        harvest = await self.ctx.connector.update_project(project_id, changes)
        self.ctx.directory.remember(harvest)
        return self._project(harvest)

    # tasks

    async def list_tasks(
        self, *, active: bool | None, cursor: str | None, limit: int
    ) -> Page[Task]:
        filters = {} if active is None else {"is_active": str(active).lower()}
        items, following = await collect(
            self.ctx.connector.list_tasks, filters, cursor, limit, lambda _: True, per_page=limit
        )
        return Page[Task](
            items=[mapping.to_canonical_task(t) for t in items], next_cursor=following
        )

    async def create_task(self, body: TaskCreate) -> tuple[Task, bool]:
        """Add a task to the catalogue, or return the one already holding its name."""
        params: dict[str, str] | None = {"per_page": "2000"}
        while params is not None:
            page = await self.ctx.connector.list_tasks(params)
            for task in page.items:
                if task.name == body.name:
                    return mapping.to_canonical_task(task), False
            params = page.next_params
        created: HarvestTask = await self.ctx.connector.create_task(
            mapping.from_canonical_task(body)
        )
        return mapping.to_canonical_task(created), True

    async def list_project_tasks(
        self, caller: Caller, project_id: str, *, cursor: str | None, limit: int
    ) -> Page[ProjectTask]:
        project = await self.get_project(caller, project_id)
        items, following = await collect(
            lambda q: self.ctx.connector.list_task_assignments(project_id, q),
            {},
            cursor,
            limit,
            lambda _: True,
            per_page=limit,
        )
        tasks = [mapping.to_canonical_project_task(t, project) for t in items]
        return Page[ProjectTask](items=tasks, next_cursor=following)

    async def add_project_task(
        self, caller: Caller, project_id: str, body: ProjectTaskCreate
    ) -> tuple[ProjectTask, bool]:
        """Enable a task on a project, or return its existing task assignment."""
        project = await self.get_project(caller, project_id)
        page = await self.ctx.connector.list_task_assignments(project_id, {"per_page": "2000"})
        for existing in page.items:
            if str(existing.task.id) == body.task_id:
                return mapping.to_canonical_project_task(existing, project), False
        created = await self.ctx.connector.create_task_assignment(
            project_id, mapping.from_canonical_project_task(body)
        )
        return mapping.to_canonical_project_task(created, project), True


def _pointer(pointer: str, detail: str) -> ProblemFieldError:
    return ProblemFieldError(pointer="#" + pointer, detail=detail)


def _same_or_conflict(existing: Project, body: ProjectCreate) -> None:
    """A repeated create must describe the project that exists; otherwise it is a conflict."""
    if existing.name != body.name or existing.customer_number != body.customer_number:
        raise ProblemError(
            "conflict",
            "A different project already holds this project code.",
            errors=[_pointer("/project_code", "already used by another project")],
        )
