"""Per-request DataLoaders: every batch of keys costs one upstream read, never one per row.

A batch of one key asks the system API for that object (or that parent's list) directly; a
batch of several is answered from the collection's `Scan`, read once per request whichever
loaders share it. Objects another partner owns are simply absent (the system API answers 404
or leaves them out), so a loader returns None or an empty list for them.

Missing batch endpoints (none of the system APIs filters by a set of ids): customers, projects,
assignments (by project or resource), resources, tasks, workers, org units and billing invoices
are scanned; time entries (too many to scan) are fetched one by one, and only `node(id)` does.

The process APIs: runs and exceptions have no batch read (a run's steps and an exception's
audit come only with the one-object read), so they are read one by one, concurrently; events
are read in batches (`GET /events?id=…`). Dashboards read whole collections through
`Loaders.scan`, shared by every field of the request that asks for the same one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from contracts import billing, erp, hcm, psa
from gateway.graphql.scans import PageReader, Scan, read_all
from gateway.graphql.upstream import Upstream, fetch, fetch_optional
from process_apis._runtime.runs import RunView
from process_apis.events.listing import EventView
from process_apis.exceptions.views import ExceptionView

T = TypeVar("T")
Identified = (
    psa.Customer
    | psa.Project
    | psa.Resource
    | psa.Task
    | hcm.Worker
    | hcm.OrgUnit
    | billing.Invoice
)


def by_key(
    scan: Scan[T],
    key: Callable[[T], str | None],
    get_one: Callable[[str], Awaitable[T | None]] | None = None,
) -> DataLoader[str, T | None]:
    """Objects by a unique key: one `get_one` call for a lone key, else the scan."""

    async def load(keys: list[str]) -> list[T | None]:
        if get_one is not None and len(keys) == 1 and not scan.done:
            return [await get_one(keys[0])]
        index = {key(item): item for item in await scan.items()}
        return [index.get(k) for k in keys]

    return DataLoader(load)


def grouped(
    scan: Scan[T],
    key: Callable[[T], str | None],
    list_one: Callable[[str], Awaitable[list[T]]] | None = None,
) -> DataLoader[str, list[T]]:
    """Children by parent key: one filtered list for a lone parent, else the scan, grouped."""

    async def load(keys: list[str]) -> list[list[T]]:
        if list_one is not None and len(keys) == 1 and not scan.done:
            return [await list_one(keys[0])]
        groups: defaultdict[str | None, list[T]] = defaultdict(list)
        for item in await scan.items():
            groups[key(item)].append(item)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load)


def one_by_one(
    get_one: Callable[[str], Awaitable[T | None]], *, concurrency: int = 10
) -> DataLoader[str, T | None]:
    """Objects with no batch read: one call per key, at most `concurrency` at a time.

    The keys are bounded before anything runs: `node(id)` by the alias limit, a run's steps
    and an exception's audit by the cost rule (`cost.Costed`).
    """
    gate = asyncio.Semaphore(concurrency)

    async def get_gated(key: str) -> T | None:
        async with gate:
            return await get_one(key)

    async def load(keys: list[str]) -> list[T | None]:
        return list(await asyncio.gather(*(get_gated(k) for k in keys)))

    return DataLoader(load)


def primer(loader: DataLoader[str, T | None], key: Callable[[T], str]) -> Callable[[list[T]], None]:
    """A `seen` callback for a connection: its records answer later loads without a call."""
    return lambda items: loader.prime_many({key(item): item for item in items})


def events_by_id(upstream: Upstream) -> DataLoader[str, EventView | None]:
    """Recorded events by id: one listing per batch (the events API filters by ids)."""

    async def load(keys: list[str]) -> list[EventView | None]:
        found: dict[str, EventView] = {}
        for start in range(0, len(keys), 100):  # the API takes up to 100 ids a call
            chunk = keys[start : start + 100]
            read = upstream.process.list_events(ids=chunk, limit=len(chunk))
            found |= {e.id: e for e in (await fetch("process", read)).items}
        return [found.get(k) for k in keys]

    return DataLoader(load)


class Loaders:
    """Every loader of one request, over the caller's view of the system and process APIs."""

    def __init__(self, upstream: Upstream) -> None:
        up = self.upstream = upstream
        self._scans: dict[Hashable, Scan[Any]] = {}
        self._once: dict[Hashable, asyncio.Future[Any]] = {}
        customers = self.scan(
            "customers", "psa", lambda c, n: up.psa.list_customers(cursor=c, limit=n)
        )
        projects = self.scan(
            "projects", "psa", lambda c, n: up.psa.list_projects(cursor=c, limit=n)
        )
        assignments = self.scan(
            "assignments", "psa", lambda c, n: up.psa.list_assignments(cursor=c, limit=n)
        )
        resources = self.scan(
            "resources", "psa", lambda c, n: up.psa.list_resources(cursor=c, limit=n)
        )
        tasks = Scan("psa", lambda c, n: up.psa.list_tasks(cursor=c, limit=n))
        workers = self.scan("workers", "hcm", lambda c, n: up.hcm.list_workers(cursor=c, limit=n))
        org_units = self.scan(
            "org-units", "hcm", lambda c, n: up.hcm.list_org_units(cursor=c, limit=n)
        )
        invoices = self.scan(
            "invoices", "billing", lambda c, n: up.billing.list_invoices(cursor=c, limit=n)
        )

        self.customer: DataLoader[str, psa.Customer | None] = by_key(
            customers, _id, lambda i: fetch_optional("psa", up.psa.get_customer(i))
        )
        self.customer_by_number: DataLoader[str, psa.Customer | None] = by_key(
            customers, lambda c: c.customer_number
        )
        self.project: DataLoader[str, psa.Project | None] = by_key(
            projects, _id, lambda i: fetch_optional("psa", up.psa.get_project(i))
        )
        self.projects_of_customer: DataLoader[str, list[psa.Project]] = grouped(
            projects,
            lambda p: p.customer_number,
            lambda number: read_all(
                "psa", lambda c, n: up.psa.list_projects(customer_number=number, cursor=c, limit=n)
            ),
        )
        self.assignments_of_project: DataLoader[str, list[psa.Assignment]] = grouped(
            assignments,
            lambda a: a.project_id,
            lambda p: read_all(
                "psa", lambda c, n: up.psa.list_assignments(project_id=p, cursor=c, limit=n)
            ),
        )
        self.assignments_of_resource: DataLoader[str, list[psa.Assignment]] = grouped(
            assignments,
            lambda a: a.resource_id,
            lambda r: read_all(
                "psa", lambda c, n: up.psa.list_assignments(resource_id=r, cursor=c, limit=n)
            ),
        )
        self.resource: DataLoader[str, psa.Resource | None] = by_key(
            resources, _id, lambda i: fetch_optional("psa", up.psa.get_resource(i))
        )
        self.resource_by_employee_number: DataLoader[str, psa.Resource | None] = by_key(
            resources, lambda r: r.employee_number
        )
        self.task: DataLoader[str, psa.Task | None] = by_key(tasks, _id)
        self.time_entry: DataLoader[str, psa.TimeEntry | None] = one_by_one(
            lambda i: fetch_optional("psa", up.psa.get_time_entry(i))
        )
        self.worker: DataLoader[str, hcm.Worker | None] = by_key(
            workers, _id, lambda i: fetch_optional("hcm", up.hcm.get_worker(i))
        )
        self.worker_by_employee_number: DataLoader[str, hcm.Worker | None] = by_key(
            workers,
            lambda w: w.employee_number,
            lambda n: fetch_optional("hcm", up.hcm.get_worker_by_employee_number(n)),
        )
        self.workers_of_org_unit: DataLoader[str, list[hcm.Worker]] = grouped(
            workers,
            lambda w: w.employment.org_unit_id,
            lambda unit: read_all(
                "hcm", lambda c, n: up.hcm.list_workers(org_unit_id=unit, cursor=c, limit=n)
            ),
        )
        self.org_unit: DataLoader[str, hcm.OrgUnit | None] = by_key(org_units, _id)
        self.invoice: DataLoader[str, billing.Invoice | None] = by_key(
            invoices, _id, lambda i: fetch_optional("billing", up.billing.get_invoice(i))
        )
        self.journal_entry: DataLoader[str, erp.JournalEntry | None] = one_by_one(
            lambda key: fetch_optional("erp", up.erp.get_journal_entry(*_entity_key(key)))
        )
        self.invoices_of_customer: DataLoader[str, list[billing.Invoice]] = grouped(
            invoices,
            lambda i: i.customer_number,
            lambda number: read_all(
                "billing",
                lambda c, n: up.billing.list_invoices(customer_number=number, cursor=c, limit=n),
            ),
        )
        self.run: DataLoader[str, RunView | None] = one_by_one(
            lambda i: fetch_optional("process", up.process.get_run(i))
        )
        self.exception: DataLoader[str, ExceptionView | None] = one_by_one(
            lambda i: fetch_optional("process", up.process.get_exception(i))
        )
        self.event: DataLoader[str, EventView | None] = events_by_id(up)

    async def once(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """`read()`'s answer, read once per request under `key` (later askers share it)."""
        if key not in self._once:
            self._once[key] = asyncio.ensure_future(read())
        found: T = await self._once[key]
        return found

    def scan(self, key: Hashable, system: str, read: PageReader[T]) -> Scan[T]:
        """The request's one scan of a collection (`key` names it: a kind and its filters)."""
        if key not in self._scans:
            self._scans[key] = Scan(system, read)
        found: Scan[T] = self._scans[key]
        return found


def _id(record: Identified) -> str:
    return record.id


def _entity_key(key: str) -> tuple[str, str]:
    """'NL01/abc' -> ('NL01', 'abc'): records the ERP keeps under a legal entity."""
    legal_entity, _, record_id = key.partition("/")
    return legal_entity, record_id
