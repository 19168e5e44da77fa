"""Time entries: lists by project, resource, period and approval state; approval (locking);
marking billed."""

from __future__ import annotations

from datetime import date

from contracts.common import Page
from contracts.problems import ProblemError
from contracts.psa import (
    ApprovalState,
    TimeApproval,
    TimeApprovalResult,
    TimeBilling,
    TimeBillingResult,
    TimeEntry,
)
from system_apis._kit.caller import Caller
from system_apis.psa import mapping
from system_apis.psa.connector.api import HarvestPage, Params
from system_apis.psa.connector.models import HarvestTimeEntry
from system_apis.psa.v1.context import FILTERED_PAGE, PsaContext, hide_from_partners, remote_id
from system_apis.psa.v1.pages import collect


class TimesheetService:
    """Booked time and its approval."""

    def __init__(self, ctx: PsaContext) -> None:
        self.ctx = ctx

    async def _entry(self, row: HarvestTimeEntry, caller: Caller) -> TimeEntry:
        currency = await self.ctx.directory.currency_of_client(row.client.id)
        entry = mapping.to_canonical_time_entry(row, currency, self.ctx.mapping)
        return mapping.redact(entry, "time_entry", caller.scopes, self.ctx.mapping)

    async def _filters(
        self,
        caller: Caller,
        *,
        project_id: str | None,
        resource_id: str | None,
        period: tuple[date | None, date | None],
    ) -> Params | None:
        """Harvest's query for our filters; None when a partner's customer is unknown."""
        filters: Params = {}
        if project_id is not None:
            filters["project_id"] = remote_id(project_id)
        if resource_id is not None:
            filters["user_id"] = remote_id(resource_id)
        if period[0] is not None:
            filters["from"] = period[0].isoformat()
        if period[1] is not None:
            filters["to"] = period[1].isoformat()
        if caller.partner_id is not None:
            client = await self.ctx.directory.client_by_number(caller.partner_id)
            if client is None:
                return None
            filters["client_id"] = str(client.id)
        return filters

    async def list_time_entries(
        self,
        caller: Caller,
        *,
        project_id: str | None,
        resource_id: str | None,
        period: tuple[date | None, date | None],
        approval_state: ApprovalState | None,
        billed: bool | None,
        cursor: str | None,
        limit: int,
    ) -> Page[TimeEntry]:
        filters = await self._filters(
            caller, project_id=project_id, resource_id=resource_id, period=period
        )
        if filters is None:
            return Page[TimeEntry](items=[], next_cursor=None)
        if billed is not None:
            filters["is_billed"] = str(billed).lower()

        async def fetch(query: Params) -> HarvestPage:
            page = await self.ctx.connector.list_time_entries(query)
            entries = [await self._entry(row, caller) for row in page.items]
            return HarvestPage(items=entries, next_params=page.next_params)

        def keep(entry: TimeEntry) -> bool:
            wanted = approval_state is None or entry.approval_state == approval_state
            return wanted and caller.may_see(entry.customer_number)

        # Harvest cannot filter on approval: read bigger pages and filter here.
        page_size = limit if approval_state is None else max(limit, FILTERED_PAGE)
        items, following = await collect(fetch, filters, cursor, limit, keep, per_page=page_size)
        return Page[TimeEntry](items=items, next_cursor=following)

    async def get_time_entry(self, caller: Caller, entry_id: str) -> TimeEntry:
        row = await self.ctx.connector.retrieve_time_entry(remote_id(entry_id))
        entry = await self._entry(row, caller)
        caller.check_visible(entry.customer_number)
        return entry

    async def approve_time_entry(self, caller: Caller, entry_id: str) -> TimeEntry:
        """Approve one entry (a no-op when it is approved already)."""
        entry = await self.get_time_entry(caller, entry_id)
        if entry.approval_state == "approved":
            return entry
        return await self._approve(caller, entry_id)

    async def _approve(self, caller: Caller, entry_id: str) -> TimeEntry:
        entry = await self._entry(await self.ctx.connector.approve_time_entry(entry_id), caller)
        if entry.approval_state != "approved":
            # Harvest accounts without the approval call ignore the change: say so.
            raise ProblemError("upstream-unavailable", "The PSA did not record the approval.")
        return entry

    async def approve_time(self, caller: Caller, body: TimeApproval) -> TimeApprovalResult:
        """Approve every pending entry of a project in a period (optionally one resource's)."""
        project = await self.ctx.directory.project(int(remote_id(body.project_id)))
        customer = mapping.to_canonical_project(project, self.ctx.mapping).customer_number
        caller.check_visible(customer)
        approved: list[str] = []
        already: list[TimeEntry] = []
        cursor: str | None = None
        pending: list[TimeEntry] = []
        while True:
            page = await self.list_time_entries(
                caller,
                project_id=body.project_id,
                resource_id=body.resource_id,
                period=(body.period_start, body.period_end),
                approval_state=None,
                billed=None,
                cursor=cursor,
                limit=200,
            )
            for entry in page.items:
                (already if entry.approval_state == "approved" else pending).append(entry)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        for entry in pending:
            approved.append((await self._approve(caller, entry.id)).id)
        return TimeApprovalResult(approved=approved, already_approved=[e.id for e in already])

    async def mark_time_billed(self, caller: Caller, body: TimeBilling) -> TimeBillingResult:
        """Mark approved entries billed (the firm's billing only; partners see no such thing)."""
        hide_from_partners(caller)
        self.ctx.enforce("time_entry", {"billed"})
        billed: list[str] = []
        for entry_id in dict.fromkeys(body.entry_ids):
            row = await self.ctx.connector.mark_time_entry_billed(remote_id(entry_id))
            if not row.is_billed:
                raise ProblemError("upstream-unavailable", "The PSA did not record the billing.")
            billed.append(entry_id)
        return TimeBillingResult(billed=billed)
