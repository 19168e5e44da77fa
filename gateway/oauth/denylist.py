"""Revoked token ids (RFC 7009): in Redis when configured, else in the database."""

from __future__ import annotations

from datetime import UTC, datetime

from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.oauth.tables import revoked_tokens

_PREFIX = "atrium:revoked:"


class Denylist:
    """Remembers a revoked `jti` until the token would have expired anyway."""

    def __init__(self, engine: AsyncEngine, redis: Redis | None) -> None:
        self.engine = engine
        self.redis = redis

    async def revoke(self, jti: str, expires_at: int) -> None:
        if self.redis is not None:
            await self.redis.set(_PREFIX + jti, b"1", exat=max(expires_at, 1))
            return
        when = datetime.fromtimestamp(expires_at, UTC)
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(revoked_tokens).where(revoked_tokens.c.expires_at < datetime.now(UTC))
            )
            await conn.execute(
                insert(revoked_tokens).values(jti=jti, expires_at=when).on_conflict_do_nothing()
            )

    async def is_revoked(self, jti: str) -> bool:
        if self.redis is not None:
            return bool(await self.redis.exists(_PREFIX + jti))
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == jti))
            ).first()
        return row is not None
