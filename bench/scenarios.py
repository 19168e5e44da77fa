"""One scenario (D, N or G) measured once: latency at c=1, then saturation with CPU cost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.cpu_time import tree_cpu_s
from bench.processes import LOOPBACK, Server
from bench.wrk import run_wrk
from bench.wrk_output import WrkResult

LATENCY_CONNECTIONS = 1
SATURATION_CONNECTIONS = 64
WARM_UP_S = 1


@dataclass(frozen=True, slots=True)
class Scenario:
    """A wrk target and, per CPU-accounting label, the servers whose CPU time counts."""

    key: str
    title: str
    server: Server
    path: str
    cpu_groups: Mapping[str, tuple[Server, ...]]
    wrk_args: tuple[str, ...] = ()  # e.g. ("-s", "script.lua") for G+'s keyed POSTs

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.port}{self.path}"


@dataclass(frozen=True, slots=True)
class RoundResult:
    round: int
    scenario: str
    latency: WrkResult
    saturation: WrkResult
    cpu_us_per_request: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "scenario": self.scenario,
            f"c{LATENCY_CONNECTIONS}": self.latency.as_dict(),
            f"c{SATURATION_CONNECTIONS}": self.saturation.as_dict(),
            "cpu_us_per_request": self.cpu_us_per_request,
        }


def warm_up(scenario: Scenario) -> None:
    # Fills connection pools and caches (and lets uvicorn's code paths get hot).
    run_wrk(
        scenario.url,
        connections=SATURATION_CONNECTIONS,
        duration_s=WARM_UP_S,
        latency=False,
        extra=scenario.wrk_args,
    )


def measure(scenario: Scenario, round_no: int, duration_s: int) -> RoundResult:
    latency = run_wrk(
        scenario.url,
        connections=LATENCY_CONNECTIONS,
        duration_s=duration_s,
        latency=True,
        extra=scenario.wrk_args,
    )
    servers = {s.pid: s for group in scenario.cpu_groups.values() for s in group}
    before = {pid: tree_cpu_s(pid) for pid in servers}
    saturation = run_wrk(
        scenario.url,
        connections=SATURATION_CONNECTIONS,
        duration_s=duration_s,
        latency=False,
        extra=scenario.wrk_args,
    )
    used = {pid: tree_cpu_s(pid) - before[pid] for pid in servers}
    cpu_us = {
        label: sum(used[s.pid] for s in group) * 1e6 / max(saturation.requests, 1)
        for label, group in scenario.cpu_groups.items()
    }
    return RoundResult(round_no, scenario.key, latency, saturation, cpu_us)
