"""The `idempotency_records` table and its statements, for each kind of connection.

The store (`idempotency_store.py`) decides; this module only reads and writes rows. On
a SQLite file the store's thread holds a `sqlite3` connection and runs the SQL below
as it is: SQLAlchemy's execution machinery costs more CPU than SQLite takes to run one
of these statements, and a keyed request runs two. Elsewhere (PostgreSQL) the same
statements are SQLAlchemy Core. Both write the same rows; `headers` is JSON text, as
SQLAlchemy's JSON type stores it on SQLite.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    Column,
    Connection,
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

from gateway.database import SqlConnection, metadata

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


class Records(Protocol):
    """Row operations on `idempotency_records`, inside the caller's transaction."""

    def insert(self, row: Mapping[str, Any]) -> bool:
        """Insert a claim unless the key exists; whether it was inserted."""
        ...

    def read(self, digest: str) -> Mapping[str, Any] | None: ...

    def take_over(self, digest: str, token: str, now: float, lease_until: float) -> bool:
        """Re-claim an in-flight record whose lease ran out; whether it was."""
        ...

    def complete(
        self, digest: str, token: str, status: int, headers: list[list[str]], body: bytes
    ) -> None: ...

    def release(self, digest: str, token: str) -> None: ...

    def delete_expired(self, digest: str | None, now: float) -> int:
        """Delete records past their retention (one key's, or all); how many."""
        ...


def records(connection: SqlConnection) -> Records:
    """The statements for this connection."""
    if isinstance(connection, sqlite3.Connection):
        return SqliteRecords(connection)
    return CoreRecords(connection)


_SQLITE_INSERT = """
INSERT INTO idempotency_records (
    scope_hash, client_id, method, path, idempotency_key, fingerprint,
    state, claim_token, lease_expires_at, expires_at
) VALUES (
    :scope_hash, :client_id, :method, :path, :idempotency_key, :fingerprint,
    :state, :claim_token, :lease_expires_at, :expires_at
) ON CONFLICT DO NOTHING RETURNING scope_hash
"""


class SqliteRecords:
    """The statements in SQLite's SQL, on its own DBAPI connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def insert(self, row: Mapping[str, Any]) -> bool:
        return self.connection.execute(_SQLITE_INSERT, dict(row)).fetchone() is not None

    def read(self, digest: str) -> Mapping[str, Any] | None:
        cursor = self.connection.cursor()
        cursor.row_factory = sqlite3.Row
        found = cursor.execute(
            "SELECT * FROM idempotency_records WHERE scope_hash = ?", (digest,)
        ).fetchone()
        if found is None:
            return None
        row = dict(found)
        row["headers"] = json.loads(row["headers"]) if row["headers"] is not None else None
        return row

    def take_over(self, digest: str, token: str, now: float, lease_until: float) -> bool:
        cursor = self.connection.execute(
            "UPDATE idempotency_records SET claim_token = ?, lease_expires_at = ? "
            "WHERE scope_hash = ? AND state = ? AND lease_expires_at <= ?",
            (token, lease_until, digest, IN_FLIGHT, now),
        )
        return cursor.rowcount == 1

    def complete(
        self, digest: str, token: str, status: int, headers: list[list[str]], body: bytes
    ) -> None:
        self.connection.execute(
            "UPDATE idempotency_records SET state = ?, status = ?, headers = ?, body = ? "
            "WHERE scope_hash = ? AND claim_token = ?",
            (DONE, status, json.dumps(headers), body, digest, token),
        )

    def release(self, digest: str, token: str) -> None:
        self.connection.execute(
            "DELETE FROM idempotency_records WHERE scope_hash = ? AND claim_token = ?",
            (digest, token),
        )

    def delete_expired(self, digest: str | None, now: float) -> int:
        if digest is None:
            cursor = self.connection.execute(
                "DELETE FROM idempotency_records WHERE expires_at <= ?", (now,)
            )
        else:
            cursor = self.connection.execute(
                "DELETE FROM idempotency_records WHERE scope_hash = ? AND expires_at <= ?",
                (digest, now),
            )
        return cursor.rowcount


_TABLE = idempotency_records
# Built once: constructing and cache-keying a statement per request costs more CPU than
# running it. By dialect: the gateway runs on SQLite and PostgreSQL.
_CORE_INSERTS = {
    name: insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.scope_hash)
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_COMPLETE = update(_TABLE).where(
    _TABLE.c.scope_hash == bindparam("digest"), _TABLE.c.claim_token == bindparam("token")
)  # SET takes the columns named in the parameters: state, status, headers, body


class CoreRecords:
    """The statements as SQLAlchemy Core, for any dialect with INSERT ... ON CONFLICT."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def insert(self, row: Mapping[str, Any]) -> bool:
        statement = _CORE_INSERTS[self.connection.dialect.name]
        # RETURNING, not rowcount: psycopg reports no count for a conflict-skipping insert.
        return self.connection.execute(statement, dict(row)).first() is not None

    def read(self, digest: str) -> Mapping[str, Any] | None:
        found = self.connection.execute(select(_TABLE).where(_TABLE.c.scope_hash == digest))
        row = found.first()
        return dict(row._mapping) if row is not None else None

    def take_over(self, digest: str, token: str, now: float, lease_until: float) -> bool:
        result = self.connection.execute(
            update(_TABLE)
            .where(
                _TABLE.c.scope_hash == digest,
                _TABLE.c.state == IN_FLIGHT,
                _TABLE.c.lease_expires_at <= now,
            )
            .values(claim_token=token, lease_expires_at=lease_until)
        )
        return result.rowcount == 1

    def complete(
        self, digest: str, token: str, status: int, headers: list[list[str]], body: bytes
    ) -> None:
        values = {"state": DONE, "status": status, "headers": headers, "body": body}
        self.connection.execute(_COMPLETE, {"digest": digest, "token": token, **values})

    def release(self, digest: str, token: str) -> None:
        self.connection.execute(
            delete(_TABLE).where(_TABLE.c.scope_hash == digest, _TABLE.c.claim_token == token)
        )

    def delete_expired(self, digest: str | None, now: float) -> int:
        statement = delete(_TABLE).where(_TABLE.c.expires_at <= now)
        if digest is not None:
            statement = statement.where(_TABLE.c.scope_hash == digest)
        return int(self.connection.execute(statement).rowcount or 0)
