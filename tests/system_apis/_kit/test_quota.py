"""Outbound quota: callers queue inside the vendor's budget instead of being refused."""

from __future__ import annotations

import asyncio
import time

import pytest

from system_apis._kit.errors import VendorRateLimitedError
from system_apis._kit.quota import OutboundQuota


async def test_burst_queues_within_the_window() -> None:
    quota = OutboundQuota.build("acme", "t1", ["4/second"], redis_url=None)
    admitted: list[float] = []

    async def call() -> None:
        await quota.acquire()
        admitted.append(time.monotonic())

    await asyncio.gather(*(call() for _ in range(10)))
    admitted.sort()
    # widened window: 4 per 2 s, so 10 calls need at least two full windows
    for i in range(4, 10):
        assert admitted[i] - admitted[i - 4] >= 1.9


async def test_tenants_have_separate_budgets() -> None:
    a = OutboundQuota.build("acme", "t1", ["2/minute"], redis_url=None, max_wait_s=0.1)
    b = OutboundQuota.build("acme", "t2", ["2/minute"], redis_url=None, max_wait_s=0.1)
    b.limiter = a.limiter  # one storage, as in one process
    for _ in range(2):
        await a.acquire()
    await b.acquire()
    with pytest.raises(VendorRateLimitedError):
        await a.acquire()


@pytest.mark.redis
async def test_processes_share_the_budget_through_redis(redis_url: str) -> None:
    vendor = f"acme-{time.monotonic_ns()}"
    first = OutboundQuota.build(vendor, "t1", ["3/minute"], redis_url=redis_url, max_wait_s=0.1)
    second = OutboundQuota.build(vendor, "t1", ["3/minute"], redis_url=redis_url, max_wait_s=0.1)
    try:
        await first.acquire()
        await second.acquire()
        await first.acquire()
        with pytest.raises(VendorRateLimitedError) as raised:
            await second.acquire()
    finally:
        await first.aclose()
        await second.aclose()
    assert raised.value.retry_after_s is not None
    assert raised.value.retry_after_s > 50
