"""bench.wrk_output against wrk 4.1.0 output captured on the bench machine."""

import pytest

from bench.wrk_output import WrkOutputError, parse_wrk_output

# wrk -t1 -c1 -d2s --latency against the upstream nginx: sub-millisecond, so "us".
DIRECT_C1 = """\
Running 2s test @ http://127.0.0.1:18999/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    31.80us   70.18us   2.08ms   99.28%
    Req/Sec    34.63k     1.18k   36.10k    80.95%
  Latency Distribution
     50%   26.00us
     75%   26.00us
     90%   31.00us
     99%   64.00us
  72211 requests in 2.10s, 11.36MB read
Requests/sec:  34396.28
Transfer/sec:      5.41MB
"""

# wrk -t1 -c64 -d2s --latency through Atrium: "ms" percentiles, "s" as the maximum.
GATEWAY_C64 = """\
Running 2s test @ http://127.0.0.1:50107/system/bench-upstream/v1/anything
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   159.95ms  143.05ms   1.05s    86.63%
    Req/Sec   425.75     41.83   484.00     80.00%
  Latency Distribution
     50%  119.13ms
     75%  225.72ms
     90%  347.02ms
     99%  657.28ms
  849 requests in 2.00s, 245.41KB read
Requests/sec:    423.79
Transfer/sec:    122.50KB
"""

# wrk -t1 -c64 -d2s without --latency: no distribution.
NO_LATENCY = """\
Running 2s test @ http://127.0.0.1:18999/
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   344.28us  181.86us   5.28ms   86.58%
    Req/Sec   110.69k     3.19k  114.82k    80.95%
  231332 requests in 2.10s, 36.40MB read
Requests/sec: 110059.67
Transfer/sec:     17.32MB
"""

# Against nginx `return 404` and `return 444` (connection dropped).
NOT_FOUND = """\
  113867 requests in 1.10s, 33.45MB read
  Non-2xx or 3xx responses: 113867
Requests/sec: 103543.98
"""
DROPPED = """\
  0 requests in 1.10s, 0.00B read
  Socket errors: connect 0, read 19209, write 0, timeout 0
Requests/sec:      0.00
"""


def test_microsecond_percentiles_become_milliseconds() -> None:
    result = parse_wrk_output(DIRECT_C1)
    assert result.p50_ms == pytest.approx(0.026)
    assert result.p75_ms == pytest.approx(0.026)
    assert result.p90_ms == pytest.approx(0.031)
    assert result.p99_ms == pytest.approx(0.064)
    assert result.requests == 72211
    assert result.duration_s == pytest.approx(2.10)
    assert result.requests_per_s == pytest.approx(34396.28)
    assert (result.non_2xx, result.socket_errors) == (0, 0)


def test_millisecond_percentiles_stay_milliseconds() -> None:
    result = parse_wrk_output(GATEWAY_C64)
    assert result.p50_ms == pytest.approx(119.13)
    assert result.p99_ms == pytest.approx(657.28)
    assert result.requests == 849
    assert result.requests_per_s == pytest.approx(423.79)


def test_percentiles_are_none_without_latency_flag() -> None:
    result = parse_wrk_output(NO_LATENCY)
    assert result.p50_ms is None
    assert result.p99_ms is None
    assert result.requests == 231332
    assert result.requests_per_s == pytest.approx(110059.67)


def test_failed_responses_are_counted() -> None:
    assert parse_wrk_output(NOT_FOUND).non_2xx == 113867
    dropped = parse_wrk_output(DROPPED)
    assert (dropped.requests, dropped.socket_errors) == (0, 19209)


def test_output_without_summary_is_rejected() -> None:
    with pytest.raises(WrkOutputError):
        parse_wrk_output("unable to connect to 127.0.0.1:9 Connection refused\n")
