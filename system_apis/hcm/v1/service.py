"""The HCM service: BambooHR connector -> mapping -> canonical records, with the policies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from contracts.common import Page
from contracts.hcm import (
    Availability,
    CostCentre,
    LeaveRequest,
    LeaveStatus,
    OrgUnit,
    OrgUnitKind,
    Worker,
    WorkerAvailability,
    WorkerCreate,
    WorkerUpdate,
)
from contracts.ownership import OwnershipPolicy
from contracts.problems import ProblemError, ProblemFieldError
from system_apis._kit.caller import Caller
from system_apis._kit.pagination import page_slice
from system_apis._kit.policy_files import enforce_ownership
from system_apis.hcm.availability import availability, employed, worker_availability
from system_apis.hcm.connector.api import BambooConnector
from system_apis.hcm.connector.models import EMPLOYEE_FIELDS, BambooEmployee
from system_apis.hcm.mapping import (
    Directory,
    HcmMapping,
    current_job_row,
    from_canonical_worker,
    to_canonical_cost_centres,
    to_canonical_leave_request,
    to_canonical_org_units,
    to_canonical_worker,
    vendor_leave_statuses,
)
from system_apis.hcm.v1.workers import WorkerFilter, WorkerPager

SYSTEM = "hcm"
MAX_PERIOD_DAYS = 366


def check_period(start: date, end: date) -> None:
    """A period is start..end inclusive, at most a year long."""
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        raise ProblemError(
            "validation-failed",
            f"The period must run forward and span at most {MAX_PERIOD_DAYS} days.",
            errors=[ProblemFieldError(detail="invalid period", parameter="end", location="query")],
        )


def _not_found(what: str) -> ProblemError:
    return ProblemError("not-found", f"No such {what}.")


@dataclass
class HcmService:
    """Everything the HCM routes do; one per process, built by the runtime."""

    connector: BambooConnector
    mapping: HcmMapping
    ownership: OwnershipPolicy
    page_size: int = 100

    @property
    def pager(self) -> WorkerPager:
        return WorkerPager(self.connector, self.mapping, self.page_size)

    def _shown(self, worker: Worker, caller: Caller) -> Worker:
        """The worker as this caller may see it: sensitive fields nulled without the scope."""
        scope = self.mapping.sensitive.get("worker.compensation")
        if scope is None or caller.holds(scope) or worker.employment.compensation is None:
            return worker
        employment = worker.employment.model_copy(update={"compensation": None})
        return worker.model_copy(update={"employment": employment})

    def _worker(self, employee: BambooEmployee, caller: Caller) -> Worker:
        return self._shown(to_canonical_worker(employee, self.mapping), caller)

    # --- workers ---------------------------------------------------------------------

    async def list_workers(
        self, flt: WorkerFilter, cursor: str | None, limit: int, caller: Caller
    ) -> Page[Worker]:
        """Workers matching the filter, one cursor page at a time."""
        if caller.partner_id is not None:  # no HCM record belongs to a partner
            return Page[Worker](items=[], next_cursor=None)
        employees, next_cursor = await self.pager.page(flt, cursor, limit)
        return Page[Worker](
            items=[self._worker(e, caller) for e in employees], next_cursor=next_cursor
        )

    async def get_worker(self, worker_id: str, caller: Caller) -> Worker:
        """One worker by BambooHR id."""
        if caller.partner_id is not None or not worker_id.isdigit():
            raise _not_found("worker")
        employee = await self.connector.get_employee(worker_id, self.pager.fields)
        return self._worker(employee, caller)

    async def get_worker_by_number(self, employee_number: str, caller: Caller) -> Worker:
        """One worker by business key (one report over all employees)."""
        employee = await self._by_number(employee_number)
        if caller.partner_id is not None or employee is None:
            raise _not_found("worker")
        return self._worker(employee, caller)

    async def _by_number(self, employee_number: str) -> BambooEmployee | None:
        employees = await self.pager.details(None)
        return next((e for e in employees if e.employee_number == employee_number), None)

    async def _directory(self) -> Directory:
        fields = await self.connector.list_fields()
        units = to_canonical_org_units(fields, self.mapping)
        centres = to_canonical_cost_centres(fields, self.mapping)
        return Directory(
            org_units={u.id: u for u in units}, cost_centres={c.code: c for c in centres}
        )

    async def create_worker(self, body: WorkerCreate, caller: Caller) -> Worker:
        """Hire: one BambooHR employee per employee number, never two."""
        if caller.partner_id is not None:  # no HCM record belongs to a partner
            raise ProblemError("not-found", "The resource does not exist.")
        enforce_ownership(
            self.ownership, system=SYSTEM, obj="worker", fields=body.written_attributes()
        )
        write = from_canonical_worker(
            body, self.mapping, await self._directory(), today=datetime.now(UTC).date()
        )
        if await self._by_number(body.employee_number) is not None:
            raise ProblemError(
                "conflict",
                "A worker with this employee number already exists.",
                errors=[ProblemFieldError(detail="already taken", pointer="#/employee_number")],
            )
        job = {k: v for k, v in (write.job_info or {}).items() if k != "date"}
        employee_id = await self.connector.create_employee({**write.fields, **job})
        return await self.get_worker(employee_id, caller)

    async def update_worker(self, worker_id: str, body: WorkerUpdate, caller: Caller) -> Worker:
        """Change identity fields, and job fields as a jobInfo row effective on a date."""
        enforce_ownership(
            self.ownership, system=SYSTEM, obj="worker", fields=body.written_attributes()
        )
        await self.get_worker(worker_id, caller)  # 404 before anything is written
        write = from_canonical_worker(
            body, self.mapping, await self._directory(), today=datetime.now(UTC).date()
        )
        if write.fields:
            await self.connector.update_employee(worker_id, write.fields)
        if write.job_info is not None:
            # BambooHR's new jobInfo row replaces the current one: carry over what stays.
            current = await self.connector.get_employee(worker_id, EMPLOYEE_FIELDS)
            await self.connector.add_job_info(worker_id, current_job_row(current) | write.job_info)
        return await self.get_worker(worker_id, caller)

    # --- organisation ----------------------------------------------------------------

    async def list_org_units(
        self, kind: OrgUnitKind | None, include_archived: bool, cursor: str | None, limit: int
    ) -> Page[OrgUnit]:
        units = to_canonical_org_units(await self.connector.list_fields(), self.mapping)
        units = [
            u
            for u in units
            if (kind is None or u.kind is kind) and (include_archived or not u.archived)
        ]
        items, next_cursor = page_slice(units, cursor, limit)
        return Page[OrgUnit](items=items, next_cursor=next_cursor)

    async def list_cost_centres(
        self, include_archived: bool, cursor: str | None, limit: int
    ) -> Page[CostCentre]:
        centres = to_canonical_cost_centres(await self.connector.list_fields(), self.mapping)
        centres = [c for c in centres if include_archived or not c.archived]
        items, next_cursor = page_slice(centres, cursor, limit)
        return Page[CostCentre](items=items, next_cursor=next_cursor)

    # --- leave and availability ------------------------------------------------------

    async def _leave(
        self, start: date, end: date, statuses: list[LeaveStatus], worker_id: str | None
    ) -> list[LeaveRequest]:
        requests = await self.connector.time_off_requests(
            start,
            end,
            status=vendor_leave_statuses(statuses, self.mapping) if statuses else None,
            employee_id=worker_id,
        )
        mapped = (to_canonical_leave_request(r, self.mapping) for r in requests)
        return sorted((r for r in mapped if r is not None), key=lambda r: int(r.id))

    async def list_leave_requests(
        self,
        period: tuple[date, date],
        statuses: list[LeaveStatus],
        worker_id: str | None,
        page: tuple[str | None, int],
        caller: Caller,
    ) -> Page[LeaveRequest]:
        """Leave overlapping the period, by status and worker."""
        check_period(*period)
        if caller.partner_id is not None or (worker_id is not None and not worker_id.isdigit()):
            return Page[LeaveRequest](items=[], next_cursor=None)
        leave = await self._leave(*period, statuses, worker_id)
        items, next_cursor = page_slice(leave, *page)
        return Page[LeaveRequest](items=items, next_cursor=next_cursor)

    async def _holidays(self, start: date, end: date) -> set[date]:
        entries = await self.connector.whos_out(start, end)
        days: set[date] = set()
        for entry in entries:
            if entry.type == "holiday":
                days.update(
                    date.fromordinal(n)
                    for n in range(entry.start.toordinal(), entry.end.toordinal() + 1)
                )
        return days

    async def worker_availability(
        self, worker_id: str, period: tuple[date, date], caller: Caller
    ) -> Availability:
        """Capacity minus approved leave for one worker."""
        check_period(*period)
        worker = await self.get_worker(worker_id, caller)
        leave = await self._leave(*period, [LeaveStatus.APPROVED], worker_id)
        return availability(
            "worker",
            worker_id,
            workers=[worker],
            leave=leave,
            period=period,
            weekdays=self.mapping.working_weekdays,
            holidays=await self._holidays(*period),
        )

    async def list_availability(
        self, period: tuple[date, date], page: tuple[str | None, int], caller: Caller
    ) -> Page[WorkerAvailability]:
        """Capacity minus approved leave of every worker employed in the period.

        One read each of the employees, the period's approved leave and its holidays,
        however many workers: what a firm-wide dashboard needs instead of a call per unit.
        """
        check_period(*period)
        if caller.partner_id is not None:  # no HCM record belongs to a partner
            return Page[WorkerAvailability](items=[], next_cursor=None)
        start, end = period
        employees = await self.pager.details(None)
        leave = await self._leave(start, end, [LeaveStatus.APPROVED], None)
        holidays = await self._holidays(start, end)
        workers = sorted(
            (w for w in (self._worker(e, caller) for e in employees) if employed(w, start, end)),
            key=lambda w: int(w.id),
        )
        rows = [
            worker_availability(
                w,
                leave,
                start=start,
                end=end,
                weekdays=self.mapping.working_weekdays,
                holidays=holidays,
            )
            for w in workers
        ]
        items, next_cursor = page_slice(rows, *page)
        return Page[WorkerAvailability](items=items, next_cursor=next_cursor)

    async def org_unit_availability(
        self, unit_id: str, period: tuple[date, date], caller: Caller
    ) -> Availability:
        """Capacity minus approved leave, summed over the workers of an org unit."""
        check_period(*period)
        units = to_canonical_org_units(await self.connector.list_fields(), self.mapping)
        if caller.partner_id is not None or unit_id not in {u.id for u in units}:
            raise _not_found("org unit")
        workers: list[Worker] = []
        cursor: str | None = None
        while True:
            page = await self.list_workers(WorkerFilter(org_unit_id=unit_id), cursor, 200, caller)
            workers.extend(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        leave = await self._leave(*period, [LeaveStatus.APPROVED], None)
        return availability(
            "org_unit",
            unit_id,
            workers=workers,
            leave=leave,
            period=period,
            weekdays=self.mapping.working_weekdays,
            holidays=await self._holidays(*period),
        )
