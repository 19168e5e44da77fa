"""The reaper: runs of an executor that never comes back are recovered by a live one.

Unit tests drive `reap_once` over a SQLite store with DBOS recovery faked; the end-to-end
test runs two real workers on PostgreSQL, SIGKILLs one for good and watches the other
take over its runs — one parked for a person, one blocked in the middle of a step.
"""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dbos import DBOS, DBOSClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.registry import RuntimeContext
from policies import POLICY_DIR
from process_apis._runtime.engine import flow_runtime
from process_apis._runtime.exceptions import Resolution
from process_apis._runtime.parking import RESOLUTION_TOPIC
from process_apis._runtime.reaper import beat, executors, reap_once
from process_apis._runtime.settings import FlowSettings
from process_apis._runtime.store import open_store
from tests.fixtures.apps import PolicyFolder
from tests.fixtures.flow_workers import (
    FlowCluster,
    eventually,
    flow_cluster,
    fresh_database,
)

# --- reap_once, with DBOS recovery faked -------------------------------------------------


class _Handle:
    def __init__(self, workflow_id: str) -> None:
        self.workflow_id = workflow_id

    def get_workflow_id(self) -> str:
        return self.workflow_id


class FakeRecovery:
    """Stands in for `DBOS._recover_pending_workflows`: records calls, answers handles."""

    def __init__(self, runs: dict[str, list[str]]) -> None:
        self.runs = runs
        self.calls: list[list[str]] = []
        self.fail = False
        self.during: Any = None

    def __call__(self, executor_ids: list[str]) -> list[_Handle]:
        self.calls.append(list(executor_ids))
        if self.fail:
            raise RuntimeError("system database away")
        if self.during is not None:
            self.during(executor_ids)
        return [_Handle(run) for e in executor_ids for run in self.runs.get(e, [])]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite'}")
    yield engine
    await engine.dispose()


@pytest.fixture
def recovery(monkeypatch: pytest.MonkeyPatch) -> FakeRecovery:
    fake = FakeRecovery({"dead": ["run-1", "run-2"], "live": ["run-3"], "me": ["run-4"]})
    monkeypatch.setattr(DBOS, "_recover_pending_workflows", staticmethod(fake))
    return fake


SETTINGS = FlowSettings(executor_id="me", executor_stale_after_s=10)
NOW = 1_000_000.0


async def _known(store: AsyncEngine) -> dict[str, float]:
    async with store.connect() as connection:
        rows = await connection.execute(select(executors))
        return {row.executor_id: row.last_seen for row in rows}


async def test_recovers_only_executors_silent_past_the_threshold(
    store: AsyncEngine, recovery: FakeRecovery
) -> None:
    await beat(store, "dead", NOW - 11)
    await beat(store, "live", NOW - 9)
    await beat(store, "me", NOW - 100)  # its own row, however old, is never its business

    recovered = await reap_once(store, SETTINGS, NOW)

    assert recovery.calls == [["dead"]]
    assert recovered == ["run-1", "run-2"]
    assert set(await _known(store)) == {"live", "me"}


async def test_second_pass_over_a_reaped_executor_does_nothing(
    store: AsyncEngine, recovery: FakeRecovery
) -> None:
    await beat(store, "dead", NOW - 11)
    await reap_once(store, SETTINGS, NOW)

    again = await reap_once(store, SETTINGS, NOW + 1)

    assert again == []
    assert recovery.calls == [["dead"]]


async def test_failed_recovery_keeps_the_executor_for_the_next_pass(
    store: AsyncEngine, recovery: FakeRecovery
) -> None:
    await beat(store, "dead", NOW - 11)
    recovery.fail = True

    with pytest.raises(RuntimeError, match="system database away"):
        await reap_once(store, SETTINGS, NOW)
    assert "dead" in await _known(store)

    recovery.fail = False
    assert await reap_once(store, SETTINGS, NOW + 1) == ["run-1", "run-2"]
    assert "dead" not in await _known(store)


async def test_executor_that_comes_back_during_recovery_keeps_its_heartbeat(
    store: AsyncEngine, recovery: FakeRecovery
) -> None:
    await beat(store, "dead", NOW - 11)

    def restarted(_: list[str]) -> None:
        # The executor restarts (same id) while its runs are handed over, and beats.
        asyncio.run(_beat_elsewhere(store.url.render_as_string(), "dead", NOW))

    recovery.during = restarted
    await reap_once(store, SETTINGS, NOW)

    assert (await _known(store))["dead"] == NOW


async def _beat_elsewhere(url: str, executor_id: str, now: float) -> None:
    engine = await open_store(url)
    try:
        await beat(engine, executor_id, now)
    finally:
        await engine.dispose()


async def test_a_restarting_executor_beats_before_it_recovers_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its last heartbeat is from long ago (it was down): were launch (which recovers its
    # runs and starts dequeuing) to come first, another reaper could take them meanwhile.
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'app.sqlite'}"
    before = await open_store(database_url)
    await beat(before, "restarting", 0.0)
    await before.dispose()
    seen_at_launch: list[float] = []
    launch = DBOS.launch

    def launch_and_look() -> None:
        with sqlite3.connect(tmp_path / "app.sqlite") as connection:
            row = connection.execute(
                "SELECT last_seen FROM flow_executors WHERE executor_id = 'restarting'"
            ).fetchone()
        seen_at_launch.append(row[0])
        launch()

    monkeypatch.setattr(DBOS, "launch", staticmethod(launch_and_look))
    ctx = RuntimeContext(
        environ={"ATRIUM_FLOWS_EXECUTOR_ID": "restarting"},
        redis_url=None,
        policy_dir=POLICY_DIR,
        data_dir=tmp_path,
        database_url=database_url,
        api_http=lambda base: httpx.AsyncClient(base_url=f"http://gateway.test{base}"),
    )
    started = time.time()
    async with flow_runtime(ctx):
        pass

    assert len(seen_at_launch) == 1
    assert seen_at_launch[0] >= started


# --- two real workers on PostgreSQL --------------------------------------------------------

PROBE = "reaper-probe"
PROBE_SCOPES = {
    "startReaperProbeRun": ["process.reaper-probe:run"],
    "listReaperProbeRuns": ["process.reaper-probe:read"],
    "getReaperProbeRun": ["process.reaper-probe:read"],
}
PROBE_MANIFEST = """
from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="reaper-probe",
    kind="process",
    title="Reaper probe",
    owner="test-team",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.reaper_probe.v1.router:router",
            runtime="process_apis._runtime.engine:flow_runtime",
        ),
    ),
)
"""
# A flow that waits where a test can catch it: parked for a person, or blocked inside a
# step until the test creates the gate file. Each step says which executor ran it.
PROBE_FLOW = """
import asyncio
from pathlib import Path
from typing import Any, Literal

from dbos import DBOS
from pydantic import BaseModel, ConfigDict

from process_apis._runtime.engine import current_runtime
from process_apis._runtime.exceptions import Trouble
from process_apis._runtime.flows import FlowSpec
from process_apis._runtime.parking import park


class ProbeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    mode: Literal["park", "gate"]
    gate: str = ""


def executor() -> str:
    return current_runtime().settings.executor_id


@DBOS.step()
async def where_am_i() -> dict[str, str]:
    return {"executor_id": executor()}


@DBOS.step()
async def wait_at_gate(gate: str) -> dict[str, str]:
    Path(f"{gate}.entered-by-{executor()}").touch()
    while not Path(gate).exists():
        await asyncio.sleep(0.05)
    return {"executor_id": executor()}


@DBOS.workflow()
async def reaper_probe(request: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    probe = ProbeRequest.model_validate(request)
    first = await where_am_i()
    if probe.mode == "park":
        trouble = Trouble(
            error_type="probe-held", title="Held", detail="Waits for the test.",
            business_keys={"label": probe.label},
        )
        outcome = (await park(trouble, flow="reaper-probe")).action
    else:
        outcome = "gate passed on " + (await wait_at_gate(probe.gate))["executor_id"]
    last = await where_am_i()
    return {"started_on": first["executor_id"], "finished_on": last["executor_id"],
            "outcome": outcome}


SPEC = FlowSpec(
    name="reaper-probe",
    title="Reaper probe",
    request_model=ProbeRequest,
    workflow=reaper_probe,
    business_keys=lambda r: {"label": r.label},
    run_key=lambda r: r.label,
)
"""
PROBE_ROUTER = """
from process_apis._runtime.router import flow_router
from process_apis.reaper_probe.flow import SPEC

router = flow_router(SPEC)
"""


def write_probe(root: Path) -> Path:
    """The probe flow as a plugin package under `root` (put on the workers' PYTHONPATH)."""
    package = root / "process_apis" / "reaper_probe"
    (package / "v1").mkdir(parents=True)
    for path, text in {
        "__init__.py": "",
        "manifest.py": PROBE_MANIFEST,
        "flow.py": PROBE_FLOW,
        "v1/__init__.py": "",
        "v1/router.py": PROBE_ROUTER,
    }.items():
        (package / path).write_text(textwrap.dedent(text))
    return root


@pytest.fixture
def cluster(tmp_path: Path, policy_folder: PolicyFolder) -> Iterator[FlowCluster]:
    policy_folder.allow(f"process/{PROBE}/v1", PROBE_SCOPES)
    plugins = write_probe(tmp_path / "plugins")
    with (
        fresh_database() as database_url,
        flow_cluster(
            tmp_path,
            database_url,
            ("a", "b"),
            policy_dir=policy_folder.root,
            plugins=plugins,
            # Only b watches for dead executors, so a reaped ghost proves b's reaper has looked.
            per_worker={"a": {"ATRIUM_FLOWS_REAPER_INTERVAL_S": "3600"}},
        ) as running,
    ):
        yield running


def _dbos_rows(cluster: FlowCluster) -> dict[str, tuple[str, str, int]]:
    """Every probe run DBOS knows: id -> (status, executor id, times dispatched)."""
    rows = cluster.sql(
        "SELECT workflow_uuid, status, executor_id, recovery_attempts FROM dbos.workflow_status"
        " WHERE workflow_uuid LIKE %s",
        (f"{PROBE}:%",),
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def _heartbeats(cluster: FlowCluster) -> set[str]:
    rows = cluster.sql("SELECT executor_id FROM flow_executors")
    return {row[0] for row in rows}


def _add_ghost(cluster: FlowCluster) -> None:
    """An executor that last beat at the epoch: any reaper pass removes it."""
    cluster.sql("INSERT INTO flow_executors (executor_id, last_seen) VALUES ('ghost', 0)")


def _entered(gate: Path) -> set[str]:
    """The executors that entered the probe's gate step (each leaves a marker file)."""
    return {p.name.rsplit("-", 1)[1] for p in gate.parent.glob(f"{gate.name}.entered-by-*")}


async def _run(http: httpx.AsyncClient, run_id: str) -> dict[str, Any]:
    response = await http.get(f"/process/{PROBE}/v1/runs/{run_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _until_status(
    http: httpx.AsyncClient, run_id: str, status: str, timeout_s: float
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        run = await _run(http, run_id)
        if run["status"] == status:
            return run
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{run_id} is {run['status']}, not {status}")
        await asyncio.sleep(0.1)


@pytest.mark.postgres
async def test_runs_of_an_executor_that_never_returns_finish_on_another(
    tmp_path: Path, cluster: FlowCluster
) -> None:
    a, b = cluster.workers["a"], cluster.workers["b"]
    token = await cluster.token(list({s for v in PROBE_SCOPES.values() for s in v}))
    auth = {"Authorization": f"Bearer {token}"}
    gate = tmp_path / "gate"
    async with (
        httpx.AsyncClient(base_url=a.url, headers=auth, timeout=10) as on_a,
        httpx.AsyncClient(base_url=b.url, headers=auth, timeout=10) as on_b,
    ):
        for body in ({"label": "held", "mode": "park"}, {"label": "blocked", "mode": "gate"}):
            started = await on_a.post(f"/process/{PROBE}/v1/runs", json=body | {"gate": str(gate)})
            assert started.status_code == 202, started.text
        held, blocked = f"{PROBE}:held", f"{PROBE}:blocked"
        await _until_status(on_b, held, "parked", timeout_s=20)
        await eventually(lambda: _entered(gate) == {"a"}, "a to enter the step", 20)

        # b's reaper passes while a is alive and beating: a's runs stay where they are,
        # dispatched once.
        before = _dbos_rows(cluster)
        assert before[held][:2] == before[blocked][:2] == ("PENDING", "a")
        _add_ghost(cluster)
        await eventually(lambda: "ghost" not in _heartbeats(cluster), "b's reaper to pass", 20)
        assert _dbos_rows(cluster) == before
        assert _entered(gate) == {"a"}

        a.kill()  # and never restarted
        await eventually(lambda: "b" in _entered(gate), "b to take the step over", 30)
        await eventually(
            lambda: _dbos_rows(cluster)[held][:2] == ("PENDING", "b"), "b to take held", 30
        )
        assert (await _run(on_b, held))["status"] == "parked"

        gate.touch()
        client = DBOSClient(
            system_database_url=cluster.system_database_url, application_name="atrium"
        )
        try:
            resolution = Resolution(action="resume", actor="test", reason="carry on")
            await client.send_async(held, resolution.model_dump(mode="json"), RESOLUTION_TOPIC)
        finally:
            client.destroy()
        finished_held = await _until_status(on_b, held, "succeeded", timeout_s=30)
        finished_blocked = await _until_status(on_b, blocked, "succeeded", timeout_s=30)

    assert finished_held["output"] == {"started_on": "a", "finished_on": "b", "outcome": "resume"}
    assert finished_blocked["output"] == {
        "started_on": "a",
        "finished_on": "b",
        "outcome": "gate passed on b",
    }
    assert "a" not in _heartbeats(cluster), "a's heartbeat row outlived its reaping"
    assert [status for status, _, _ in _dbos_rows(cluster).values()] == ["SUCCESS"] * 2
