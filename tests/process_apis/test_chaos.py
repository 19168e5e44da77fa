"""Chaos: 50 time-to-cash runs on two workers that keep being SIGKILLed, one of them for good.

Two `atrium serve` workers (executors a and b) share a PostgreSQL database; the vendor
sandboxes run in a process of their own and outlive every kill. Fifty distinct (project,
billing period) pairs of the demo firm are triggered, alternately at a and b, while a
bounded schedule SIGKILLs a worker (chosen by a seeded random) at milestones of progress,
so each kill lands in the middle of work, and restarts it with the same executor id. The
last kill takes the worker holding the most runs, for good: the survivor's reaper must
recover them. Then every run is succeeded or parked with a reason; the parked ones
(closed accounting periods, on purpose) are resolved and finish on the survivor; DBOS is
left with nothing pending; and the sandboxes hold exactly one invoice, one set of invoice
items and one ERP invoice per pair, and the run index one event of each kind.

Marked `chaos`: it kills processes and takes a couple of minutes, yet it runs in
`make test` (deselect with `-m "not chaos"` while iterating on something else).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from dbos import DBOSClient

from process_apis._runtime.exceptions import Resolution
from process_apis._runtime.parking import RESOLUTION_TOPIC
from sandboxes._kit.store import Store
from sandboxes.demo_firm.builder import build_demo_firm
from tests.fixtures.flow_workers import (
    FlowCluster,
    Worker,
    eventually,
    flow_cluster,
    fresh_database,
)

pytestmark = [pytest.mark.chaos, pytest.mark.postgres]

FLOW = "/process/time-to-cash/v1"
SCOPES = ["process.time-to-cash:run", "process.time-to-cash:read"]
SEED = 20261122
RUNS = 50
CLOSED = "2026-08"  # the demo firm's ERP is locked up to the end of August
# Kill a random worker and restart it when this many runs are started / done ...
KILL_AT = [("started", 25), ("done", 8), ("done", 16), ("done", 24)]
# ... then, for good, the worker holding the most runs.
LAST_KILL_AT = ("done", 30)
SETTLE_S = 120.0
BUDGET_S = 210.0
CHAOS = {
    # A restarted worker is back within seconds, usually before the other presumes it dead
    # (it then recovers its own runs); the one that never returns is reaped after 10 s.
    # Shorter would be unsafe here: a worker busy with dozens of runs on a shared machine
    # can miss a few heartbeats, and a live executor's runs must not be taken.
    "ATRIUM_FLOWS_EXECUTOR_STALE_AFTER_S": "10",
    # The sandboxes answer in milliseconds: a key left in flight by a killed worker can be
    # taken over after 5 s instead of the production minute.
    "ATRIUM_IDEMPOTENCY_LEASE_S": "5",
}


@dataclass(frozen=True)
class Pair:
    project_code: str
    billing_period: str

    @property
    def run_id(self) -> str:
        return f"time-to-cash:{self.project_code}:{self.billing_period}"

    def body(self) -> dict[str, Any]:
        # Half the closed-period runs may move on to September; the others park for
        # finance, so parking, and resolving a parked run after the chaos, are exercised.
        moves_on = self.billing_period != CLOSED or int(self.project_code[-1]) % 2 == 0
        return {
            "project_code": self.project_code,
            "billing_period": self.billing_period,
            "allow_next_open_period": moves_on,
        }


def billable_pairs() -> list[Pair]:
    """The demo firm's active projects' months with approved, unbilled, billable time and
    no invoice yet (a closed project's time is refused by the ERP: another test's story)."""
    firm = build_demo_firm()
    active = {p.code for p in firm.projects if p.status == "active"}
    invoiced = {(i.project, f"{i.period_start:%Y-%m}") for i in firm.invoices}
    pairs = {
        (e.project, f"{e.spent_date:%Y-%m}")
        for e in firm.time_entries
        if e.approved and e.billable and not e.billed and e.project in active
    }
    return [Pair(*pair) for pair in sorted(pairs - invoiced)]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[FlowCluster]:
    with fresh_database() as url, flow_cluster(tmp_path, url, ("a", "b"), extra=CHAOS) as running:
        yield running


# --- reading the database -----------------------------------------------------------------


def dbos_runs(cluster: FlowCluster) -> dict[str, tuple[str, str]]:
    """Every time-to-cash run DBOS knows: id -> (status, executor id)."""
    rows = cluster.sql(
        "SELECT workflow_uuid, status, executor_id FROM dbos.workflow_status"
        " WHERE workflow_uuid LIKE 'time-to-cash:%%'"
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def held_by(cluster: FlowCluster, executor_id: str) -> set[str]:
    """Workflows (runs, event deliveries) still pending or queued on this executor."""
    rows = cluster.sql(
        "SELECT workflow_uuid FROM dbos.workflow_status"
        " WHERE status IN ('PENDING', 'ENQUEUED') AND executor_id = %s",
        (executor_id,),
    )
    return {row[0] for row in rows}


def running_on(cluster: FlowCluster, executor_id: str) -> set[str]:
    """Time-to-cash runs this executor is running (or has parked)."""
    return {run for run, owner in pending(cluster).items() if owner == executor_id}


def pending(cluster: FlowCluster) -> dict[str, str]:
    """Time-to-cash runs pending in DBOS (in flight, or parked): id -> executor id."""
    return {
        run: owner for run, (status, owner) in dbos_runs(cluster).items() if status == "PENDING"
    }


def parked(cluster: FlowCluster) -> dict[str, tuple[str, str, str]]:
    """Open exceptions of parked runs: run id -> (exception id, error type, detail)."""
    rows = cluster.sql(
        "SELECT e.run_id, e.id, e.error_type, e.detail FROM flow_exceptions e"
        " JOIN flow_runs r ON r.parked_exception = e.id WHERE e.status = 'open'",
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def events(cluster: FlowCluster) -> Counter[tuple[str, str]]:
    """Recorded events per (run, type)."""
    return Counter((row[0], row[1]) for row in cluster.sql("SELECT run_id, type FROM flow_events"))


# --- driving ------------------------------------------------------------------------------


async def trigger(http: httpx.AsyncClient, order: list[Worker], pair: Pair) -> None:
    """Start the pair's run at the first worker that takes it; retry while workers die."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for worker in order:
            try:
                response = await http.post(f"{worker.url}{FLOW}/runs", json=pair.body())
            except httpx.TransportError:
                continue  # killed under us: the same trigger is safe to repeat elsewhere
            if response.status_code == 202:
                assert response.json()["id"] == pair.run_id
                return
            assert response.status_code in (429, 503), response.text
        await asyncio.sleep(0.2)  # both workers away: back off, then try again
    raise AssertionError(f"no worker would start {pair}")


def progress(cluster: FlowCluster) -> dict[str, int]:
    """Runs DBOS has started, and runs that are done (succeeded, or parked for a person)."""
    ((started, succeeded),) = cluster.sql(
        "SELECT count(*), count(*) FILTER (WHERE status = 'SUCCESS') FROM dbos.workflow_status"
        " WHERE workflow_uuid LIKE 'time-to-cash:%%'"
    )
    return {"started": started, "done": succeeded + len(parked(cluster))}


async def reached(cluster: FlowCluster, milestone: tuple[str, int]) -> None:
    what, count = milestone
    await eventually(
        lambda: progress(cluster)[what] >= count, f"{count} runs {what}", 90, every_s=0.2
    )


async def chaos(cluster: FlowCluster, rng: random.Random) -> tuple[Worker, set[str]]:
    """Kill and restart a random worker at each milestone, then the busier one for good.

    Milestones of progress, not a clock: every kill lands while runs are in flight,
    however fast or slow the machine is. Returns the worker that never came back and the
    runs it held when it died.
    """
    for milestone in KILL_AT:
        await reached(cluster, milestone)
        victim = cluster.workers[rng.choice("ab")]
        victim.kill()
        await asyncio.to_thread(victim.start)  # same executor id
    await reached(cluster, LAST_KILL_AT)
    last = max(cluster.workers.values(), key=lambda w: len(running_on(cluster, w.executor_id)))
    last.kill()
    return last, running_on(cluster, last.executor_id)


async def run_views(http: httpx.AsyncClient, worker: Worker) -> dict[str, dict[str, Any]]:
    response = await http.get(f"{worker.url}{FLOW}/runs", params={"limit": 200})
    assert response.status_code == 200, response.text
    return {run["id"]: run for run in response.json()["items"]}


async def settled(
    http: httpx.AsyncClient, worker: Worker, pairs: list[Pair], wanted: set[str]
) -> dict[str, dict[str, Any]]:
    """Every pair's run view once each is in one of the `wanted` statuses."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        views = await run_views(http, worker)
        statuses = Counter(
            views[p.run_id]["status"] if p.run_id in views else "missing" for p in pairs
        )
        if set(statuses) <= wanted:
            return views
        if time.monotonic() > deadline:
            raise AssertionError(f"runs still {dict(statuses)} after {SETTLE_S} s")
        await asyncio.sleep(0.2)


async def resolve(cluster: FlowCluster, open_exceptions: dict[str, tuple[str, str, str]]) -> None:
    """Finance decides every parked run: post a closed month to September."""
    client = DBOSClient(system_database_url=cluster.system_database_url, application_name="atrium")
    try:
        for run_id in open_exceptions:
            decision = Resolution(
                action="resume", data={"accounting_period": "2026-09"}, actor="finance@test"
            )
            await client.send_async(run_id, decision.model_dump(mode="json"), RESOLUTION_TOPIC)
    finally:
        client.destroy()


# --- what the vendors hold ----------------------------------------------------------------


@dataclass
class Books:
    """The sandboxes' stores, read from their files (the sandbox process keeps writing)."""

    billing: Store
    erp: Store

    @classmethod
    def open(cls, folder: Path) -> Books:
        return cls(billing=Store(folder / "stripe.db"), erp=Store(folder / "xero.db"))

    def close(self) -> None:
        self.billing.close()
        self.erp.close()

    def invoices(self) -> Counter[tuple[str, str]]:
        """Stripe invoices (any status) per (project, billing period)."""
        return Counter(
            (i["metadata"].get("project_code"), i["metadata"].get("billing_period"))
            for i in self.billing.all("invoices")
        )

    def invoice(self, pair: Pair) -> dict[str, Any]:
        (found,) = [
            i
            for i in self.billing.all("invoices")
            if (i["metadata"].get("project_code"), i["metadata"].get("billing_period"))
            == (pair.project_code, pair.billing_period)
        ]
        return found

    def items(self, invoice_id: str) -> list[dict[str, Any]]:
        return self.billing.find("invoiceitems", invoice=invoice_id)

    def loose_items(self, project_code: str) -> list[dict[str, Any]]:
        """The project's invoice items on no invoice: a duplicate would end up here."""
        return [
            item
            for item in self.billing.all("invoiceitems")
            if item["metadata"].get("project_code") == project_code and not item.get("invoice")
        ]

    def erp_invoices(self) -> Counter[str]:
        """Xero invoices (any status) per reference ('<project> <period>')."""
        return Counter(str(i.get("Reference")) for i in self.erp.all("invoices"))


# --- the test -----------------------------------------------------------------------------


async def test_fifty_runs_survive_repeated_kills_and_a_worker_that_never_returns(
    tmp_path: Path, cluster: FlowCluster
) -> None:
    pairs = billable_pairs()[:RUNS]
    assert len(pairs) == RUNS, "the demo firm has fewer billable (project, month) pairs"
    assert any(not p.body()["allow_next_open_period"] for p in pairs)
    rng = random.Random(SEED)
    a, b = cluster.workers["a"], cluster.workers["b"]
    token = await cluster.token(SCOPES)
    auth = {"Authorization": f"Bearer {token}"}
    async with asyncio.timeout(BUDGET_S), httpx.AsyncClient(timeout=30, headers=auth) as http:
        chaos_task = asyncio.create_task(chaos(cluster, rng))
        await asyncio.gather(
            *(trigger(http, [a, b] if i % 2 else [b, a], pair) for i, pair in enumerate(pairs))
        )
        gone, held_at_death = await chaos_task
        assert held_at_death, f"{gone.executor_id} held no run when it died"
        (survivor,) = (w for w in cluster.workers.values() if w is not gone)

        # The survivor alone: it reaps the dead one's runs; every run ends or waits for a
        # person, with a reason, and nothing else is left pending.
        gone_id = gone.executor_id
        await eventually(lambda: not held_by(cluster, gone_id), f"{gone_id}'s runs reaped", 60)
        views = await settled(http, survivor, pairs, {"succeeded", "parked"})
        waiting = parked(cluster)
        parked_runs = {run for run, view in views.items() if view["status"] == "parked"}
        assert parked_runs == set(waiting), "a parked run without its open exception"
        for run in parked_runs:
            _, error_type, detail = waiting[run]
            assert (error_type, bool(detail)) == ("period-closed", True), waiting[run]
        assert parked_runs, "no run parked: the closed-period case went untested"
        left = pending(cluster)
        assert set(left) == parked_runs, "a run is pending that is not waiting for a person"
        assert set(left.values()) == {survivor.executor_id}

        await resolve(cluster, waiting)
        views = await settled(http, survivor, pairs, {"succeeded"})

    final = dbos_runs(cluster)
    assert Counter(status for status, _ in final.values()) == {"SUCCESS": RUNS}
    assert not held_by(cluster, gone_id), "work left on the executor that never came back"
    finished_on = {final[run][1] for run in held_at_death}
    assert finished_on == {survivor.executor_id}, "the dead worker's runs did not move"
    outputs = {pair: views[pair.run_id]["output"] for pair in pairs}
    assert {out["outcome"] for out in outputs.values()} == {"invoiced"}
    recorded = events(cluster)
    books = Books.open(cluster.sandbox_dir)
    try:
        invoices, erp = books.invoices(), books.erp_invoices()
        for pair, out in outputs.items():
            key = (pair.project_code, pair.billing_period)
            assert invoices[key] == 1, f"{pair}: {invoices[key]} invoices"
            invoice = books.invoice(pair)
            assert (invoice["status"], invoice["number"]) == ("open", out["invoice_number"])
            assert len(books.items(invoice["id"])) == out["lines"], f"{pair}: items"
            assert books.loose_items(pair.project_code) == [], f"{pair}: stray items"
            assert erp[f"{pair.project_code} {pair.billing_period}"] == 1, f"{pair}: ERP"
            for kind in ("invoice.issued", "revenue.posted"):
                assert recorded[(pair.run_id, kind)] == 1, f"{pair}: {kind} events"
    finally:
        books.close()
