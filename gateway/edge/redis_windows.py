"""Moving windows in Redis: every window of a bucket checked and counted by one Lua script.

One request is one round trip, whatever the number of windows. The script is atomic, so
every gateway process sharing the Redis sees one exact count, and it is all or nothing:
a request refused by one window is counted in none. Each window is a sorted set of
request timestamps (Redis server time, so the clocks of the gateway hosts do not matter);
entries older than the window are dropped before counting. The keys of one bucket share
a hash tag.

A hit may name one more key that bars the request if it exists (the revoked-token key of
the denylist, `admission.py`): the check and the count then cost one round trip, and a
barred request is counted nowhere. That key lives in another hash slot, so this needs
one Redis server, as the gateway's client is (not a Redis Cluster).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from contracts.policies import RateWindow

# KEYS: one per window, then optionally the barring key.
# ARGV: the request's unique member, the number of windows n, then limit and seconds per window.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local n = tonumber(ARGV[2])
if #KEYS > n and redis.call('EXISTS', KEYS[n + 1]) == 1 then
    return {-1, tostring(now)}
end
local counts = {}
local allowed = 1
for i = 1, n do
    local seconds = tonumber(ARGV[2 * i + 2])
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - seconds)
    counts[i] = redis.call('ZCARD', KEYS[i])
    if counts[i] >= tonumber(ARGV[2 * i + 1]) then
        allowed = 0
    end
end
local reply = {allowed, tostring(now)}
for i = 1, n do
    if allowed == 1 then
        redis.call('ZADD', KEYS[i], now, ARGV[1])
        redis.call('EXPIRE', KEYS[i], tonumber(ARGV[2 * i + 2]))
        counts[i] = counts[i] + 1
    end
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')[2]
    reply[2 * i + 1] = counts[i]
    reply[2 * i + 2] = oldest or tostring(now)
end
return reply
"""


@dataclass(frozen=True, slots=True)
class WindowState:
    """One window after a request: how many requests it holds and when its oldest was made."""

    count: int
    oldest: float  # epoch seconds (Redis time); the window frees a slot `seconds` later


@dataclass(frozen=True, slots=True)
class Hit:
    """Whether the request fitted every window, and each window's state afterwards."""

    allowed: bool
    now: float
    windows: tuple[WindowState, ...]
    barred: bool = False  # the barring key existed: nothing was counted


class RedisWindows:
    """Counts requests in moving windows stored in Redis."""

    def __init__(self, redis: Redis, *, key_prefix: str) -> None:
        self.redis = redis
        self.key_prefix = key_prefix
        self._script = redis.register_script(_SCRIPT)

    async def hit(
        self, identity: str, windows: Sequence[RateWindow], *, barred_by: str | None = None
    ) -> Hit:
        """Count one request of `identity` in every window if it fits them all.

        If the key `barred_by` exists, the request is barred instead and counted nowhere.
        """
        tag = f"{self.key_prefix}:{{{identity}}}"
        keys = [f"{tag}:{w.limit}/{w.seconds}" for w in windows]
        if barred_by is not None:
            keys.append(barred_by)
        args: list[str | int] = [os.urandom(8).hex(), len(windows)]  # unique member per request
        for window in windows:
            args += [window.limit, window.seconds]
        reply = await self._script(keys=keys, args=args)
        if int(reply[0]) < 0:
            return Hit(False, float(reply[1]), (), barred=True)
        states = tuple(
            WindowState(int(reply[2 * i + 2]), float(reply[2 * i + 3])) for i in range(len(windows))
        )
        return Hit(bool(reply[0]), float(reply[1]), states)
