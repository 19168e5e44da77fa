"""Count each client's requests in moving windows (`limits.aio`), never waiting long on storage.

With Redis the count is one Lua script for all the windows of a bucket
(`redis_windows.py`), atomic on the server, so every gateway process sharing that Redis
sees one exact count. Without Redis (the embedded profile) the count lives in this
process's memory (`limits.aio`'s moving window).

A storage call that errors or outlasts `timeout_s` yields a verdict from the configured
fail mode (open: let the request through; closed: refuse it), and the storage is left
alone for `cooldown_s` so a stalled Redis costs each request nothing, not a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from enum import StrEnum

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from contracts.policies import RateLimitPolicy, RateWindow
from gateway.edge.redis_windows import RedisWindows
from gateway.policy.rate_limits import POLICY_FILE, Bucket, load_rate_limits, resolve_bucket
from gateway.settings import GatewaySettings

_log = logging.getLogger("atrium.ratelimit")
KEY_PREFIX = "atrium:ratelimit"


class FailMode(StrEnum):
    """What a request gets when the counter cannot be reached in time."""

    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class WindowCount:
    """One window of a bucket after this request: what is left and when it frees up."""

    policy: str
    window: RateWindow
    remaining: int
    reset_s: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request may proceed, with the counts that justify it."""

    allowed: bool
    bucket: Bucket
    counts: tuple[WindowCount, ...] = ()
    unavailable: bool = False  # the counter could not answer; the fail mode decided
    barred: bool = False  # the barring key existed: refused, and counted nowhere

    @property
    def retry_after_s(self) -> int:
        """Seconds until every exhausted window has room again (at least 1)."""
        waits = [c.reset_s for c in self.counts if c.remaining <= 0]
        return max([1, *waits])

    @property
    def violated(self) -> list[str]:
        return [c.policy for c in self.counts if c.remaining <= 0]


def policy_name(bucket: Bucket, window: RateWindow) -> str:
    """The policy id shown in RateLimit headers, e.g. 'default.writes.1s'."""
    return f"{bucket.tier}.{bucket.group}.{window.label}"


Counter = Storage | RedisWindows
"""Where counts live: a `limits` storage (memory) or moving windows in Redis."""


def create_storage(redis: Redis | None) -> Counter:
    """Windows in Redis on the gateway's client (its connection pool), else in memory."""
    if redis is None:
        return MemoryStorage()
    return RedisWindows(redis, key_prefix=KEY_PREFIX)


def create_rate_limiter(settings: GatewaySettings, redis: Redis | None) -> RateLimiter:
    """The limiter the settings describe: policy file, storage, timeout and fail mode."""
    policy = load_rate_limits(settings.rate_limits_file or settings.policy_dir / POLICY_FILE)
    return RateLimiter(
        policy,
        create_storage(redis if settings.redis_url else None),
        timeout_s=settings.rate_limit_timeout_s,
        fail_mode=FailMode(settings.rate_limit_fail_mode),
        cooldown_s=settings.rate_limit_cooldown_s,
    )


class RateLimiter:
    """Applies a rate-limit policy to (client, tier, method, path)."""

    def __init__(
        self,
        policy: RateLimitPolicy,
        storage: Counter,
        *,
        timeout_s: float,
        fail_mode: FailMode,
        cooldown_s: float,
    ) -> None:
        self.policy = policy
        self.storage = storage
        self.timeout_s = timeout_s
        self.fail_mode = fail_mode
        self.cooldown_s = cooldown_s
        self._strategy = (
            None if isinstance(storage, RedisWindows) else MovingWindowRateLimiter(storage)
        )
        self._items: dict[RateWindow, RateLimitItem] = {}
        self._skip_storage_until = 0.0

    def bucket(self, tier: str | None, method: str, path: str) -> Bucket:
        return resolve_bucket(self.policy, tier, method, path)

    def can_bar(self, redis: Redis) -> bool:
        """Whether a check can read a key of `redis` in its round trip (see `check`)."""
        storage = self.storage
        ready = time.monotonic() >= self._skip_storage_until
        return ready and isinstance(storage, RedisWindows) and storage.redis is redis

    async def check(
        self,
        client: str,
        bucket: Bucket,
        *,
        barred_by: str | None = None,
        timeout_s: float | None = None,
    ) -> Verdict:
        """Count one request of `client` in `bucket`; bounded in time whatever the storage does.

        `barred_by` (only where `can_bar`) names a Redis key whose existence refuses the
        request uncounted, checked in the same round trip; `timeout_s` may shorten the wait.
        """
        if time.monotonic() < self._skip_storage_until:
            return self._unavailable(bucket)
        timeout = self.timeout_s if timeout_s is None else min(timeout_s, self.timeout_s)
        try:
            async with asyncio.timeout(timeout):
                return await self._count(client, bucket, barred_by)
        except (TimeoutError, StorageError, RedisError, OSError) as exc:
            self._skip_storage_until = time.monotonic() + self.cooldown_s
            _log.warning(
                "rate-limit storage unavailable; failing %s for %.1f s",
                self.fail_mode,
                self.cooldown_s,
                extra={"error": repr(exc)},
            )
            return self._unavailable(bucket)

    def _unavailable(self, bucket: Bucket) -> Verdict:
        return Verdict(self.fail_mode is FailMode.OPEN, bucket, unavailable=True)

    async def _count(self, client: str, bucket: Bucket, barred_by: str | None) -> Verdict:
        if self._strategy is None:
            assert isinstance(self.storage, RedisWindows)
            return await self._count_in_redis(self.storage, client, bucket, barred_by)
        if barred_by is not None:
            raise ValueError("only a Redis counter can check a barring key")
        return await self._count_in_memory(self._strategy, client, bucket)

    async def _count_in_redis(
        self, windows: RedisWindows, client: str, bucket: Bucket, barred_by: str | None
    ) -> Verdict:
        hit = await windows.hit(f"{client}/{bucket.group}", bucket.windows, barred_by=barred_by)
        if hit.barred:
            return Verdict(False, bucket, barred=True)
        counts = tuple(
            WindowCount(
                policy=policy_name(bucket, window),
                window=window,
                remaining=max(0, window.limit - state.count),
                reset_s=max(0, math.ceil(state.oldest + window.seconds - hit.now)),
            )
            for window, state in zip(bucket.windows, hit.windows, strict=True)
        )
        return Verdict(hit.allowed, bucket, counts)

    async def _count_in_memory(
        self, strategy: MovingWindowRateLimiter, client: str, bucket: Bucket
    ) -> Verdict:
        items = [self._item(w) for w in bucket.windows]
        ids = (client, bucket.group)
        # Every window is hit, concurrently: one round trip of latency for the whole bucket.
        hits = await asyncio.gather(*(strategy.hit(i, *ids) for i in items))
        stats = await asyncio.gather(*(strategy.get_window_stats(i, *ids) for i in items))
        now = time.time()
        counts = tuple(
            WindowCount(
                policy=policy_name(bucket, window),
                window=window,
                remaining=max(0, stat.remaining),
                reset_s=max(0, math.ceil(stat.reset_time - now)),
            )
            for window, stat in zip(bucket.windows, stats, strict=True)
        )
        return Verdict(all(hits), bucket, counts)

    def _item(self, window: RateWindow) -> RateLimitItem:
        item = self._items.get(window)
        if item is None:
            item = RateLimitItemPerSecond(window.limit, window.seconds, namespace="atrium")
            self._items[window] = item
        return item
