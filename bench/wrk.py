"""Run wrk pinned to its own core and parse what it prints."""

from __future__ import annotations

import subprocess

from bench.errors import BenchError
from bench.wrk_output import WrkResult, parse_wrk_output

WRK_CORE = 0
# Beyond the requested duration, allow for wrk's start-up and the final connection drain.
_GRACE_S = 15


def run_wrk(
    url: str,
    *,
    connections: int,
    duration_s: int,
    latency: bool,
    extra: tuple[str, ...] = (),
) -> WrkResult:
    command = [
        "taskset",
        "-c",
        str(WRK_CORE),
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration_s}s",
        *(["--latency"] if latency else []),
        *extra,
        url,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=duration_s + _GRACE_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish: {' '.join(command)}") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk_output(done.stdout)
