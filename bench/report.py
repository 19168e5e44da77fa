"""Medians across rounds, the D/N/G/G+, H/S and Q/W comparisons, the table and the JSON file."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.scenarios import RoundResult

# The target: "G adds <= 1.5 ms at p50 over D at concurrency 1".
G_P50_ADDED_MS_MAX = 1.5
# Issue 4: "G+ adds <= 1.0 ms at p50 over G at concurrency 1".
GPLUS_P50_ADDED_MS_MAX = 1.0

_METRICS: dict[str, Callable[[RoundResult], float | None]] = {
    "p50_ms": lambda r: r.latency.p50_ms,
    "p99_ms": lambda r: r.latency.p99_ms,
    "rps_c1": lambda r: r.latency.requests_per_s,
    "rps_c64": lambda r: r.saturation.requests_per_s,
    "cpu_us_per_req": lambda r: r.cpu_us_per_request.get("serving"),
    "cpu_us_per_req_with_upstream": lambda r: r.cpu_us_per_request.get("with_upstream"),
}


def medians(results: Sequence[RoundResult]) -> dict[str, dict[str, float]]:
    """Per scenario, the median over rounds of every metric the scenario has."""
    table: dict[str, dict[str, float]] = {}
    for key in dict.fromkeys(r.scenario for r in results):
        rounds = [r for r in results if r.scenario == key]
        table[key] = {}
        for metric, read in _METRICS.items():
            values = [v for v in map(read, rounds) if v is not None]
            if values:
                table[key][metric] = statistics.median(values)
    return table


def comparisons(median: dict[str, dict[str, float]]) -> dict[str, Any]:
    def added(key: str, base: str = "D") -> dict[str, float]:
        return {p: median[key][f"{p}_ms"] - median[base][f"{p}_ms"] for p in ("p50", "p99")}

    def ratio(top: str, bottom: str) -> float:
        return median[top]["rps_c64"] / median[bottom]["rps_c64"]

    compared: dict[str, Any] = {
        "added_latency_ms_c1": {"G_minus_D": added("G"), "N_minus_D": added("N")},
        "saturation_rps_ratio_c64": {
            "G_over_D": ratio("G", "D"),
            "G_over_N": ratio("G", "N"),
            "N_over_D": ratio("N", "D"),
        },
    }
    if "G+" in median:
        compared["added_latency_ms_c1"]["Gplus_minus_G"] = added("G+", "G")
        compared["saturation_rps_ratio_c64"]["Gplus_over_N"] = ratio("G+", "N")
        compared["saturation_rps_ratio_c64"]["Gplus_over_G"] = ratio("G+", "G")
        compared["cpu_us_per_req_c64"] = {key: median[key]["cpu_us_per_req"] for key in ("G", "G+")}
    if "H" in median and "S" in median:
        compared["hcm_worker_H_over_S"] = hcm_ratios(median["H"], median["S"])
    return compared


def hcm_ratios(h: dict[str, float], s: dict[str, float]) -> dict[str, float]:
    """Issue 3: one worker through /system/hcm/v1 (H) against the sandbox directly (S)."""
    return {
        "p50_ratio_c1": h["p50_ms"] / s["p50_ms"],
        "p50_added_ms_c1": h["p50_ms"] - s["p50_ms"],
        "rps_ratio_c64": h["rps_c64"] / s["rps_c64"],
        "cpu_us_per_req_S": s["cpu_us_per_req"],
        "cpu_us_per_req_H": h["cpu_us_per_req"],
        "cpu_us_per_req_H_with_sandbox": h["cpu_us_per_req_with_upstream"],
    }


def targets(compared: dict[str, Any]) -> dict[str, Any]:
    added = compared["added_latency_ms_c1"]["G_minus_D"]["p50"]
    found: dict[str, Any] = {
        "G_p50_added_ms_max": G_P50_ADDED_MS_MAX,
        "G_p50_added_ms": added,
        "met": added <= G_P50_ADDED_MS_MAX,
    }
    plus = compared["added_latency_ms_c1"].get("Gplus_minus_G")
    if plus is not None:
        found["Gplus"] = {
            "p50_added_over_G_ms_max": GPLUS_P50_ADDED_MS_MAX,
            "p50_added_over_G_ms": plus["p50"],
            "met": plus["p50"] <= GPLUS_P50_ADDED_MS_MAX,
        }
    return found


def problems(results: Sequence[RoundResult]) -> list[str]:
    """Runs whose numbers are suspect because some responses failed."""
    found = []
    for result in results:
        for label, run in (("c=1", result.latency), ("c=64", result.saturation)):
            if run.non_2xx or run.socket_errors:
                found.append(
                    f"round {result.round} {result.scenario} {label}: {run.non_2xx} non-2xx, "
                    f"{run.socket_errors} socket errors of {run.requests} requests"
                )
    return found


def render(titles: dict[str, str], document: dict[str, Any], header: str) -> str:
    """The human-readable summary printed at the end of a run."""
    median = document["medians"]
    lines = [
        header,
        "",
        _row("scenario", "p50 ms", "p99 ms", "req/s c=1", "req/s c=64", "CPU µs/req", "+upstream"),
    ]
    for key, title in titles.items():
        m = median[key]
        lines.append(
            _row(
                f"{key} {title}",
                f"{m['p50_ms']:.3f}",
                f"{m['p99_ms']:.3f}",
                f"{m['rps_c1']:,.0f}",
                f"{m['rps_c64']:,.0f}",
                f"{m['cpu_us_per_req']:.1f}",
                _optional(m.get("cpu_us_per_req_with_upstream")),
            )
        )
    lines.extend(_comparison_lines(document))
    if "graphql" in document:
        lines.extend(graphql_lines(document["graphql"]))
    lines.extend(f"WARNING {p}" for p in document["problems"])
    return "\n".join(lines)


def _comparison_lines(document: dict[str, Any]) -> list[str]:
    added = document["comparisons"]["added_latency_ms_c1"]
    ratio = document["comparisons"]["saturation_rps_ratio_c64"]
    target = document["targets"]
    verdict = "met" if target["met"] else "MISSED"
    lines = [
        "",
        "added latency at c=1 over D:",
        *(
            f"  {name.replace('_minus_', ' - ')}   p50 {a['p50']:+.3f} ms   p99 {a['p99']:+.3f} ms"
            for name, a in added.items()
        ),
        f"saturation req/s ratio at c=64:  G/D {ratio['G_over_D']:.3f}   "
        f"G/N {ratio['G_over_N']:.3f}   N/D {ratio['N_over_D']:.3f}",
        f"target G p50 added <= {target['G_p50_added_ms_max']} ms: {verdict} "
        f"({target['G_p50_added_ms']:+.3f} ms)",
    ]
    plus = target.get("Gplus")
    if plus is not None:
        cpu = document["comparisons"]["cpu_us_per_req_c64"]
        lines += [
            f"G+: CPU µs/req G {cpu['G']:.1f}, G+ {cpu['G+']:.1f}; "
            f"saturation G+/N {ratio['Gplus_over_N']:.3f}, G+/G {ratio['Gplus_over_G']:.3f}",
            f"target G+ p50 added over G <= {plus['p50_added_over_G_ms_max']} ms: "
            f"{'met' if plus['met'] else 'MISSED'} ({plus['p50_added_over_G_ms']:+.3f} ms)",
        ]
    hcm = document["comparisons"].get("hcm_worker_H_over_S")
    if hcm is not None:
        lines += [
            f"H/S (GET one worker via /system/hcm/v1 / sandbox directly): "
            f"p50 c=1 x{hcm['p50_ratio_c1']:.2f} ({hcm['p50_added_ms_c1']:+.3f} ms), "
            f"req/s c=64 x{hcm['rps_ratio_c64']:.3f}",
            f"  CPU µs/req S {hcm['cpu_us_per_req_S']:.1f}, H {hcm['cpu_us_per_req_H']:.1f} "
            f"(H + sandbox {hcm['cpu_us_per_req_H_with_sandbox']:.1f})",
        ]
    return lines


def graphql_lines(section: dict[str, Any]) -> list[str]:
    """Q (the utilization dashboard over GraphQL) against W (one REST page), and Q's calls."""
    calls = ", ".join(f"{vendor} {n}" for vendor, n in sorted(section["vendor_calls"].items()))
    return [
        "",
        f"Q utilization dashboard, GraphQL ({section['workers']} workers, {section['period']}, "
        f"{section['rows']} rows), c=1: p50 {section['p50_ms']:.1f} ms, "
        f"p99 {section['p99_ms']:.1f} ms",
        f"W {section['baseline']}, c=1: p50 {section['baseline_p50_ms']:.1f} ms, "
        f"p99 {section['baseline_p99_ms']:.1f} ms "
        f"({section['baseline_vendor_calls_total']} vendor call(s))",
        f"Q/W p50 x{section['ratio_p50_vs_one_page']:.1f}: a utilization dashboard costs "
        f"{section['ratio_p50_vs_one_page']:.1f} one-page REST reads",
        f"vendor calls per Q: {section['vendor_calls_total']} ({calls})",
    ]


def _row(*cells: str) -> str:
    first, *rest = cells
    return f"{first:<22}" + "".join(f"{c:>12}" for c in rest)


def _optional(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def write_results(document: dict[str, Any], results_dir: Path, now: datetime) -> Path:
    """Write `<UTC timestamp>.json` and an identical `latest.json`; return the former."""
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2) + "\n"
    path = results_dir / f"{now:%Y%m%dT%H%M%SZ}.json"
    path.write_text(text)
    (results_dir / "latest.json").write_text(text)
    return path
