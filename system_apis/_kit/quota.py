"""Outbound quota per vendor and tenant: callers queue instead of causing vendor 429s.

A moving window on `limits.aio`, in Redis when configured so every process shares
the vendor's budget, in memory otherwise. Each window is widened by a second so
that clock and network skew between our count and the vendor's never overlaps.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from system_apis._kit.errors import VendorRateLimitedError

SKEW_MARGIN_S = 1
POLL_FLOOR_S = 0.01


def widened(items: list[RateLimitItem]) -> list[RateLimitItem]:
    """The same budgets over windows one second longer."""
    return [RateLimitItemPerSecond(i.amount, i.get_expiry() + SKEW_MARGIN_S) for i in items]


@dataclass(slots=True)
class OutboundQuota:
    """`await acquire()` returns when a call to the vendor fits every window."""

    vendor: str
    tenant: str
    items: list[RateLimitItem]
    limiter: MovingWindowRateLimiter
    max_wait_s: float

    @classmethod
    def build(
        cls,
        vendor: str,
        tenant: str,
        limits: list[str],
        *,
        redis_url: str | None,
        max_wait_s: float = 120.0,
    ) -> OutboundQuota:
        if redis_url:
            storage = storage_from_string("async+" + redis_url, implementation="redispy")
        else:
            storage = storage_from_string("async+memory://")
        items = widened([item for text in limits for item in parse_many(text)])
        return cls(vendor, tenant, items, MovingWindowRateLimiter(storage), max_wait_s)

    async def aclose(self) -> None:
        """Close the Redis connections behind the quota, if any."""
        bridge = getattr(self.limiter.storage, "bridge", None)
        client = getattr(bridge, "storage", None)
        if client is not None:
            await client.aclose(close_connection_pool=True)

    async def acquire(self) -> None:
        """Wait for a slot in every window; after `max_wait_s`, give up as rate limited."""
        deadline = time.monotonic() + self.max_wait_s
        for item in self.items:
            await self._acquire_one(item, deadline)

    async def _acquire_one(self, item: RateLimitItem, deadline: float) -> None:
        keys = ("atrium-outbound", self.vendor, self.tenant)
        while not await self.limiter.hit(item, *keys):
            stats = await self.limiter.get_window_stats(item, *keys)
            wait = max(stats.reset_time - time.time(), POLL_FLOOR_S)
            if time.monotonic() + wait > deadline:
                raise VendorRateLimitedError(
                    self.vendor, "outbound quota exhausted", status=None, retry_after_s=wait
                )
            await asyncio.sleep(wait)
