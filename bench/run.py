"""`python -m bench.run`: D, N, G, G+, S/H (one HCM worker) and Q/W (GraphQL), interleaved.

D is the upstream nginx directly, N an nginx proxy, G Atrium, G+ Atrium with every policy
on; S is one Get Employee on the BambooHR sandbox, H the same worker through
`/system/hcm/v1` (bench/hcm.py). Each round runs, for every scenario in turn, wrk at
concurrency 1 (latency) and at 64 (saturation, with the servers' CPU time per request).
Q, the utilization dashboard over GraphQL, and W, one REST page of workers on the same
gateway, close each round at concurrency 1 only (bench/graphql.py).
The figures are medians over rounds; see bench/results/latest.json for every raw number.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from bench import gateway_plus, graphql, hcm, report
from bench.errors import BenchError
from bench.gateway import LOG_LEVEL, PROXIED_PATH, gateway_command, gateway_env, write_plugin
from bench.machine import REQUIRED_CORES, machine_info, usable_cores
from bench.nginx import UPSTREAM_BODY, nginx_command, proxy_config, upstream_config
from bench.processes import (
    START_TIMEOUT_S,
    Server,
    free_port_run,
    free_ports,
    http_get,
    running,
)
from bench.scenarios import (
    LATENCY_CONNECTIONS,
    SATURATION_CONNECTIONS,
    WARM_UP_S,
    RoundResult,
    Scenario,
    measure,
    warm_up,
)
from bench.toolchain import ensure_tools
from bench.wrk import WRK_CORE

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "bench" / "results"
SERVER_CORE = 1
# The GraphQL gateway starts and seeds four sandboxes before it answers.
DASHBOARD_START_TIMEOUT_S = 90.0
UPSTREAM_PATH = "/anything"
NOTES = (
    f"Atrium runs with ATRIUM_LOG_LEVEL={LOG_LEVEL}, so its per-request INFO access log "
    "line is not written: this measures the proxy path.",
    "Upstream nginx, nginx proxy and Atrium all share the server core; wrk has the other.",
    "nginx keepalive_requests is raised so no scenario reconnects every 1000 requests.",
    "CPU us/request: utime+stime from /proc (clock-tick resolution) over the c=64 run, "
    "divided by the requests wrk completed. 'with_upstream' adds the upstream nginx.",
    "G is bare: its proxied path is public (no token), it has no Redis (rate limit counted "
    "in memory) and logs at WARNING.",
    "G+ has every policy on: JWT verification, a generous Redis moving-window rate limit "
    "(private redis-server on the server core; its CPU is not counted), a POST with a new "
    "Idempotency-Key per request (claimed and stored in SQLite), and the INFO access log.",
    "G+ keys are new in every wrk run too (each run draws a random key prefix): results "
    "before 2026-11-22T21 reused one prefix in every run, so after the warm-up G+ mostly "
    "measured replays (no upstream call, no stored response).",
    "No gateway starts the vendor sandboxes of the embedded profile "
    "(ATRIUM_START_SANDBOXES=false).",
    "S: GET /api/v1/employees/{id} on the BambooHR sandbox with HTTP Basic (demo API key) "
    "and the HCM connector's field list; GET /system/hcm/v1/workers/{id} makes exactly this "
    "one vendor call. The sandbox's own rate limit is switched off "
    '(PUT /_sandbox/limits {"enabled": false}), else wrk would get 429s.',
    "H: the same worker through Atrium (JWT with hcm.workers:read, generous in-memory rate "
    "limit tier, outbound BambooHR quota lifted, WARNING log); the sandbox shares the "
    "server core. 'with_upstream' for H adds the sandbox's CPU.",
    f"Q: POST /graphql {graphql.QUERY} on an Atrium that starts its own four sandboxes "
    "(a child process, so on the server core too) seeded with the demo firm (200 workers; "
    f"{graphql.PERIOD} has a row for each worker employed in it), every limit lifted: "
    "generous inbound tier, outbound vendor quotas raised, each sandbox's own limit off, "
    "HCM pollers off, WARNING log; JWT with the five read scopes the query needs.",
    f"W, Q's baseline: GET {graphql.BASELINE_PATH} on the same gateway, same token. Q and "
    "W run at c=1 only, each round after the other scenarios; the ratio Q p50 / W p50 is "
    "'a utilization dashboard costs N one-page REST reads'.",
    "Q's wrk duration is its own: enough for "
    f"{graphql.QUERY_SAMPLES} queries at the pace of one timed by hand, at least the run's "
    f"duration and {graphql.MIN_QUERY_DURATION_S} s, at most "
    f"{graphql.MAX_QUERY_DURATION_S} s (one Q takes seconds); W uses the run's duration. "
    "With so few samples Q's p99 is close to its maximum.",
    "Q's vendor calls: each sandbox's GET /_sandbox/stats after DELETE /_sandbox/stats and "
    "exactly one Q by hand (before the measured runs); W's likewise.",
)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    # Turn SIGTERM into SystemExit so the `finally` blocks stop the servers.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        run(rounds=args.rounds, duration_s=args.duration)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130
    return 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--rounds", type=_positive, default=3, help="rounds (default 3)")
    parser.add_argument(
        "--duration", type=_positive, default=5, help="seconds per wrk run (default 5)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 2 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.duration = 1, 2
    return args


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def run(*, rounds: int, duration_s: int) -> None:
    ensure_tools()
    if not usable_cores() >= REQUIRED_CORES:
        raise BenchError(f"needs cores {sorted(REQUIRED_CORES)}; usable: {sorted(usable_cores())}")
    started = datetime.now(UTC)
    with ExitStack() as stack:
        # Registered first, so it is removed after every server has stopped.
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atrium-bench-")))
        scenarios = _start_servers(stack, tmp)
        dashboard = _start_dashboard(stack, tmp)
        print("probing Q (one utilization dashboard) and W ...", flush=True)
        probe = graphql.probe(dashboard)
        query_s = graphql.query_duration_s(duration_s, probe.seconds)
        results, dashboard_rounds = _measure(scenarios, dashboard, rounds, duration_s, query_s)
    document = _document(scenarios, results, rounds, duration_s, started)
    document["graphql"] = graphql.summarize(
        dashboard_rounds, probe, duration_s=duration_s, query_s=query_s
    )
    document["problems"] += graphql.problems(dashboard_rounds)
    header = (
        f"Atrium bench: medians of {rounds} round(s), {duration_s} s per wrk run "
        f"({query_s} s for Q); servers on core {SERVER_CORE}, wrk on core {WRK_CORE}"
    )
    print(report.render({s.key: s.title for s in scenarios}, document, header))
    path = report.write_results(document, RESULTS_DIR, started)
    print(f"\nwrote {path.relative_to(REPO)} and {RESULTS_DIR.relative_to(REPO)}/latest.json")


def _start_servers(stack: ExitStack, tmp: Path) -> list[Scenario]:
    """Upstream, nginx proxy and Atrium, each answering; stopped when `stack` closes."""
    upstream_port, proxy_port, gateway_port, plus_port, redis_port = free_ports(5)
    print("starting upstream nginx, nginx proxy, Redis and Atrium (G, G+, H) ...", flush=True)
    upstream = stack.enter_context(
        _nginx("upstream nginx", tmp / "upstream", upstream_port, upstream_config)
    )
    proxy = stack.enter_context(
        _nginx(
            "nginx proxy",
            tmp / "proxy",
            proxy_port,
            lambda prefix, port: proxy_config(prefix, port, upstream_port),
        )
    )
    plugins = write_plugin(tmp, upstream_port)
    bare = {"ATRIUM_POLICY_DIR": str(gateway_plus.write_policies(tmp, public_proxy=True))}
    gateway = stack.enter_context(_gateway(tmp, "gateway", gateway_port, plugins, bare))
    redis_url = stack.enter_context(gateway_plus.redis_server(SERVER_CORE, redis_port))
    plus_settings = {
        "ATRIUM_POLICY_DIR": str(gateway_plus.write_policies(tmp, public_proxy=False)),
        "ATRIUM_REDIS_URL": redis_url,
        "ATRIUM_LOG_LEVEL": "INFO",
        "ATRIUM_ACCESS_TOKEN_TTL_S": "900",
    }
    plus = stack.enter_context(_gateway(tmp, "gateway-plus", plus_port, plugins, plus_settings))
    token = gateway_plus.issue_token(
        _atrium(), gateway_env(plugins, plus_settings), tmp / "gateway-plus", plus_port
    )
    script = gateway_plus.wrk_script(tmp, token)
    scenarios = [
        _scenario("D", "direct", upstream, UPSTREAM_PATH, serving=(upstream,)),
        _scenario("N", "nginx proxy", proxy, UPSTREAM_PATH, serving=(proxy,), upstream=upstream),
        _scenario("G", "Atrium", gateway, PROXIED_PATH, serving=(gateway,), upstream=upstream),
    ]
    for scenario in scenarios:
        _verify(scenario)
    status, body = gateway_plus.verify_post(plus_port, PROXIED_PATH, token)
    if status != 200 or body != UPSTREAM_BODY.encode():
        raise BenchError(f"G+ POST {PROXIED_PATH} answered {status} {body[:200]!r}")
    plus_scenario = _scenario(
        "G+", "Atrium, all policies", plus, PROXIED_PATH, serving=(plus,), upstream=upstream
    )
    plus_scenario = replace(plus_scenario, wrk_args=("-s", str(script)))
    return [*scenarios, plus_scenario, *_hcm_scenarios(stack, tmp)]


def _hcm_scenarios(stack: ExitStack, tmp: Path) -> list[Scenario]:
    """S (the BambooHR sandbox) and H (one worker through Atrium), both verified."""
    sandbox_port, gateway_port = free_ports(2)
    sandbox = stack.enter_context(
        running(
            "BambooHR sandbox",
            hcm.sandbox_command(sandbox_port, tmp / "sandbox-data"),
            core=SERVER_CORE,
            port=sandbox_port,
            ready_path=hcm.SANDBOX_READY_PATH,
            log_path=tmp / "sandbox.log",
            cwd=REPO,
        )
    )
    employee_id = hcm.prepare_sandbox(sandbox_port)
    (tmp / "policies-hcm").mkdir()
    limits = gateway_plus.write_rate_limits(tmp / "policies-hcm")
    settings = hcm.gateway_settings(sandbox_port, limits)
    gateway = stack.enter_context(_gateway(tmp, "gateway-hcm", gateway_port, None, settings))
    token = gateway_plus.issue_token(
        _atrium(),
        gateway_env(None, settings),
        tmp / "gateway-hcm",
        gateway_port,
        scope=hcm.SCOPE,
    )
    vendor_path, worker_path = hcm.employee_path(employee_id), hcm.worker_path(employee_id)
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    hcm.verify(sandbox_port, vendor_path, hcm.vendor_headers(), employee_id, "S")
    hcm.verify(gateway_port, worker_path, bearer, employee_id, "H")
    direct = _scenario("S", "BambooHR sandbox", sandbox, vendor_path, serving=(sandbox,))
    through = _scenario(
        "H", "Atrium HCM worker", gateway, worker_path, serving=(gateway,), upstream=sandbox
    )
    return [
        replace(direct, wrk_args=hcm.wrk_header_args(hcm.vendor_headers())),
        replace(through, wrk_args=hcm.wrk_header_args(bearer)),
    ]


def _start_dashboard(stack: ExitStack, tmp: Path) -> graphql.Dashboard:
    """Atrium with its own four sandboxes, every limit lifted, and a token for Q and W."""
    *sandbox_ports, gateway_port = free_port_run(len(graphql.VENDORS) + 1)
    print(f"starting Atrium with its sandboxes (Q, W) from port {sandbox_ports[0]} ...", flush=True)
    (tmp / "policies-graphql").mkdir()
    limits = gateway_plus.write_rate_limits(tmp / "policies-graphql")
    settings = graphql.gateway_settings(sandbox_ports[0], limits)
    gateway = stack.enter_context(
        _gateway(
            tmp,
            "gateway-graphql",
            gateway_port,
            None,
            settings,
            start_timeout_s=DASHBOARD_START_TIMEOUT_S,
        )
    )
    ports = graphql.sandbox_ports(sandbox_ports[0])
    graphql.lift_sandbox_limits(ports)
    token = gateway_plus.issue_token(
        _atrium(),
        gateway_env(None, settings),
        tmp / "gateway-graphql",
        gateway_port,
        scope=graphql.SCOPE,
    )
    return graphql.Dashboard(gateway, ports, token, graphql.write_wrk_script(tmp, token))


def _nginx(
    name: str, prefix: Path, port: int, config: Callable[[Path, int], str]
) -> AbstractContextManager[Server]:
    command = nginx_command(prefix, config(prefix, port))
    return running(
        name,
        command,
        core=SERVER_CORE,
        port=port,
        ready_path="/",
        log_path=prefix / "logs" / "stdout.log",
    )


def _gateway(
    tmp: Path,
    name: str,
    port: int,
    plugins: Path | None,
    settings: dict[str, str],
    *,
    start_timeout_s: float = START_TIMEOUT_S,
) -> AbstractContextManager[Server]:
    # Atrium keeps its data in ./var: give it a throwaway working directory.
    cwd = tmp / name
    cwd.mkdir()
    return running(
        f"Atrium {name}",
        gateway_command(port),
        core=SERVER_CORE,
        port=port,
        ready_path="/livez",
        log_path=tmp / f"{name}.log",
        cwd=cwd,
        env=gateway_env(plugins, settings),
        start_timeout_s=start_timeout_s,
    )


def _atrium() -> Path:
    return Path(gateway_command(0)[0])


def _scenario(
    key: str,
    title: str,
    server: Server,
    path: str,
    *,
    serving: tuple[Server, ...],
    upstream: Server | None = None,
) -> Scenario:
    groups = {"serving": serving}
    if upstream is not None:
        groups["with_upstream"] = (*serving, upstream)
    return Scenario(key, title, server, path, groups)


def _verify(scenario: Scenario) -> None:
    """One request by hand, so we never benchmark an error page."""
    status, body = http_get(scenario.server.port, scenario.path)
    if status != 200 or body != UPSTREAM_BODY.encode():
        raise BenchError(f"{scenario.key} {scenario.url} answered {status} {body[:200]!r}")


def _measure(
    scenarios: list[Scenario],
    dashboard: graphql.Dashboard,
    rounds: int,
    duration_s: int,
    query_s: int,
) -> tuple[list[RoundResult], list[graphql.DashboardRound]]:
    for scenario in scenarios:
        warm_up(scenario)
    results, dashboard_rounds = [], []
    for round_no in range(1, rounds + 1):
        for scenario in scenarios:
            print(f"round {round_no}/{rounds}: {scenario.key} {scenario.title}", flush=True)
            results.append(measure(scenario, round_no, duration_s))
        print(f"round {round_no}/{rounds}: W, then Q (utilization dashboard)", flush=True)
        dashboard_rounds.append(graphql.measure(dashboard, round_no, duration_s, query_s))
    return results, dashboard_rounds


def _document(
    scenarios: list[Scenario],
    results: list[RoundResult],
    rounds: int,
    duration_s: int,
    started: datetime,
) -> dict[str, Any]:
    median = report.medians(results)
    compared = report.comparisons(median)
    return {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine_info(REPO),
        "parameters": _parameters(rounds, duration_s),
        "scenarios": {s.key: _describe(s) for s in scenarios},
        "rounds": [r.as_dict() for r in results],
        "medians": median,
        "comparisons": compared,
        "targets": report.targets(compared),
        "problems": report.problems(results),
    }


def _parameters(rounds: int, duration_s: int) -> dict[str, Any]:
    return {
        "rounds": rounds,
        "duration_s": duration_s,
        "warm_up_s": WARM_UP_S,
        "wrk_threads": 1,
        "connections": {"latency": LATENCY_CONNECTIONS, "saturation": SATURATION_CONNECTIONS},
        "cores": {"wrk": WRK_CORE, "servers": SERVER_CORE},
        "gateway_log_level": LOG_LEVEL,
        "notes": list(NOTES),
    }


def _describe(scenario: Scenario) -> dict[str, Any]:
    return {
        "title": scenario.title,
        "url": scenario.url,
        "cpu_accounting": {
            label: [s.name for s in group] for label, group in scenario.cpu_groups.items()
        },
    }


if __name__ == "__main__":
    raise SystemExit(main())
