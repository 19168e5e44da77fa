"""Idempotency rows: SQLite's own statements and SQLAlchemy's read and write the same rows."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import SqlConnection, Transactions, create_engine, create_schema
from gateway.edge.idempotency_records import (
    DONE,
    IN_FLIGHT,
    CoreRecords,
    idempotency_records,
    records,
)
from gateway.settings import GatewaySettings

HEADERS = [["content-type", "application/json"], ["location", "/orders/7"]]


def claim_row(digest: str) -> dict[str, object]:
    return {
        "scope_hash": digest,
        "client_id": "client:c1",
        "method": "POST",
        "path": "/orders",
        "idempotency_key": "k1",
        "fingerprint": "f" * 64,
        "state": IN_FLIGHT,
        "claim_token": "t" * 32,
        "lease_expires_at": 100.0,
        "expires_at": 200.0,
    }


@pytest.fixture
async def engine(settings: GatewaySettings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)  # a SQLite file under the test's data directory
    await create_schema(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def transactions(engine: AsyncEngine) -> AsyncIterator[Transactions]:
    transactions = Transactions(engine)
    try:
        yield transactions
    finally:
        await transactions.aclose()


async def test_on_a_sqlite_file_work_gets_sqlite3_and_commits(
    engine: AsyncEngine, transactions: Transactions
) -> None:
    kind = await transactions.run(type)
    inserted = await transactions.run(lambda c: records(c).insert(claim_row("d1")))

    assert kind is sqlite3.Connection
    assert inserted
    async with engine.connect() as conn:
        found = (await conn.execute(select(idempotency_records.c.scope_hash))).scalars().all()
    assert found == ["d1"]


async def test_work_that_raises_is_rolled_back(
    engine: AsyncEngine, transactions: Transactions
) -> None:
    def insert_then_fail(connection: SqlConnection) -> None:
        records(connection).insert(claim_row("d1"))
        raise RuntimeError("after the insert")

    with pytest.raises(RuntimeError):
        await transactions.run(insert_then_fail)

    assert await transactions.run(lambda c: records(c).read("d1")) is None


async def test_rows_written_by_sqlite3_read_the_same_through_sqlalchemy(
    engine: AsyncEngine, transactions: Transactions
) -> None:
    def claim_and_complete(connection: SqlConnection) -> None:
        rows = records(connection)
        assert rows.insert(claim_row("d1"))
        assert not rows.insert(claim_row("d1"))  # the key is taken
        rows.complete("d1", "t" * 32, 201, HEADERS, b'{"id": 7}')

    await transactions.run(claim_and_complete)

    def read_with_core(connection: Connection) -> Mapping[str, Any] | None:
        return CoreRecords(connection).read("d1")

    async with engine.connect() as conn:
        row = await conn.run_sync(read_with_core)
    assert row is not None
    assert (row["state"], row["status"], row["body"]) == (DONE, 201, b'{"id": 7}')
    assert row["headers"] == HEADERS


async def test_rows_written_through_sqlalchemy_read_the_same_by_sqlite3(
    engine: AsyncEngine, transactions: Transactions
) -> None:
    def claim_and_complete(connection: Connection) -> None:
        rows = CoreRecords(connection)
        assert rows.insert(claim_row("d1"))
        rows.complete("d1", "t" * 32, 201, HEADERS, b"{}")

    async with engine.begin() as conn:
        await conn.run_sync(claim_and_complete)
    row = await transactions.run(lambda c: records(c).read("d1"))

    assert row is not None
    assert (row["state"], row["headers"], row["body"]) == (DONE, HEADERS, b"{}")


async def test_expired_rows_are_deleted_by_key_or_all_at_once(transactions: Transactions) -> None:
    def setup(connection: SqlConnection) -> None:
        for digest in ("d1", "d2", "d3"):
            records(connection).insert(claim_row(digest))

    await transactions.run(setup)
    one = await transactions.run(lambda c: records(c).delete_expired("d1", 300.0))
    live = await transactions.run(lambda c: records(c).delete_expired(None, 150.0))
    rest = await transactions.run(lambda c: records(c).delete_expired(None, 300.0))

    assert (one, live, rest) == (1, 0, 2)
