"""Moving windows in Redis: exact counts, all-or-nothing across windows, reset times."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from contracts.policies import RateLimitPolicy, RateWindow
from gateway.edge.rate_limiter import FailMode, RateLimiter, create_storage
from gateway.edge.redis_windows import RedisWindows

PREFIX = "atrium:test:ratelimit"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        async for key in client.scan_iter(f"{PREFIX}:*"):
            await client.delete(key)
        await client.aclose()


def windows(*texts: str) -> tuple[RateWindow, ...]:
    return tuple(RateWindow.model_validate(t) for t in texts)


async def test_counts_each_window_and_refuses_past_the_smallest(redis: Redis) -> None:
    counter = RedisWindows(redis, key_prefix=PREFIX)
    who = uuid.uuid4().hex
    hits = [await counter.hit(who, windows("3/minute", "100/hour")) for _ in range(4)]

    assert [h.allowed for h in hits] == [True, True, True, False]
    assert [h.windows[0].count for h in hits] == [1, 2, 3, 3]
    assert [h.windows[1].count for h in hits] == [1, 2, 3, 3]  # the refusal counts nowhere
    first = hits[0]
    assert first.windows[0].oldest == pytest.approx(first.now)
    assert hits[3].windows[0].oldest == pytest.approx(first.now)


async def test_concurrent_hits_are_exact(redis: Redis) -> None:
    counter = RedisWindows(redis, key_prefix=PREFIX)
    who = uuid.uuid4().hex
    hits = await asyncio.gather(*(counter.hit(who, windows("30/minute")) for _ in range(80)))

    assert sum(h.allowed for h in hits) == 30


async def test_clients_and_groups_count_apart(redis: Redis) -> None:
    counter = RedisWindows(redis, key_prefix=PREFIX)
    one, other = uuid.uuid4().hex, uuid.uuid4().hex
    assert (await counter.hit(one, windows("1/minute"))).allowed
    assert (await counter.hit(other, windows("1/minute"))).allowed
    assert not (await counter.hit(one, windows("1/minute"))).allowed


async def test_limiter_on_redis_reports_remaining_and_reset(redis: Redis) -> None:
    policy = RateLimitPolicy.model_validate(
        {"default_tier": "t", "tiers": {"t": ["2/minute", "10/hour"]}}
    )
    storage = create_storage(redis)
    assert isinstance(storage, RedisWindows)
    storage.key_prefix = PREFIX
    limiter = RateLimiter(policy, storage, timeout_s=1.0, fail_mode=FailMode.CLOSED, cooldown_s=1)
    bucket = limiter.bucket(None, "GET", "/x")
    client = f"client:{uuid.uuid4().hex}"
    verdicts = [await limiter.check(client, bucket) for _ in range(3)]

    assert [v.allowed for v in verdicts] == [True, True, False]
    assert [c.remaining for c in verdicts[0].counts] == [1, 9]
    assert [c.remaining for c in verdicts[2].counts] == [0, 8]
    assert 59 <= verdicts[2].counts[0].reset_s <= 60
    assert verdicts[2].violated == ["t.all.1m"]
    assert not verdicts[2].unavailable
