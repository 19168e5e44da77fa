"""Revoked token ids (RFC 7009): in Redis when configured, else in the database.

Every authenticated request asks the denylist, so with Redis the question is bounded:
a call that errors or outlasts `timeout_s` is answered by the fail mode, and Redis is
left alone for `cooldown_s`, so a stalled Redis costs requests nothing, not a timeout.

- open: the token counts as not revoked (a revoked token works until Redis answers
  again or the token expires, at most its 5 to 15 minute lifetime);
- closed: the request is refused with a 503 problem and `Retry-After`.

Revoking is never failed open: if Redis cannot record the `jti`, the caller gets the
503 and can retry. The SQL denylist (no Redis) shares the request's database.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.problems import ProblemError
from gateway.oauth.tables import revoked_tokens
from gateway.settings import GatewaySettings

_log = logging.getLogger("atrium.denylist")
_PREFIX = "atrium:revoked:"
_T = TypeVar("_T")


class FailMode(StrEnum):
    """What a revocation check yields when Redis cannot answer in time."""

    OPEN = "open"
    CLOSED = "closed"


def create_denylist(
    settings: GatewaySettings, engine: AsyncEngine, redis: Redis | None
) -> Denylist:
    """The denylist the settings describe: storage, time bound, fail mode, cooldown."""
    return Denylist(
        engine,
        redis,
        timeout_s=settings.denylist_timeout_s,
        fail_mode=FailMode(settings.denylist_fail_mode),
        cooldown_s=settings.denylist_cooldown_s,
    )


class Denylist:
    """Remembers a revoked `jti` until the token would have expired anyway."""

    def __init__(
        self,
        engine: AsyncEngine,
        redis: Redis | None,
        *,
        timeout_s: float = 0.25,
        fail_mode: FailMode = FailMode.CLOSED,
        cooldown_s: float = 1.0,
    ) -> None:
        self.engine = engine
        self.redis = redis
        self.timeout_s = timeout_s
        self.fail_mode = fail_mode
        self.cooldown_s = cooldown_s
        self._skip_redis_until = 0.0

    async def revoke(self, jti: str, expires_at: int) -> None:
        """Record `jti` as revoked; a 503 problem if Redis cannot record it in time."""
        if self.redis is None:
            await self._revoke_in_sql(jti, expires_at)
            return
        redis = self.redis
        ok = await self._bounded(
            lambda: redis.set(self.redis_key(jti), b"1", exat=max(expires_at, 1))
        )
        if ok is None:
            raise self.unavailable()

    async def is_revoked(self, jti: str) -> bool:
        """Whether `jti` was revoked; with Redis unavailable, the fail mode answers."""
        if self.redis is None:
            return await self._revoked_in_sql(jti)
        redis = self.redis
        found = await self._bounded(lambda: redis.exists(self.redis_key(jti)))
        if found is not None:
            return bool(found)
        return self._fail_mode_answer()

    def redis_key(self, jti: str) -> str:
        """Where a revoked `jti` is recorded in Redis."""
        return _PREFIX + jti

    def ready(self) -> bool:
        """Whether Redis may be asked now: configured, and not cooling down after a failure."""
        return self.redis is not None and time.monotonic() >= self._skip_redis_until

    def unanswered(self, error: str) -> bool:
        """`is_revoked`'s answer when another caller could not ask Redis for it in time.

        Starts the cooldown, as a failure of this denylist's own call would; then the
        fail mode answers (closed: a 503 problem).
        """
        self._cool_down(error)
        return self._fail_mode_answer()

    def _fail_mode_answer(self) -> bool:
        if self.fail_mode is FailMode.CLOSED:
            raise self.unavailable()
        return False

    def _cool_down(self, error: str) -> None:
        self._skip_redis_until = time.monotonic() + self.cooldown_s
        _log.warning(
            "denylist Redis unavailable; failing %s for %.1f s",
            self.fail_mode,
            self.cooldown_s,
            extra={"error": error},
        )

    def unavailable(self) -> ProblemError:
        """The 503 answered while Redis cannot be asked, with when to retry."""
        retry = max(1, math.ceil(self._skip_redis_until - time.monotonic()))
        return ProblemError(
            "service-unavailable",
            "Token revocation cannot be checked right now; retry shortly.",
            headers={"Retry-After": str(retry)},
        )

    async def _bounded(self, call: Callable[[], Awaitable[_T]]) -> _T | None:
        """`call()`'s result, or None if Redis is cooling down, erred or was too slow."""
        if time.monotonic() < self._skip_redis_until:
            return None
        try:
            async with asyncio.timeout(self.timeout_s):
                return await call()
        except (TimeoutError, RedisError, OSError) as exc:
            self._cool_down(repr(exc))
            return None

    async def _revoke_in_sql(self, jti: str, expires_at: int) -> None:
        when = datetime.fromtimestamp(expires_at, UTC)
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(revoked_tokens).where(revoked_tokens.c.expires_at < datetime.now(UTC))
            )
            await conn.execute(
                insert(revoked_tokens).values(jti=jti, expires_at=when).on_conflict_do_nothing()
            )

    async def _revoked_in_sql(self, jti: str) -> bool:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == jti))
            ).first()
        return row is not None
