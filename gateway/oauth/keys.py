"""Signing keys: one active, recent ones still verifying, rotation with overlap.

A rotation demotes the active key to `previous` (still published and verifying,
so tokens it signed live until they expire) and retires keys demoted longer ago
than the longest token lifetime. Every process reloads keys on a short TTL and
on an unknown `kid` (throttled), so a rotation done by the CLI reaches them all.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc.jwk import RSAKey
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.oauth.tables import signing_keys

SIGNING_ALG = "RS256"
UNKNOWN_KID_REFRESH_S = 5.0


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A key we sign with (if active) or still verify with (if previous)."""

    kid: str
    alg: str
    key: RSAKey
    state: str

    def public_jwk(self) -> dict[str, Any]:
        return dict(self.key.as_dict(private=False, kid=self.kid, alg=self.alg, use="sig"))


def _load(row: Any) -> SigningKey:
    m = row._mapping
    return SigningKey(
        m["kid"], m["alg"], RSAKey.import_key(json.loads(m["private_jwk"])), m["state"]
    )


async def create_active_key(engine: AsyncEngine) -> str:
    """Generate a key and make it the one we sign with; returns its kid."""
    key = RSAKey.generate_key(2048, private=True)
    kid = datetime.now(UTC).strftime("%Y%m%d") + "-" + secrets.token_hex(4)
    async with engine.begin() as conn:
        await conn.execute(
            insert(signing_keys).values(
                kid=kid,
                alg=SIGNING_ALG,
                private_jwk=json.dumps(key.as_dict(private=True)),
                state="active",
                created_at=datetime.now(UTC),
            )
        )
    return kid


async def rotate_keys(engine: AsyncEngine, *, max_token_ttl_s: int) -> tuple[str, list[str]]:
    """Demote the active key, add a new one, retire keys no live token can use; (new, retired)."""
    now = datetime.now(UTC)
    horizon = now - timedelta(seconds=max_token_ttl_s + 60)
    async with engine.begin() as conn:
        await conn.execute(
            update(signing_keys)
            .where(signing_keys.c.state == "active")
            .values(state="previous", demoted_at=now)
        )
        stale = await conn.execute(
            select(signing_keys.c.kid).where(
                signing_keys.c.state == "previous", signing_keys.c.demoted_at < horizon
            )
        )
        retired = [r.kid for r in stale]
        if retired:
            await conn.execute(
                update(signing_keys).where(signing_keys.c.kid.in_(retired)).values(state="retired")
            )
    return await create_active_key(engine), retired


async def retire_key(engine: AsyncEngine, kid: str) -> bool:
    """Stop verifying with a non-active key at once; True if it was retired now."""
    async with engine.begin() as conn:
        result = await conn.execute(
            update(signing_keys)
            .where(signing_keys.c.kid == kid, signing_keys.c.state == "previous")
            .values(state="retired")
        )
    return bool(result.rowcount)


class KeyStore:
    """The keys of this issuer as one process sees them, refreshed from the database."""

    def __init__(self, engine: AsyncEngine, *, ttl_s: float) -> None:
        self.engine = engine
        self.ttl_s = ttl_s
        self._keys: dict[str, SigningKey] = {}
        self._active: SigningKey | None = None
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        """Reload non-retired keys; create the first key if there is none."""
        async with self._lock:
            keys = await self._read()
            if not any(k.state == "active" for k in keys):
                await create_active_key(self.engine)
                keys = await self._read()
            self._keys = {k.kid: k for k in keys}
            self._active = next(k for k in keys if k.state == "active")
            self._loaded_at = time.monotonic()

    async def _read(self) -> list[SigningKey]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(signing_keys)
                .where(signing_keys.c.state != "retired")
                .order_by(signing_keys.c.created_at.desc())
            )
        return [_load(r) for r in rows]

    async def _ensure_fresh(self) -> None:
        if time.monotonic() - self._loaded_at > self.ttl_s:
            await self.refresh()

    async def active(self) -> SigningKey:
        await self._ensure_fresh()
        assert self._active is not None
        return self._active

    async def lookup(self, kid: str) -> SigningKey | None:
        """The verifying key with this kid; an unknown kid triggers one throttled reload."""
        await self._ensure_fresh()
        key = self._keys.get(kid)
        if key is None and time.monotonic() - self._loaded_at > UNKNOWN_KID_REFRESH_S:
            await self.refresh()
            key = self._keys.get(kid)
        return key

    async def jwks(self) -> dict[str, Any]:
        await self._ensure_fresh()
        return {"keys": [k.public_jwk() for k in self._keys.values()]}
