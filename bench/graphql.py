"""Scenario Q: the utilization dashboard over GraphQL, beside W, one REST page of workers.

Q is `POST /graphql` asking for the utilization of every worker of the demo firm (200) over
a quarter; W is `GET /system/hcm/v1/workers?limit=100` on the same gateway with the same
token. Both are measured at concurrency 1 and reported as a ratio of p50s ("a dashboard
costs N one-page REST reads"), never as absolute figures to meet.

The gateway starts its own four vendor sandboxes (seeded with the demo firm) on free ports,
with every limit lifted: a generous inbound tier, the outbound vendor quotas, and each
sandbox's own limit. Its HCM pollers are off, so the sandboxes see only what Q and W ask.
The vendor calls of one Q are read from the sandboxes' `/_sandbox/stats`.

One Q takes seconds on the shared server core (dozens of vendor calls, the slowest
computing availability per org unit), so Q gets its own wrk duration: long enough for
QUERY_SAMPLES queries at the pace of the probe's, at least the run's duration and
MIN_QUERY_DURATION_S, at most MAX_QUERY_DURATION_S.
"""

from __future__ import annotations

import json
import math
import statistics
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.errors import BenchError
from bench.gateway_plus import http_request
from bench.hcm import OUTBOUND_RATE_LIMITS, POLICY_DIR, wrk_header_args
from bench.processes import LOOPBACK, Server
from bench.wrk import run_wrk
from bench.wrk_output import WrkResult

# The order in which `atrium serve` gives the sandboxes ports from its port base.
VENDORS = ("xero", "bamboohr", "harvest", "stripe")
PERIOD = "2026-Q3"
PERIOD_DAYS = (date(2026, 7, 1), date(2026, 9, 30))
QUERY = (
    f'{{ utilization(period: "{PERIOD}", groupBy: WORKER) {{ rows {{ key billableHours '
    "nonBillableHours capacityHours leaveHours utilization } total { utilization } } }"
)
# Utilization reads HCM workers, org units and availability and PSA resources and time
# entries; W needs hcm.workers:read, already among them.
SCOPE = "hcm.workers:read hcm.org:read hcm.leave:read psa.resources:read psa.time:read"
GRAPHQL_PATH = "/graphql"
BASELINE_PATH = "/system/hcm/v1/workers?limit=100"
BASELINE_ROWS = 100
QUERY_SAMPLES = 8
MIN_QUERY_DURATION_S = 10
MAX_QUERY_DURATION_S = 60
# wrk's default 2 s request timeout would count a slow Q as an error, not as latency.
QUERY_TIMEOUT = "30s"
_JSON_CONTENT = {"Content-Type": "application/json"}

_WRK_SCRIPT = """\
-- Q: the utilization dashboard, POSTed to /graphql with a bearer token.
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = {authorization}
"""


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The gateway serving Q and W, its sandboxes' ports, and what wrk sends."""

    gateway: Server
    sandbox_ports: Mapping[str, int]
    token: str
    script: Path

    @property
    def query_url(self) -> str:
        return f"http://{LOOPBACK}:{self.gateway.port}{GRAPHQL_PATH}"

    @property
    def baseline_url(self) -> str:
        return f"http://{LOOPBACK}:{self.gateway.port}{BASELINE_PATH}"

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}


@dataclass(frozen=True, slots=True)
class DashboardRound:
    """One round: Q and W, each a wrk run at concurrency 1."""

    round: int
    query: WrkResult
    baseline: WrkResult

    def as_dict(self) -> dict[str, Any]:
        return {"round": self.round, "Q": self.query.as_dict(), "W": self.baseline.as_dict()}


def sandbox_ports(port_base: int) -> dict[str, int]:
    """Each vendor's port when `atrium serve` starts the sandboxes from `port_base`."""
    return {vendor: port_base + offset for offset, vendor in enumerate(VENDORS)}


def gateway_settings(port_base: int, rate_limits_file: Path) -> dict[str, str]:
    """ATRIUM_* settings for Q and W: own sandboxes, every quota lifted, no pollers."""
    ports = sandbox_ports(port_base)
    return {
        "ATRIUM_POLICY_DIR": str(POLICY_DIR),
        "ATRIUM_RATE_LIMITS_FILE": str(rate_limits_file),
        "ATRIUM_ACCESS_TOKEN_TTL_S": "900",
        "ATRIUM_START_SANDBOXES": "true",
        "ATRIUM_SANDBOX_PORT_BASE": str(port_base),
        "ATRIUM_ERP_BASE_URL": f"http://{LOOPBACK}:{ports['xero']}",
        "ATRIUM_HCM_BASE_URL": f"http://{LOOPBACK}:{ports['bamboohr']}",
        "ATRIUM_PSA_BASE_URL": f"http://{LOOPBACK}:{ports['harvest']}/v2",
        "ATRIUM_BILLING_BASE_URL": f"http://{LOOPBACK}:{ports['stripe']}",
        "ATRIUM_HCM_RATE_LIMITS": OUTBOUND_RATE_LIMITS,
        "ATRIUM_PSA_RATE_LIMITS": OUTBOUND_RATE_LIMITS,
        "ATRIUM_ERP_TENANT_LIMITS": "1000000/minute",
        "ATRIUM_BILLING_RATE_LIMIT": "1000000/second",
        "ATRIUM_HIRE_TO_ASSIGN_POLL_INTERVAL_S": "0",
        "ATRIUM_LEAVE_SYNC_POLL_INTERVAL_S": "0",
    }


def request_body() -> str:
    return json.dumps({"query": QUERY})


def lua_string(text: str) -> str:
    """`text` as a double-quoted Lua string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def wrk_script_text(token: str) -> str:
    return _WRK_SCRIPT.format(
        body=lua_string(request_body()), authorization=lua_string(f"Bearer {token}")
    )


def write_wrk_script(root: Path, token: str) -> Path:
    path = root / f"graphql-{uuid.uuid4().hex[:8]}.lua"
    path.write_text(wrk_script_text(token))
    return path


def lift_sandbox_limits(ports: Mapping[str, int]) -> None:
    """Switch off each sandbox's own rate limit (404: that vendor has none)."""
    for vendor, port in ports.items():
        status, body = http_request(
            port, "PUT", "/_sandbox/limits", '{"enabled": false}', _JSON_CONTENT
        )
        if status == 404:
            continue
        if status != 200 or json.loads(body) != {"enabled": False}:
            raise BenchError(f"{vendor} PUT /_sandbox/limits answered {status} {body[:200]!r}")


def reset_stats(ports: Mapping[str, int]) -> None:
    for vendor, port in ports.items():
        status, body = http_request(port, "DELETE", "/_sandbox/stats", "", {})
        if status != 204:
            raise BenchError(f"{vendor} DELETE /_sandbox/stats answered {status} {body[:200]!r}")


def read_stats(ports: Mapping[str, int]) -> dict[str, int]:
    """Vendor requests each sandbox has served since its stats were zeroed."""
    counts = {}
    for vendor, port in ports.items():
        status, body = http_request(port, "GET", "/_sandbox/stats", "", {})
        if status != 200:
            raise BenchError(f"{vendor} GET /_sandbox/stats answered {status} {body[:200]!r}")
        counts[vendor] = int(json.loads(body)["requests"])
    return counts


@dataclass(frozen=True, slots=True)
class Probe:
    """One Q by hand: its vendor calls, its rows (of `workers`), its time; and W's calls."""

    vendor_calls: Mapping[str, int]
    workers: int
    rows: int
    seconds: float
    baseline_vendor_calls: Mapping[str, int]

    @property
    def vendor_calls_total(self) -> int:
        return sum(self.vendor_calls.values())


def demo_firm_workers() -> tuple[int, int]:
    """The demo firm's headcount, and how many of them were employed during PERIOD."""
    # The sandboxes seed from this firm; the gateway never imports it, the harness may.
    from sandboxes.demo_firm import build_demo_firm  # noqa: PLC0415

    workers = build_demo_firm().workers
    start, end = PERIOD_DAYS
    employed = [
        w
        for w in workers
        if w.hire_date <= end and (w.termination_date is None or w.termination_date >= start)
    ]
    return len(workers), len(employed)


def post_query(dashboard: Dashboard, expected_rows: int) -> None:
    """One Q by hand, as wrk sends it: no error, and a row per worker employed in PERIOD."""
    headers = {**dashboard.bearer(), "Content-Type": "application/json"}
    status, body = http_request(
        dashboard.gateway.port, "POST", GRAPHQL_PATH, request_body(), headers, timeout_s=60
    )
    problem = query_problem(status, body, expected_rows)
    if problem is not None:
        raise BenchError(f"Q POST {GRAPHQL_PATH}: {problem}")


def query_problem(status: int, body: bytes, expected_rows: int) -> str | None:
    """Why a Q response is not the whole dashboard, or None if it is."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if status != 200 or not isinstance(document, dict):
        return f"answered {status} {body[:300]!r}"
    if document.get("errors"):
        return f"answered errors {json.dumps(document['errors'])[:500]}"
    rows = ((document.get("data") or {}).get("utilization") or {}).get("rows")
    if not isinstance(rows, list) or len(rows) != expected_rows:
        found = len(rows) if isinstance(rows, list) else "no"
        return f"answered {found} rows, expected {expected_rows}"
    return None


def verify_baseline(dashboard: Dashboard) -> None:
    """One W by hand: a page of exactly BASELINE_ROWS workers."""
    status, body = http_request(
        dashboard.gateway.port, "GET", BASELINE_PATH, "", dashboard.bearer(), timeout_s=30
    )
    try:
        items = json.loads(body).get("items") if status == 200 else None
    except ValueError:
        items = None
    if not isinstance(items, list) or len(items) != BASELINE_ROWS:
        raise BenchError(f"W GET {BASELINE_PATH} answered {status} {body[:300]!r}")


def probe(dashboard: Dashboard) -> Probe:
    """Check Q and W by hand, counting the vendor calls of each (and timing Q)."""
    workers, rows = demo_firm_workers()
    post_query(dashboard, rows)
    ports = dashboard.sandbox_ports
    reset_stats(ports)
    verify_baseline(dashboard)
    baseline_calls = read_stats(ports)
    reset_stats(ports)
    started = time.monotonic()
    post_query(dashboard, rows)
    seconds = time.monotonic() - started
    return Probe(read_stats(ports), workers, rows, seconds, baseline_calls)


def query_duration_s(duration_s: int, one_query_s: float) -> int:
    """wrk's duration for Q: QUERY_SAMPLES queries at the probe's pace, within bounds."""
    wanted = max(duration_s, MIN_QUERY_DURATION_S, math.ceil(QUERY_SAMPLES * one_query_s))
    return min(wanted, MAX_QUERY_DURATION_S)


def measure(dashboard: Dashboard, round_no: int, duration_s: int, query_s: int) -> DashboardRound:
    """W for `duration_s`, then Q for `query_s`, both at concurrency 1."""
    baseline = run_wrk(
        dashboard.baseline_url,
        connections=1,
        duration_s=duration_s,
        latency=True,
        extra=wrk_header_args(dashboard.bearer()),
    )
    query = run_wrk(
        dashboard.query_url,
        connections=1,
        duration_s=query_s,
        latency=True,
        extra=("--timeout", QUERY_TIMEOUT, "-s", str(dashboard.script)),
    )
    return DashboardRound(round_no, query, baseline)


def summarize(
    rounds: Sequence[DashboardRound], found: Probe, *, duration_s: int, query_s: int
) -> dict[str, Any]:
    """The document's `graphql` section: medians over rounds, one Q's calls, the ratio."""
    p50 = _median([r.query.p50_ms for r in rounds])
    baseline_p50 = _median([r.baseline.p50_ms for r in rounds])
    return {
        "query": QUERY,
        "period": PERIOD,
        "workers": found.workers,
        "rows": found.rows,
        "p50_ms": p50,
        "p99_ms": _median([r.query.p99_ms for r in rounds]),
        "vendor_calls": dict(found.vendor_calls),
        "vendor_calls_total": found.vendor_calls_total,
        "baseline": f"GET {BASELINE_PATH}",
        "baseline_vendor_calls_total": sum(found.baseline_vendor_calls.values()),
        "baseline_p50_ms": baseline_p50,
        "baseline_p99_ms": _median([r.baseline.p99_ms for r in rounds]),
        "ratio_p50_vs_one_page": p50 / baseline_p50,
        "duration_s": {"Q": query_s, "W": duration_s},
        "probe_query_s": found.seconds,
        "rounds": [r.as_dict() for r in rounds],
    }


def problems(rounds: Sequence[DashboardRound]) -> list[str]:
    """Runs whose numbers are suspect: failed responses, or too few Qs for a p50."""
    found = []
    for result in rounds:
        for key, run in (("Q", result.query), ("W", result.baseline)):
            if run.non_2xx or run.socket_errors:
                found.append(
                    f"round {result.round} {key} c=1: {run.non_2xx} non-2xx, "
                    f"{run.socket_errors} socket errors of {run.requests} requests"
                )
        if result.query.requests < QUERY_SAMPLES // 2:
            found.append(f"round {result.round} Q c=1: only {result.query.requests} requests")
    return found


def _median(values: Sequence[float | None]) -> float:
    present = [v for v in values if v is not None]
    if not present:
        raise BenchError("wrk reported no latency percentiles for the GraphQL scenario")
    return statistics.median(present)
