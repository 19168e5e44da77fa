"""Resources (Harvest users with rates and capacity) and their assignments to projects."""

from __future__ import annotations

from contracts.common import Page
from contracts.psa import (
    Assignment,
    AssignmentCreate,
    AssignmentUpdate,
    Resource,
    ResourceUpdate,
)
from system_apis._kit.caller import Caller
from system_apis.psa import mapping
from system_apis.psa.connector.api import HarvestPage, Params
from system_apis.psa.connector.models import HarvestUser, HarvestUserAssignment
from system_apis.psa.v1.context import FILTERED_PAGE, PsaContext, hide_from_partners, remote_id
from system_apis.psa.v1.pages import collect


class StaffingService:
    """Who can be staffed, at which rates, and where they are staffed."""

    def __init__(self, ctx: PsaContext) -> None:
        self.ctx = ctx

    def _resource(self, user: HarvestUser, caller: Caller) -> Resource:
        resource = mapping.to_canonical_resource(user, self.ctx.mapping)
        return mapping.redact(resource, "resource", caller.scopes, self.ctx.mapping)

    async def list_resources(
        self, caller: Caller, *, assignable: bool | None, cursor: str | None, limit: int
    ) -> Page[Resource]:
        hide_from_partners(caller)
        filters = {} if assignable is None else {"is_active": str(assignable).lower()}
        items, following = await collect(
            self.ctx.connector.list_users, filters, cursor, limit, lambda _: True, per_page=limit
        )
        resources = [self._resource(u, caller) for u in items]
        return Page[Resource](items=resources, next_cursor=following)

    async def get_resource(self, caller: Caller, resource_id: str) -> Resource:
        hide_from_partners(caller)
        user = await self.ctx.connector.retrieve_user(remote_id(resource_id))
        return self._resource(user, caller)

    async def update_resource(
        self, caller: Caller, resource_id: str, body: ResourceUpdate
    ) -> Resource:
        """Change what the PSA owns of a worker: assignability, capacity, rates."""
        hide_from_partners(caller)
        self.ctx.enforce("worker", set(body.model_fields_set))
        user = await self.ctx.connector.retrieve_user(remote_id(resource_id))
        changes = mapping.from_canonical_resource_update(body)
        if changes:
            user = await self.ctx.connector.update_user(resource_id, changes)
        current = {"cost_rates": user.cost_rate, "billable_rates": user.default_hourly_rate}
        rates = mapping.rate_changes(body)
        for kind, amount in rates.items():
            # Compare first: a repeated update must not append a second rate to the history.
            if current[kind] != amount:
                await self.ctx.connector.create_rate(resource_id, kind, float(amount))
        if rates:
            user = await self.ctx.connector.retrieve_user(resource_id)
        return self._resource(user, caller)

    async def _assignment(self, row: HarvestUserAssignment) -> Assignment:
        project = await self.ctx.directory.project(row.project.id)
        canonical = mapping.to_canonical_project(project, self.ctx.mapping)
        return mapping.to_canonical_assignment(row, canonical)

    async def list_assignments(
        self,
        caller: Caller,
        *,
        project_id: str | None,
        resource_id: str | None,
        active: bool | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Assignment]:
        filters: dict[str, str] = {}
        if resource_id is not None:
            filters["user_id"] = remote_id(resource_id)
        if active is not None:
            filters["is_active"] = str(active).lower()
        project = None if project_id is None else await self._visible_project(caller, project_id)

        async def fetch(query: Params) -> HarvestPage:
            connector = self.ctx.connector
            if project is None:
                page = await connector.list_user_assignments(query)
            else:
                page = await connector.list_project_user_assignments(project, query)
            mapped = [await self._assignment(row) for row in page.items]
            return HarvestPage(items=mapped, next_params=page.next_params)

        page_size = limit if caller.partner_id is None else FILTERED_PAGE
        items, following = await collect(
            fetch,
            filters,
            cursor,
            limit,
            lambda a: caller.may_see(a.customer_number),
            per_page=page_size,
        )
        return Page[Assignment](items=items, next_cursor=following)

    async def _visible_project(self, caller: Caller, project_id: str) -> str:
        """The project's id once the caller may see it (404 otherwise)."""
        project = await self.ctx.directory.project(int(remote_id(project_id)))
        canonical = mapping.to_canonical_project(project, self.ctx.mapping)
        caller.check_visible(canonical.customer_number)
        return project_id

    async def get_assignment(
        self, caller: Caller, project_id: str, assignment_id: str
    ) -> Assignment:
        await self._visible_project(caller, project_id)
        row = await self.ctx.connector.retrieve_user_assignment(
            project_id, remote_id(assignment_id)
        )
        return await self._assignment(row)

    async def create_assignment(
        self, caller: Caller, project_id: str, body: AssignmentCreate
    ) -> tuple[Assignment, bool]:
        """Staff a resource, or return (reactivating if ended) its assignment on the project."""
        await self._visible_project(caller, project_id)
        page = await self.ctx.connector.list_project_user_assignments(
            project_id, {"user_id": body.resource_id, "per_page": "2000"}
        )
        existing = next((r for r in page.items if str(r.user.id) == body.resource_id), None)
        if existing is None:
            row = await self.ctx.connector.create_user_assignment(
                project_id, mapping.from_canonical_assignment(body)
            )
            return await self._assignment(row), True
        changes = mapping.from_canonical_assignment_update(body) | {"is_active": True}
        row = await self.ctx.connector.update_user_assignment(project_id, str(existing.id), changes)
        return await self._assignment(row), False

    async def update_assignment(
        self, caller: Caller, project_id: str, assignment_id: str, body: AssignmentUpdate
    ) -> Assignment:
        self.ctx.enforce("assignment", set(body.model_fields_set))
        await self.get_assignment(caller, project_id, assignment_id)
        changes = mapping.from_canonical_assignment_update(body)
        row = await self.ctx.connector.update_user_assignment(project_id, assignment_id, changes)
        return await self._assignment(row)

    async def end_assignment(
        self, caller: Caller, project_id: str, assignment_id: str
    ) -> Assignment:
        """End (archive) an assignment; Harvest keeps it, inactive, with its history."""
        await self.get_assignment(caller, project_id, assignment_id)
        row = await self.ctx.connector.update_user_assignment(
            project_id, assignment_id, {"is_active": False}
        )
        return await self._assignment(row)
