"""Durable idempotency records in SQL: the lock for a key in flight, then its first response.

A record is claimed by inserting it (the primary key is the lock, so two processes
cannot both win); the winner runs the request and either completes the record with
the response or deletes it. A claim carries a random token and a lease: a process
that died mid-request leaves a record whose lease runs out, and the next request
with that key takes it over. Records live `retention_s` after creation; expired
ones are deleted at most once per `purge_interval_s` per process.

Times are epoch seconds (floats) so SQLite and PostgreSQL compare them the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import metadata
from gateway.settings import GatewaySettings

_log = logging.getLogger("atrium.idempotency")
IN_FLIGHT, DONE = "in-flight", "done"

idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("scope_hash", String(64), primary_key=True),
    Column("client_id", String(255), nullable=False),
    Column("method", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("idempotency_key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("claim_token", String(32), nullable=False),
    Column("lease_expires_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("status", Integer, nullable=True),
    Column("headers", JSON, nullable=True),
    Column("body", LargeBinary, nullable=True),
)


@dataclass(frozen=True, slots=True)
class KeyScope:
    """An Idempotency-Key as scoped: per client, method and path."""

    client_id: str
    method: str
    path: str
    key: str

    @property
    def digest(self) -> str:
        joined = "\x00".join((self.client_id, self.method, self.path, self.key))
        return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """What is replayed: status, the selected headers, the body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True, slots=True)
class Owned:
    """This request holds the key and must complete or release it."""

    token: str


@dataclass(frozen=True, slots=True)
class Replay:
    response: StoredResponse


@dataclass(frozen=True, slots=True)
class InFlight:
    """Another request with this key is running."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was first used with another payload."""


Claim = Owned | Replay | InFlight | Mismatch

_COMPLETE = update(idempotency_records).where(
    idempotency_records.c.scope_hash == bindparam("hash"),
    idempotency_records.c.claim_token == bindparam("token"),
)  # SET takes the columns named in the parameters: state, status, headers, body


def create_idempotency_store(settings: GatewaySettings, engine: AsyncEngine) -> IdempotencyStore:
    return IdempotencyStore(
        engine,
        retention_s=settings.idempotency_retention_s,
        lease_s=settings.idempotency_lease_s,
        purge_interval_s=settings.idempotency_purge_interval_s,
        max_response_bytes=settings.idempotency_max_response_bytes,
    )


class IdempotencyStore:
    """Claims, completes, releases and purges idempotency records."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        retention_s: float,
        lease_s: float,
        purge_interval_s: float,
        max_response_bytes: int = 1_048_576,
    ) -> None:
        self.engine = engine
        self.max_response_bytes = max_response_bytes
        self.retention_s = retention_s
        self.lease_s = lease_s
        self.purge_interval_s = purge_interval_s
        self._next_purge = 0.0
        self._purging: set[asyncio.Task[None]] = set()
        # Built once: constructing and cache-keying a statement per request costs more
        # CPU than SQLite takes to run it.
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        self._claim_statement = (
            insert(idempotency_records)
            .on_conflict_do_nothing()
            .returning(idempotency_records.c.scope_hash)
        )

    async def claim(self, scope: KeyScope, fingerprint: str) -> Claim:
        """Take the key, or say why not (replay, in flight, other payload)."""
        self._maybe_purge()
        for _ in range(3):
            token = secrets.token_hex(16)
            if await self._insert(scope, fingerprint, token):
                return Owned(token)
            row = await self._read(scope)
            if row is None:
                continue  # deleted (released or purged) since our insert: try again
            now = time.time()
            if row["expires_at"] <= now:
                await self._delete_expired(scope, now)
                continue
            return await self._existing(scope, fingerprint, row, now)
        return InFlight()

    async def _existing(self, scope: KeyScope, fingerprint: str, row: Any, now: float) -> Claim:
        if row["fingerprint"] != fingerprint:
            return Mismatch()
        if row["state"] == DONE:
            body = row["body"] or b""
            headers = [(str(k), str(v)) for k, v in row["headers"] or []]
            return Replay(StoredResponse(row["status"], headers, bytes(body)))
        if row["lease_expires_at"] > now:
            return InFlight()
        return await self._take_over(scope, now)

    async def _take_over(self, scope: KeyScope, now: float) -> Claim:
        """Claim a record whose owner's lease ran out (it crashed or hung)."""
        token = secrets.token_hex(16)
        table = idempotency_records
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(table)
                .where(
                    table.c.scope_hash == scope.digest,
                    table.c.state == IN_FLIGHT,
                    table.c.lease_expires_at <= now,
                )
                .values(claim_token=token, lease_expires_at=now + self.lease_s)
            )
        if result.rowcount == 1:
            _log.warning("took over an idempotency key whose lease expired")
            return Owned(token)
        return InFlight()

    async def complete(self, scope: KeyScope, token: str, response: StoredResponse) -> None:
        """Store the first response; a no-op if the claim was lost to a takeover."""
        values = {
            "hash": scope.digest,
            "token": token,
            "state": DONE,
            "status": response.status,
            "headers": [list(h) for h in response.headers],
            "body": response.body,
        }
        async with self.engine.begin() as conn:
            await conn.execute(_COMPLETE, values)

    async def release(self, scope: KeyScope, token: str) -> None:
        """Forget the claim so the key can be used again (the outcome is not worth keeping)."""
        table = idempotency_records
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(table).where(
                    table.c.scope_hash == scope.digest, table.c.claim_token == token
                )
            )

    async def purge_expired(self) -> int:
        """Delete every record past its retention; returns how many."""
        table = idempotency_records
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(table).where(table.c.expires_at <= time.time()))
        return int(result.rowcount or 0)

    async def _insert(self, scope: KeyScope, fingerprint: str, token: str) -> bool:
        now = time.time()
        values = {
            "scope_hash": scope.digest,
            "client_id": scope.client_id,
            "method": scope.method,
            "path": scope.path,
            "idempotency_key": scope.key,
            "fingerprint": fingerprint,
            "state": IN_FLIGHT,
            "claim_token": token,
            "lease_expires_at": now + self.lease_s,
            "expires_at": now + self.retention_s,
        }
        async with self.engine.begin() as conn:
            inserted = (await conn.execute(self._claim_statement, values)).first()
        # RETURNING, not rowcount: psycopg reports no count for a conflict-skipping insert.
        return inserted is not None

    async def _read(self, scope: KeyScope) -> Any:
        table = idempotency_records
        async with self.engine.connect() as conn:
            result = await conn.execute(select(table).where(table.c.scope_hash == scope.digest))
            row = result.first()
        return row._mapping if row is not None else None

    async def _delete_expired(self, scope: KeyScope, now: float) -> None:
        table = idempotency_records
        async with self.engine.begin() as conn:
            await conn.execute(
                delete(table).where(table.c.scope_hash == scope.digest, table.c.expires_at <= now)
            )

    async def aclose(self) -> None:
        """Wait for a purge still running, so the engine is not closed under it."""
        if self._purging:
            await asyncio.gather(*self._purging, return_exceptions=True)

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.purge_interval_s
        task = asyncio.create_task(self._purge_logged())
        self._purging.add(task)
        task.add_done_callback(self._purging.discard)

    async def _purge_logged(self) -> None:
        try:
            purged = await self.purge_expired()
        except Exception as exc:  # a failed purge must never fail a request
            _log.warning("idempotency purge failed", extra={"error": repr(exc)})
            return
        if purged:
            _log.info("purged expired idempotency records", extra={"count": purged})
