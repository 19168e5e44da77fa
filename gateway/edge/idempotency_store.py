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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import SqlConnection, Transactions
from gateway.edge.idempotency_records import (
    DONE,
    IN_FLIGHT,
    Records,
    idempotency_records,
    records,
)
from gateway.settings import GatewaySettings

__all__ = ["idempotency_records"]  # the table, where the store's users have found it
_log = logging.getLogger("atrium.idempotency")


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

_CLAIM_ATTEMPTS = 3


def create_idempotency_store(settings: GatewaySettings, engine: AsyncEngine) -> IdempotencyStore:
    return IdempotencyStore(
        engine,
        retention_s=settings.idempotency_retention_s,
        lease_s=settings.idempotency_lease_s,
        purge_interval_s=settings.idempotency_purge_interval_s,
        max_response_bytes=settings.idempotency_max_response_bytes,
    )


class IdempotencyStore:
    """Claims, completes, releases and purges idempotency records.

    Each operation is one transaction (`Transactions`): a claim, whatever it finds,
    costs one trip to the database, and so does storing or releasing the outcome.
    """

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
        self._background: set[asyncio.Task[Any]] = set()
        self._transactions = Transactions(engine)

    async def claim(self, scope: KeyScope, fingerprint: str) -> Claim:
        """Take the key, or say why not (replay, in flight, other payload)."""
        self._maybe_purge()
        work = asyncio.ensure_future(
            self._transactions.run(partial(self._claim, scope, fingerprint))
        )
        try:
            # Shielded: a claim the database made for a request that went away meanwhile
            # is released, rather than blocking its key for a whole lease.
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            work.add_done_callback(partial(self._release_orphan, scope))
            raise

    def _claim(self, scope: KeyScope, fingerprint: str, connection: SqlConnection) -> Claim:
        rows = records(connection)
        digest = scope.digest
        for _ in range(_CLAIM_ATTEMPTS):
            token = secrets.token_hex(16)
            if rows.insert(self._new_row(scope, digest, fingerprint, token)):
                return Owned(token)
            row = rows.read(digest)
            if row is None:
                continue  # deleted (released or purged) since our insert: try again
            now = time.time()
            if row["expires_at"] <= now:
                rows.delete_expired(digest, now)
                continue
            if row["fingerprint"] != fingerprint:
                return Mismatch()
            if row["state"] == DONE:
                return Replay(_stored(row))
            if row["lease_expires_at"] > now:
                return InFlight()
            return self._take_over(rows, digest, now)
        return InFlight()

    def _new_row(
        self, scope: KeyScope, digest: str, fingerprint: str, token: str
    ) -> dict[str, Any]:
        now = time.time()
        return {
            "scope_hash": digest,
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

    def _take_over(self, rows: Records, digest: str, now: float) -> Claim:
        """Claim a record whose owner's lease ran out (it crashed or hung)."""
        token = secrets.token_hex(16)
        if rows.take_over(digest, token, now, now + self.lease_s):
            _log.warning("took over an idempotency key whose lease expired")
            return Owned(token)
        return InFlight()

    async def complete(self, scope: KeyScope, token: str, response: StoredResponse) -> None:
        """Store the first response; a no-op if the claim was lost to a takeover."""
        digest, headers = scope.digest, [list(h) for h in response.headers]
        await self._transactions.run(
            lambda c: records(c).complete(digest, token, response.status, headers, response.body)
        )

    async def release(self, scope: KeyScope, token: str) -> None:
        """Forget the claim so the key can be used again (the outcome is not worth keeping)."""
        digest = scope.digest
        await self._transactions.run(lambda c: records(c).release(digest, token))

    def _release_orphan(self, scope: KeyScope, work: asyncio.Future[Claim]) -> None:
        if work.cancelled() or work.exception() is not None:
            return
        claim = work.result()
        if isinstance(claim, Owned):
            task = asyncio.ensure_future(self.release(scope, claim.token))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def purge_expired(self) -> int:
        """Delete every record past its retention; returns how many."""
        now = time.time()
        return await self._transactions.run(lambda c: records(c).delete_expired(None, now))

    async def aclose(self) -> None:
        """Wait for a purge or release still running, then close the store's connection."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        await self._transactions.aclose()

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.purge_interval_s
        task = asyncio.create_task(self._purge_logged())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _purge_logged(self) -> None:
        try:
            purged = await self.purge_expired()
        except Exception as exc:  # a failed purge must never fail a request
            _log.warning("idempotency purge failed", extra={"error": repr(exc)})
            return
        if purged:
            _log.info("purged expired idempotency records", extra={"count": purged})


def _stored(row: Mapping[str, Any]) -> StoredResponse:
    headers = [(str(k), str(v)) for k, v in row["headers"] or []]
    return StoredResponse(row["status"], headers, bytes(row["body"] or b""))
