"""A worker SIGKILLed in the middle of each step of time-to-cash recovers the run, exactly once.

The worker is a real `atrium serve` process; the chaos switch (`ATRIUM_FLOWS_CRASH_AT`,
process_apis/_runtime/faults.py) kills it at a named point of a step of one run:
`after-call` is right after the step's upstream writes returned and before DBOS
checkpointed the step, so recovery runs the step again; `mid` is between two writes of
one step. The worker restarts with the same executor id and data dir, recovers the run,
and the sandboxes (threads of this test process, so they outlive the kill) must show one
invoice, one set of invoice items and one ERP document.

Each case bills a project of its own on one shared set of sandboxes, which keeps them
apart without reseeding. A restarted worker is already armed for the next case's run
(the switch names the run), so the cases cost one start each.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.database import create_engine, create_schema
from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from process_apis._runtime.faults import CRASH_AT
from tests.fixtures.flows_time_to_cash import (
    FLOW,
    RUN_SCOPES,
    Books,
    run_id,
    start_sandboxes,
    vendor_env,
)
from tests.fixtures.processes import REPO
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.servers import free_port

PERIOD = "2026-10"
START_TIMEOUT_S = 60.0  # a loaded CI machine takes its time to import the gateway
DEATH_TIMEOUT_S = 120.0
RUN_TIMEOUT_S = 120.0
# (step, point, project): every step of the flow, plus the two steps that write twice.
CASES = [
    ("load_project_time", "after-call", "PRJ-0053"),
    ("load_rate_card", "after-call", "PRJ-0024"),
    ("resolve_cost_centre", "after-call", "PRJ-0052"),
    ("ensure_billing_customer", "after-call", "PRJ-0058"),
    ("open_draft_invoice", "after-call", "PRJ-0022"),
    ("add_invoice_items", "mid", "PRJ-0054"),
    ("add_invoice_items", "after-call", "PRJ-0021"),
    ("finalize_invoice", "after-call", "PRJ-0010"),
    ("check_accounting_period", "after-call", "PRJ-0037"),
    ("post_revenue", "mid", "PRJ-0019"),
    ("post_revenue", "after-call", "PRJ-0012"),
    ("mark_time_billed", "after-call", "PRJ-0016"),
]


def _spec(case: int) -> str | None:
    if case >= len(CASES):
        return None
    step, point, project = CASES[case]
    return f"{step}:{point}@{run_id(project, PERIOD)}"


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/livez", timeout=0.5).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Worker:
    """One `atrium serve` at a time on one data dir and executor id, armed or not."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    url: str = ""
    armed: str | None = None

    def start(self, armed: str | None) -> None:
        """Start (again), armed to die at `armed`; return once it serves."""
        self.stop()
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
        env |= self.env | ({CRASH_AT: armed} if armed else {}) | {"PYTHONPATH": str(REPO)}
        command = [str(Path(sys.executable).parent / "atrium"), "serve", "--host", "127.0.0.1"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.url, self.armed = f"http://127.0.0.1:{port}", armed
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start:\n{self.tail()}")
            time.sleep(0.05)

    def wait_killed(self) -> None:
        """Until the chaos switch has killed the worker."""
        assert self.process is not None
        try:
            code = self.process.wait(timeout=DEATH_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"armed with {self.armed}, the worker did not die") from None
        assert code == -signal.SIGKILL, f"exit {code}:\n{self.tail()}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.armed = None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class Rig:
    worker: Worker
    books: Books
    settings: GatewaySettings
    token: str = ""

    def headers(self) -> dict[str, str]:
        if not self.token:
            self.token = _token(self.worker.url, self.settings)
        return {"Authorization": f"Bearer {self.token}"}

    def trigger(self, project_code: str) -> None:
        """Start the run; the worker may die before it answers."""
        body = {"project_code": project_code, "billing_period": PERIOD}
        try:
            response = httpx.post(
                f"{self.worker.url}{FLOW}/runs", json=body, headers=self.headers(), timeout=30
            )
        except httpx.TransportError:
            return
        assert response.status_code == 202, response.text

    def wait_done(self, run: str) -> dict[str, Any]:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            response = httpx.get(f"{self.worker.url}{FLOW}/runs/{run}", headers=self.headers())
            view: dict[str, Any] = response.json()
            if response.status_code == 200 and view["status"] in ("succeeded", "failed", "parked"):
                return view
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run} not done after {RUN_TIMEOUT_S} s: {view}")
            time.sleep(0.1)


def _token(url: str, settings: GatewaySettings) -> str:
    async def register() -> tuple[str, str]:
        engine = create_engine(settings)
        try:
            await create_schema(engine)
            credential = await create_client(
                engine, name="crash tests", scopes=list(RUN_SCOPES), tier="internal"
            )
        finally:
            await engine.dispose()
        return credential.client_id, credential.client_secret

    client_id, secret = asyncio.run(register())
    response = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(client_id, secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture(scope="module")
def rig(
    tmp_path_factory: pytest.TempPathFactory,
    _sandbox_templates: tuple[dict[str, Path], Path],
) -> Iterator[Rig]:
    root = tmp_path_factory.mktemp("time-to-cash-crash")
    servers = SandboxServers(root / "sandboxes", *_sandbox_templates)
    servers.folder.mkdir(parents=True)
    with servers.stack:
        sandboxes = start_sandboxes(servers)
        env = {
            "ATRIUM_DATA_DIR": str(root / "var"),
            "ATRIUM_ISSUER": "http://127.0.0.1",  # tokens stay good across restarts
            "ATRIUM_START_SANDBOXES": "false",
            "ATRIUM_LOG_LEVEL": "WARNING",
            "ATRIUM_FLOWS_EXECUTOR_ID": "time-to-cash-crash",
            **vendor_env(sandboxes),
        }
        worker = Worker(env, root / "worker.log")
        try:
            yield Rig(worker, Books(sandboxes), GatewaySettings(data_dir=root / "var"))
        finally:
            worker.stop()


def _step_counts(view: dict[str, Any]) -> Counter[str]:
    return Counter(step["name"] for step in view["steps"])


@pytest.mark.parametrize(
    "case", range(len(CASES)), ids=[f"{step}:{point}" for step, point, _ in CASES]
)
def test_a_worker_killed_in_a_step_recovers_the_run_exactly_once(rig: Rig, case: int) -> None:
    _, _, project = CASES[case]
    run = run_id(project, PERIOD)
    expected = {str(e["id"]) for e in rig.books.billable_unbilled(project, PERIOD)}
    assert expected, f"{project} has approved October time to bill"
    if rig.worker.armed != _spec(case):
        rig.worker.start(_spec(case))

    rig.trigger(project)
    rig.worker.wait_killed()
    assert f'"at":"{_spec(case)}"' in rig.worker.tail()
    rig.worker.start(_spec(case + 1))  # same executor id and data dir: it recovers the run
    view = rig.wait_done(run)

    assert view["status"] == "succeeded", view
    assert view["output"]["outcome"] == "invoiced"
    counts = _step_counts(view)
    assert counts.pop("_emit_step") == 2
    assert set(counts.values()) == {1}, counts  # each step checkpointed once
    (invoice,) = rig.books.billing_invoices(project, PERIOD)
    assert invoice["status"] == "open"
    items = rig.books.period_items(project, PERIOD)
    assert [i["invoice"] for i in items] == [invoice["id"]] * view["output"]["lines"]
    assert len({i["description"] for i in items}) == len(items)
    (document,) = rig.books.erp_invoices(project, PERIOD)
    assert (document["Status"], document["InvoiceNumber"]) == ("AUTHORISED", invoice["number"])
    entries = rig.books.time_entries(project, PERIOD)
    assert {str(e["id"]) for e in entries if e["is_billed"]} == expected
