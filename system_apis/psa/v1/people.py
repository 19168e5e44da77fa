"""Making HCM workers staffable (a resource per worker) and routing their timesheet approval.

Harvest knows nothing of our employee numbers: a user carries them as a tagged role
(policies/mappings/psa.yaml), so finding a worker's resource reads the users list. Harvest's
approval routing is a manager's "teammates" (the people whose time the manager approves);
a manager must hold Harvest's `manager` access role, and Harvest adds `people_manager` while
someone is assigned to them.
"""

from __future__ import annotations

from contracts.problems import ProblemError, ProblemFieldError
from contracts.psa import Resource, ResourceApprover, ResourceApproverUpdate, ResourceCreate
from system_apis._kit.caller import Caller
from system_apis._kit.errors import VendorTimeoutError, VendorUnavailableError
from system_apis.psa import mapping
from system_apis.psa.connector.models import HarvestUser
from system_apis.psa.v1.context import PsaContext, hide_from_partners, remote_id

ALL = {"per_page": "2000"}
MANAGER_ROLES = frozenset({"administrator", "manager"})
PEOPLE_MANAGER = "people_manager"


class PeopleService:
    """Resources created from HCM hires, and who approves whose time."""

    def __init__(self, ctx: PsaContext) -> None:
        self.ctx = ctx

    def _resource(self, user: HarvestUser, caller: Caller) -> Resource:
        resource = mapping.to_canonical_resource(user, self.ctx.mapping)
        return mapping.redact(resource, "resource", caller.scopes, self.ctx.mapping)

    async def _users(self) -> list[HarvestUser]:
        users: list[HarvestUser] = []
        params: dict[str, str] | None = dict(ALL)
        while params is not None:
            page = await self.ctx.connector.list_users(params)
            users.extend(page.items)
            params = page.next_params
        return users

    async def _by_employee_number(self, number: str) -> HarvestUser | None:
        for user in await self._users():
            if mapping.role_tag(user.roles, "employee_number", self.ctx.mapping) == number:
                return user
        return None

    async def create_resource(self, caller: Caller, body: ResourceCreate) -> tuple[Resource, bool]:
        """Create the worker's resource, or return the one holding the employee number."""
        hide_from_partners(caller)
        existing = await self._by_employee_number(body.employee_number)
        if existing is not None:
            return self._resource(existing, caller), False
        harvest_body = mapping.from_canonical_resource(body, self.ctx.mapping)
        try:
            user = await self.ctx.connector.create_user(harvest_body)
        except (VendorUnavailableError, VendorTimeoutError):
            # The create may have landed before the failure: look before giving up.
            landed = await self._by_employee_number(body.employee_number)
            if landed is None:
                raise
            user = landed
        return self._resource(user, caller), True

    async def _teammate_ids(self, manager_id: int) -> list[int]:
        page = await self.ctx.connector.list_teammates(str(manager_id), dict(ALL))
        return [teammate.id for teammate in page.items]

    async def _as_manager(self, user: HarvestUser) -> HarvestUser:
        """`user`, given Harvest's manager access role if they lack one that may approve."""
        if MANAGER_ROLES & set(user.access_roles):
            return user
        roles = [r for r in user.access_roles if r != "member"] + ["manager"]
        return await self.ctx.connector.update_user(str(user.id), {"access_roles": roles})

    async def set_approver(
        self, caller: Caller, resource_id: str, body: ResourceApproverUpdate
    ) -> ResourceApprover:
        """Route the resource's time to `approver_id` alone (or to nobody when null)."""
        hide_from_partners(caller)
        user = await self.ctx.connector.retrieve_user(remote_id(resource_id))
        approver = None
        if body.approver_id is not None:
            if body.approver_id == resource_id:
                raise ProblemError(
                    "validation-failed",
                    "A resource cannot approve their own time.",
                    errors=[ProblemFieldError(pointer="#/approver_id", detail="is the resource")],
                )
            approver = await self.ctx.connector.retrieve_user(remote_id(body.approver_id))
            approver = await self._as_manager(approver)
        for manager in await self._users():
            is_new = approver is not None and manager.id == approver.id
            if is_new or PEOPLE_MANAGER not in manager.access_roles:
                continue
            current = await self._teammate_ids(manager.id)
            if user.id in current:
                kept = [str(i) for i in current if i != user.id]
                await self.ctx.connector.update_teammates(str(manager.id), kept)
        if approver is not None:
            current = await self._teammate_ids(approver.id)
            if user.id not in current:
                wanted = [str(i) for i in [*current, user.id]]
                await self.ctx.connector.update_teammates(str(approver.id), wanted)
        return ResourceApprover(
            resource_id=str(user.id), approver_id=None if approver is None else str(approver.id)
        )
