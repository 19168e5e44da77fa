from __future__ import annotations

import pytest
from starlette.requests import Request

from sandboxes._kit.limiter import VendorRateLimit, parse_limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def no_key(request: Request) -> str | None:
    return None


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [
        ("60/minute", 60, 60.0),
        ("100/15 seconds", 100, 15.0),
        ("5000 per day", 5000, 86400.0),
        ("2/hour", 2, 3600.0),
    ],
)
def test_parse_limit_reads_vendor_notation(text: str, amount: int, period: float) -> None:
    limit = parse_limit(text)
    assert (limit.amount, limit.period_s, limit.text) == (amount, period, text)


def test_parse_limit_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        parse_limit("fast")


def test_window_refuses_the_request_over_the_limit_with_retry_after() -> None:
    clock = Clock()
    limit = VendorRateLimit(["3/minute"], no_key, clock=clock)
    for _ in range(3):
        clock.now += 1
        assert limit.hit("t").allowed
    clock.now += 10  # first hit was 12 s ago: it leaves the window in 48 s
    refused = limit.hit("t")
    assert not refused.allowed
    assert refused.exceeded == "3/minute"
    assert refused.retry_after_s == 48


def test_window_moves_so_old_hits_stop_counting() -> None:
    clock = Clock()
    limit = VendorRateLimit(["2/minute"], no_key, clock=clock)
    limit.hit("t")
    clock.now += 30
    limit.hit("t")
    clock.now += 31
    assert limit.hit("t").allowed  # the first hit has left the window
    assert not limit.hit("t").allowed


def test_keys_are_limited_independently() -> None:
    limit = VendorRateLimit(["1/minute"], no_key, clock=Clock())
    assert limit.hit("a").allowed
    assert limit.hit("b").allowed
    assert not limit.hit("a").allowed


def test_every_limit_applies_and_remaining_counts_each() -> None:
    limit = VendorRateLimit(["5/minute", "2/second"], no_key, clock=Clock())
    first = limit.hit("t")
    assert first.remaining == {"5/minute": 4, "2/second": 1}
    limit.hit("t")
    refused = limit.hit("t")
    assert refused.exceeded == "2/second"
    assert refused.remaining == {"5/minute": 3, "2/second": 0}


def test_refused_requests_do_not_use_up_other_windows() -> None:
    clock = Clock()
    limit = VendorRateLimit(["3/minute", "1/second"], no_key, clock=clock)
    limit.hit("t")
    limit.hit("t")  # refused by the per-second limit
    clock.now += 1.5
    assert limit.hit("t").remaining["3/minute"] == 1


def test_concurrency_cap_counts_slots_in_use() -> None:
    limit = VendorRateLimit([], no_key, concurrency=2)
    assert limit.enter("t")
    assert limit.enter("t")
    assert not limit.enter("t")
    assert limit.enter("other")
    limit.leave("t")
    assert limit.enter("t")


def test_reset_forgets_windows() -> None:
    limit = VendorRateLimit(["1/day"], no_key, clock=Clock())
    limit.hit("t")
    limit.reset()
    assert limit.hit("t").allowed
