"""A thread-safe SQLite (WAL) document store that keeps a sandbox's state across restarts.

Documents are JSON objects grouped in collections, keyed by an id (stored as text, so
`get("users", 7)` and `get("users", "7")` name the same document) and returned in insertion
order. When `insert` assigns the id itself it is the collection's next number and is also
written into the document as `"id"` (BambooHR and Harvest style); vendors with their own id
field (Xero's `ContactID`, Stripe's `cus_...`) pass `id=` and keep their document as is.

`find` filters on top-level fields (equal to a scalar, or `Between` two bounds) inside SQLite;
`select` returns only some fields of the matches, so that a large collection can be filtered
and sorted without parsing every document, and `get_many` then reads the few wanted. Fields a
vendor filters a large collection on can be `indexed` when the store is opened.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Doc = dict[str, Any]
DocId = int | str

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, id)
);
CREATE TABLE IF NOT EXISTS counters (collection TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
"""


class NotStoredError(KeyError):
    """The collection holds no document with that id."""


class DuplicateIdError(ValueError):
    """The collection already holds a document with that id."""


@dataclass(frozen=True)
class IdempotentRecord:
    """The first response given for an idempotency key, with the request's fingerprint."""

    fingerprint: str
    response: Doc


def _encode(doc: Doc) -> str:
    # Strict JSON: a Decimal or date here is a sandbox bug, caught at write time.
    return json.dumps(doc, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class Between:
    """A `find`/`select` condition: the field lies in [low, high] (None leaves that end open).

    Compared the way SQLite compares: text with text byte-wise (as Python compares `str`),
    numbers with numbers; a bound never matches a document whose field is missing or null.
    """

    low: object = None
    high: object = None


def _sql_value(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, int | float | str):
        return value
    raise TypeError(f"find() compares scalars only, not {type(value).__name__}")


def _path(field: str) -> str:
    return "$." + json.dumps(field)


def _extract(field: str) -> str:
    # The path is written into the SQL (not bound) so that SQLite can match the expression
    # to an index declared on it; quotes are doubled, so no field name can end the literal.
    return "json_extract(body, '" + _path(field).replace("'", "''") + "')"


def _where(collection: str, equals: dict[str, object]) -> tuple[str, list[object]]:
    """The SQL condition (and its parameters) for `find(collection, **equals)`."""
    clauses = ["collection = ?"]
    params: list[object] = [collection]
    for field, value in equals.items():
        if value is None:
            clauses.append("json_type(body, ?) IS 'null'")
            params.append(_path(field))
        elif isinstance(value, Between):
            for bound, operator in ((value.low, ">="), (value.high, "<=")):
                if bound is not None:
                    clauses.append(f"{_extract(field)} {operator} ?")
                    params.append(_sql_value(bound))
        else:
            clauses.append(f"{_extract(field)} = ?")
            params.append(_sql_value(value))
    return " AND ".join(clauses), params


def _index_sql(field: str) -> str:
    if not field.isidentifier():
        raise ValueError(f"only identifier fields can be indexed, not {field!r}")
    return f"CREATE INDEX IF NOT EXISTS docs_by_{field} ON docs (collection, {_extract(field)})"


class Store:
    """Collections of JSON documents in one SQLite file, safe to share between threads."""

    def __init__(self, path: Path, *, indexed: Iterable[str] = ()) -> None:
        """Open (or create) the store; `find`/`select` look `indexed` fields up in an index."""
        indexes = [_index_sql(field) for field in indexed]
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        for sql in indexes:
            self._db.execute(sql)

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close the connection."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one transaction (nestable); other threads wait until it ends."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def next_id(self, collection: str) -> int:
        """Reserve and return the collection's next numeric id."""
        with self.transaction():
            row = self._db.execute(
                "INSERT INTO counters VALUES (?, 1) ON CONFLICT(collection) "
                "DO UPDATE SET value = value + 1 RETURNING value",
                (collection,),
            ).fetchone()
            return int(row[0])

    def _raise_counter(self, collection: str, value: int) -> None:
        self._db.execute(
            "INSERT INTO counters VALUES (?, ?) ON CONFLICT(collection) "
            "DO UPDATE SET value = max(value, excluded.value)",
            (collection, value),
        )

    def insert(self, collection: str, doc: Doc, id: DocId | None = None) -> Doc:
        """Store a new document; without `id`, number it and write the number into `doc["id"]`."""
        with self.transaction():
            if id is None:
                id = self.next_id(collection)
                doc = {**doc, "id": id}
            elif isinstance(id, int) or id.isdigit():
                self._raise_counter(collection, int(id))
            try:
                self._db.execute(
                    "INSERT INTO docs (collection, id, body) VALUES (?, ?, ?)",
                    (collection, str(id), _encode(doc)),
                )
            except sqlite3.IntegrityError:
                raise DuplicateIdError(f"{collection}/{id} already exists") from None
        return doc

    def get(self, collection: str, id: DocId) -> Doc | None:
        """The document, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM docs WHERE collection = ? AND id = ?", (collection, str(id))
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def replace(self, collection: str, id: DocId, doc: Doc) -> Doc:
        """Overwrite a stored document (its insertion position is kept)."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE docs SET body = ? WHERE collection = ? AND id = ?",
                (_encode(doc), collection, str(id)),
            )
        if cursor.rowcount == 0:
            raise NotStoredError(f"{collection}/{id}")
        return doc

    def update(self, collection: str, id: DocId, changes: Doc) -> Doc:
        """Merge `changes` into a stored document (top-level keys) and return the result."""
        with self.transaction():
            current = self.get(collection, id)
            if current is None:
                raise NotStoredError(f"{collection}/{id}")
            return self.replace(collection, id, {**current, **changes})

    def delete(self, collection: str, id: DocId) -> bool:
        """Remove a document; False when there was none."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM docs WHERE collection = ? AND id = ?", (collection, str(id))
            )
        return cursor.rowcount > 0

    def all(self, collection: str) -> list[Doc]:
        """Every document of the collection, in insertion order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM docs WHERE collection = ? ORDER BY seq", (collection,)
            ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def find(self, collection: str, **equals: object) -> list[Doc]:
        """Documents whose fields equal the given scalars (or lie `Between` them), in order."""
        where, params = _where(collection, equals)
        sql = f"SELECT body FROM docs WHERE {where} ORDER BY seq"  # noqa: S608
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [json.loads(body) for (body,) in rows]

    def select(self, collection: str, fields: Sequence[str], /, **equals: object) -> list[Doc]:
        """The named top-level fields of the documents `find` would return, in the same order.

        SQLite extracts them without the documents being parsed in Python: cheap enough to
        filter and sort a large collection before reading the few documents wanted. Meant for
        scalars: JSON true/false come back as 1/0, objects and arrays as JSON text.
        """
        where, params = _where(collection, equals)
        columns = ", ".join(map(_extract, fields))
        sql = f"SELECT {columns} FROM docs WHERE {where} ORDER BY seq"  # noqa: S608
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [dict(zip(fields, row, strict=True)) for row in rows]

    def get_many(self, collection: str, ids: Sequence[DocId]) -> list[Doc]:
        """The stored documents among `ids`, in the order given (missing ones left out)."""
        keys = [str(one) for one in ids]
        with self._lock:
            rows = self._db.execute(
                "SELECT id, body FROM docs WHERE collection = ? "
                "AND id IN (SELECT value FROM json_each(?))",
                (collection, json.dumps(keys)),
            ).fetchall()
        bodies = dict(rows)
        return [json.loads(bodies[key]) for key in keys if key in bodies]

    def count(self, collection: str) -> int:
        """How many documents the collection holds."""
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM docs WHERE collection = ?", (collection,)
            ).fetchone()
        return int(row[0])

    def collections(self) -> dict[str, int]:
        """Each non-empty collection with its document count."""
        with self._lock:
            rows = self._db.execute(
                "SELECT collection, count(*) FROM docs GROUP BY collection ORDER BY collection"
            ).fetchall()
        return {name: int(n) for name, n in rows}

    def is_empty(self) -> bool:
        """True when no collection holds a document (a fresh or reset store)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None

    def reset(self) -> None:
        """Drop every document, counter and remembered idempotent response."""
        with self.transaction():
            for table in ("docs", "counters", "idempotency"):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608

    def remember_idempotent(
        self, scope: str, key: str, fingerprint: str, response: Doc
    ) -> IdempotentRecord:
        """Keep the first response for (scope, key); returns whichever record is stored."""
        with self.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO idempotency VALUES (?, ?, ?, ?)",
                (scope, key, fingerprint, _encode(response)),
            )
            stored = self.recall_idempotent(scope, key)
        assert stored is not None  # inserted or already there, inside one transaction
        return stored

    def recall_idempotent(self, scope: str, key: str) -> IdempotentRecord | None:
        """The response first given for (scope, key), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT fingerprint, response FROM idempotency WHERE scope = ? AND key = ?",
                (scope, key),
            ).fetchone()
        if row is None:
            return None
        return IdempotentRecord(fingerprint=row[0], response=json.loads(row[1]))
