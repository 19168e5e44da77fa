"""Turn the text wrk prints into numbers. Pure: no processes, no I/O, easy to test."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

# wrk formats durations with these suffixes (see its `format_time`); we report ms.
_MS_PER_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
# "ms" must be tried before "m" so "1.20ms" is not read as minutes.
_UNIT = r"(us|ms|s|m|h)"

_PERCENTILE = re.compile(rf"^\s*(50|75|90|99)%\s+([\d.]+){_UNIT}\s*$", re.MULTILINE)
_TOTAL = re.compile(rf"^\s*(\d+) requests in ([\d.]+){_UNIT}", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkOutputError(ValueError):
    """wrk's output lacks the summary lines every run prints."""


@dataclass(frozen=True, slots=True)
class WrkResult:
    """One wrk run. Percentiles are None when wrk ran without `--latency`."""

    requests: int
    duration_s: float
    requests_per_s: float
    p50_ms: float | None
    p75_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    non_2xx: int
    socket_errors: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def to_ms(value: str, unit: str) -> float:
    """A wrk duration such as ("26.00", "us") in milliseconds."""
    return float(value) * _MS_PER_UNIT[unit]


def parse_wrk_output(text: str) -> WrkResult:
    """Parse wrk's summary; raise WrkOutputError if the run produced none."""
    total = _TOTAL.search(text)
    rate = _RATE.search(text)
    if total is None or rate is None:
        raise WrkOutputError(f"no wrk summary in output:\n{text}")
    percentiles = {m[1]: to_ms(m[2], m[3]) for m in _PERCENTILE.finditer(text)}
    non_2xx = _NON_2XX.search(text)
    socket = _SOCKET.search(text)
    return WrkResult(
        requests=int(total[1]),
        duration_s=to_ms(total[2], total[3]) / 1e3,
        requests_per_s=float(rate[1]),
        p50_ms=percentiles.get("50"),
        p75_ms=percentiles.get("75"),
        p90_ms=percentiles.get("90"),
        p99_ms=percentiles.get("99"),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
    )
