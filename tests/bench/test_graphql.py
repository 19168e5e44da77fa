"""bench.graphql: what Q sends, how its answer is checked, and how its figures are summed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench import graphql, hcm
from bench.wrk_output import WrkResult


def _wrk(p50_ms: float, p99_ms: float, requests: int = 10, non_2xx: int = 0) -> WrkResult:
    return WrkResult(requests, 10.0, requests / 10, p50_ms, p50_ms, p99_ms, p99_ms, non_2xx, 0)


def _answer(rows: int, errors: Sequence[object] = ()) -> bytes:
    data = {"utilization": {"rows": [{"key": f"E{n:04}"} for n in range(rows)]}}
    return json.dumps({"data": data, **({"errors": list(errors)} if errors else {})}).encode()


def test_sandbox_ports_follow_the_gateway_order_from_the_base() -> None:
    assert graphql.sandbox_ports(40100) == {
        "xero": 40100,
        "bamboohr": 40101,
        "harvest": 40102,
        "stripe": 40103,
    }


def test_gateway_settings_point_each_system_api_at_its_own_sandbox(tmp_path: Path) -> None:
    settings = graphql.gateway_settings(40100, tmp_path / "rate_limits.yaml")
    assert settings["ATRIUM_START_SANDBOXES"] == "true"
    assert settings["ATRIUM_SANDBOX_PORT_BASE"] == "40100"
    assert settings["ATRIUM_ERP_BASE_URL"] == "http://127.0.0.1:40100"
    assert settings["ATRIUM_HCM_BASE_URL"] == "http://127.0.0.1:40101"
    assert settings["ATRIUM_PSA_BASE_URL"] == "http://127.0.0.1:40102/v2"
    assert settings["ATRIUM_BILLING_BASE_URL"] == "http://127.0.0.1:40103"
    assert settings["ATRIUM_HIRE_TO_ASSIGN_POLL_INTERVAL_S"] == "0"
    assert settings["ATRIUM_LEAVE_SYNC_POLL_INTERVAL_S"] == "0"


def test_scope_is_catalogued_and_includes_what_the_baseline_needs() -> None:
    catalogue = (hcm.POLICY_DIR / "scopes.yaml").read_text()
    scopes = graphql.SCOPE.split()
    assert "hcm.workers:read" in scopes
    assert all(f"  {scope}:" in catalogue for scope in scopes)


def test_lua_string_escapes_quotes_and_backslashes() -> None:
    assert graphql.lua_string('say "hi" \\ bye\n') == '"say \\"hi\\" \\\\ bye\\n"'


def test_wrk_script_posts_the_query_with_the_bearer_token() -> None:
    script = graphql.wrk_script_text("tok.en")
    assert 'wrk.method = "POST"' in script
    assert 'wrk.headers["Authorization"] = "Bearer tok.en"' in script
    body_line = next(line for line in script.splitlines() if line.startswith("wrk.body = "))
    literal = body_line.removeprefix("wrk.body = ")
    # A Lua "..." literal with \" and \\ escapes reads like a JSON string.
    assert json.loads(json.loads(literal)) == {"query": graphql.QUERY}


def test_query_asks_utilization_per_worker_for_the_quarter() -> None:
    assert f'utilization(period: "{graphql.PERIOD}", groupBy: WORKER)' in graphql.QUERY
    assert "capacityHours leaveHours utilization } total { utilization }" in graphql.QUERY


def test_query_problem_accepts_a_row_per_employed_worker() -> None:
    assert graphql.query_problem(200, _answer(197), 197) is None


def test_query_problem_reports_errors_such_as_a_missing_scope() -> None:
    errors = [{"message": "needs psa.time:read", "path": ["utilization"]}]
    problem = graphql.query_problem(200, _answer(197, errors), 197)
    assert problem is not None
    assert problem.startswith("answered errors")
    assert "psa.time:read" in problem


def test_query_problem_reports_a_short_dashboard_or_a_failed_request() -> None:
    assert graphql.query_problem(200, _answer(150), 197) == "answered 150 rows, expected 197"
    assert graphql.query_problem(200, b'{"data": null}', 197) == "answered no rows, expected 197"
    assert graphql.query_problem(429, b"slow down", 197) == "answered 429 b'slow down'"


def test_demo_firm_has_200_workers_and_fewer_employed_in_the_quarter() -> None:
    workers, employed = graphql.demo_firm_workers()
    assert workers == 200
    assert 0 < employed <= workers


def test_probe_sums_vendor_calls() -> None:
    calls = {"xero": 0, "bamboohr": 61, "harvest": 35, "stripe": 0}
    probe = graphql.Probe(calls, 200, 197, 4.2, {"bamboohr": 1})
    assert probe.vendor_calls_total == 96


@pytest.mark.parametrize(
    ("duration_s", "one_query_s", "expected"),
    [(2, 0.3, 10), (30, 0.3, 30), (5, 4.9, 40), (5, 30.0, 60)],
)
def test_query_duration_fits_several_queries_within_bounds(
    duration_s: int, one_query_s: float, expected: int
) -> None:
    assert graphql.query_duration_s(duration_s, one_query_s) == expected


def test_summarize_gives_medians_calls_and_the_ratio_to_one_page() -> None:
    rounds = [
        graphql.DashboardRound(1, _wrk(5000.0, 5600.0), _wrk(100.0, 130.0)),
        graphql.DashboardRound(2, _wrk(4000.0, 4400.0), _wrk(80.0, 90.0)),
        graphql.DashboardRound(3, _wrk(4500.0, 5000.0), _wrk(90.0, 120.0)),
    ]
    probe = graphql.Probe({"bamboohr": 61, "harvest": 35}, 200, 197, 4.2, {"bamboohr": 2})
    section = graphql.summarize(rounds, probe, duration_s=5, query_s=40)
    assert section["p50_ms"] == 4500.0
    assert section["p99_ms"] == 5000.0
    assert section["baseline_p50_ms"] == 90.0
    assert section["ratio_p50_vs_one_page"] == pytest.approx(50.0)
    assert section["vendor_calls"] == {"bamboohr": 61, "harvest": 35}
    assert section["vendor_calls_total"] == 96
    assert section["baseline_vendor_calls_total"] == 2
    assert (section["workers"], section["rows"]) == (200, 197)
    assert section["duration_s"] == {"Q": 40, "W": 5}
    assert [r["round"] for r in section["rounds"]] == [1, 2, 3]


def test_problems_flag_failed_responses_and_too_few_queries() -> None:
    rounds = [
        graphql.DashboardRound(1, _wrk(5000.0, 5600.0, requests=2), _wrk(90.0, 99.0)),
        graphql.DashboardRound(2, _wrk(5000.0, 5600.0), _wrk(90.0, 99.0, non_2xx=3)),
    ]
    assert graphql.problems(rounds) == [
        "round 1 Q c=1: only 2 requests",
        "round 2 W c=1: 3 non-2xx, 0 socket errors of 10 requests",
    ]
