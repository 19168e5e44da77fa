"""Paging workers out of BambooHR: its cursor pages (or changed ids) into our cursor pages.

BambooHR's list carries too few fields for a worker, so each page is listed (ids plus what
the cheap filters need), then detailed with one custom report for the candidates: two calls
per BambooHR page. Our cursor remembers BambooHR's cursor and how many of that page's rows
were already served, so filtered pages stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.hcm import OrgUnitKind, Worker, WorkerStatus
from system_apis._kit.pagination import decode_cursor, encode_cursor
from system_apis.hcm.connector.api import BambooConnector
from system_apis.hcm.connector.models import (
    EMPLOYEE_FIELDS,
    LIST_FIELDS,
    BambooEmployee,
    BambooEmployeeRow,
)
from system_apis.hcm.mapping import HcmMapping, org_unit_id, to_canonical_worker


@dataclass(frozen=True, slots=True)
class WorkerFilter:
    """What a worker list is narrowed to; None means any."""

    status: WorkerStatus | None = None
    legal_entity: str | None = None
    org_unit_id: str | None = None
    changed_since: datetime | None = None

    def keeps_row(self, row: BambooEmployeeRow, m: HcmMapping) -> bool:
        """The cheap test on a list row, before any detail is fetched."""
        if self.status is WorkerStatus.ACTIVE and row.status != "Active":
            return False
        if self.status not in (None, WorkerStatus.ACTIVE) and row.status == "Active":
            return False
        if self.legal_entity and m.legal_entity_by_division.get(row.division_name or "") != (
            self.legal_entity
        ):
            return False
        units = {
            org_unit_id(OrgUnitKind.DEPARTMENT, row.department_id),
            org_unit_id(OrgUnitKind.DIVISION, row.division_id),
        }
        return not self.org_unit_id or self.org_unit_id in units

    def keeps(self, worker: Worker, division_unit: str | None = None) -> bool:
        """The exact test on a canonical worker (and the org unit of its division)."""
        employment = worker.employment
        if self.status is not None and employment.status is not self.status:
            return False
        if self.legal_entity and employment.legal_entity != self.legal_entity:
            return False
        return not self.org_unit_id or self.org_unit_id in (employment.org_unit_id, division_unit)


class WorkerPager:
    """Pages of canonical workers over one BambooHR connector."""

    def __init__(self, connector: BambooConnector, mapping: HcmMapping, page_size: int) -> None:
        self.connector = connector
        self.mapping = mapping
        self.page_size = page_size

    @property
    def fields(self) -> tuple[str, ...]:
        return (*EMPLOYEE_FIELDS, *self.mapping.custom_fields)

    async def details(self, employee_ids: list[int] | None) -> list[BambooEmployee]:
        """Employees with every field we map, by id (all when None), in one report."""
        if employee_ids == []:
            return []
        report = await self.connector.employee_report(self.fields, employee_ids)
        return [
            self.connector.parse(BambooEmployee, row.model_dump(by_alias=True))
            for row in report.employees
        ]

    async def page(
        self, flt: WorkerFilter, cursor: str | None, limit: int
    ) -> tuple[list[BambooEmployee], str | None]:
        """One page of matching employees and the cursor of the next."""
        position = decode_cursor(cursor)
        if flt.changed_since is not None:
            return await self._changed_page(flt, position, limit)
        return await self._listed_page(flt, position, limit)

    def _kept(self, flt: WorkerFilter, employee: BambooEmployee) -> bool:
        division = org_unit_id(OrgUnitKind.DIVISION, employee.division_id)
        return flt.keeps(to_canonical_worker(employee, self.mapping), division)

    async def _listed_page(
        self, flt: WorkerFilter, position: dict[str, Any], limit: int
    ) -> tuple[list[BambooEmployee], str | None]:
        after, skip = position.get("after"), int(position.get("skip", 0))
        found: list[BambooEmployee] = []
        vendor_status = "active" if flt.status is WorkerStatus.ACTIVE else None
        while True:
            listed = await self.connector.list_employees(
                fields=LIST_FIELDS, limit=self.page_size, after=after, status=vendor_status
            )
            rows = listed.data[skip:]
            wanted = [int(r.employee_id) for r in rows if flt.keeps_row(r, self.mapping)]
            detailed = {e.id: e for e in await self.details(wanted)}
            following = listed.meta.page.next_cursor
            for offset, row in enumerate(rows):
                employee = detailed.get(row.employee_id)
                if employee is not None and self._kept(flt, employee):
                    found.append(employee)
                if len(found) == limit:
                    if skip + offset + 1 < len(listed.data):
                        return found, encode_cursor({"after": after, "skip": skip + offset + 1})
                    return found, encode_cursor({"after": following}) if following else None
            if following is None:
                return found, None
            after, skip = following, 0

    async def _changed_page(
        self, flt: WorkerFilter, position: dict[str, Any], limit: int
    ) -> tuple[list[BambooEmployee], str | None]:
        assert flt.changed_since is not None
        changed = await self.connector.changed_employees(flt.changed_since)
        last = int(position.get("changed_after", 0))
        ids = sorted(int(key) for key, c in changed.employees.items() if c.action != "Deleted")
        remaining = [i for i in ids if i > last]
        found: list[BambooEmployee] = []
        for start in range(0, len(remaining), self.page_size):
            chunk = remaining[start : start + self.page_size]
            detailed = {int(e.id): e for e in await self.details(chunk)}
            for employee_id in chunk:
                employee = detailed.get(employee_id)
                if employee is not None and self._kept(flt, employee):
                    found.append(employee)
                if len(found) == limit:
                    more = employee_id != remaining[-1]
                    return found, encode_cursor({"changed_after": employee_id}) if more else None
        return found, None
