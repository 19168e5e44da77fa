"""bench.report: the H/S and Q/W comparisons, in the JSON document and the printed table."""

from __future__ import annotations

import pytest

from bench import report

_BASE = {"p50_ms": 1.0, "p99_ms": 2.0, "rps_c1": 900.0, "rps_c64": 1000.0}


def _medians() -> dict[str, dict[str, float]]:
    plain = {**_BASE, "cpu_us_per_req": 1000.0}
    upstream = {**plain, "cpu_us_per_req_with_upstream": 1010.0}
    return {
        "D": {**_BASE, "p50_ms": 0.02, "rps_c64": 70000.0, "cpu_us_per_req": 5.0},
        "N": {**upstream, "p50_ms": 0.05, "rps_c64": 30000.0},
        "G": upstream,
        "S": {**plain, "p50_ms": 1.25, "rps_c64": 800.0, "cpu_us_per_req": 1200.0},
        "H": {
            **plain,
            "p50_ms": 5.0,
            "rps_c64": 200.0,
            "cpu_us_per_req": 4800.0,
            "cpu_us_per_req_with_upstream": 6000.0,
        },
    }


def test_comparisons_give_h_over_s_for_p50_and_saturation() -> None:
    hcm = report.comparisons(_medians())["hcm_worker_H_over_S"]
    assert hcm["p50_ratio_c1"] == pytest.approx(4.0)
    assert hcm["p50_added_ms_c1"] == pytest.approx(3.75)
    assert hcm["rps_ratio_c64"] == pytest.approx(0.25)
    assert hcm["cpu_us_per_req_H_with_sandbox"] == 6000.0


def test_comparisons_leave_h_over_s_out_without_those_scenarios() -> None:
    median = {k: v for k, v in _medians().items() if k not in ("S", "H")}
    assert "hcm_worker_H_over_S" not in report.comparisons(median)


def test_render_prints_the_h_over_s_ratios() -> None:
    median = _medians()
    compared = report.comparisons(median)
    document = {
        "medians": median,
        "comparisons": compared,
        "targets": report.targets(compared),
        "problems": [],
    }
    titles = {"D": "direct", "N": "nginx", "G": "Atrium", "S": "sandbox", "H": "HCM worker"}
    text = report.render(titles, document, "header")
    assert "p50 c=1 x4.00 (+3.750 ms), req/s c=64 x0.250" in text
    assert "CPU µs/req S 1200.0, H 4800.0 (H + sandbox 6000.0)" in text


def _graphql_section() -> dict[str, object]:
    return {
        "period": "2026-Q3",
        "workers": 200,
        "rows": 197,
        "p50_ms": 4512.34,
        "p99_ms": 5003.0,
        "vendor_calls": {"xero": 0, "bamboohr": 61, "harvest": 35, "stripe": 0},
        "vendor_calls_total": 96,
        "baseline": "GET /system/hcm/v1/workers?limit=100",
        "baseline_p50_ms": 90.0,
        "baseline_p99_ms": 120.0,
        "baseline_vendor_calls_total": 1,
        "ratio_p50_vs_one_page": 50.137,
    }


def test_graphql_lines_give_q_w_the_ratio_and_the_vendor_calls() -> None:
    text = "\n".join(report.graphql_lines(_graphql_section()))
    assert "(200 workers, 2026-Q3, 197 rows), c=1: p50 4512.3 ms, p99 5003.0 ms" in text
    assert (
        "W GET /system/hcm/v1/workers?limit=100, c=1: p50 90.0 ms, p99 120.0 ms (1 vendor call(s))"
        in text
    )
    assert "a utilization dashboard costs 50.1 one-page REST reads" in text
    assert "vendor calls per Q: 96 (bamboohr 61, harvest 35, stripe 0, xero 0)" in text


def test_render_adds_the_graphql_lines_only_when_the_document_has_them() -> None:
    median = _medians()
    compared = report.comparisons(median)
    document = {
        "medians": median,
        "comparisons": compared,
        "targets": report.targets(compared),
        "problems": [],
    }
    titles = {"D": "direct", "N": "nginx", "G": "Atrium"}
    assert "vendor calls per Q" not in report.render(titles, document, "header")
    document["graphql"] = _graphql_section()
    assert "vendor calls per Q: 96" in report.render(titles, document, "header")
