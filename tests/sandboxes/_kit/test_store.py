from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from sandboxes._kit.store import Between, DuplicateIdError, NotStoredError, Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "s.db") as s:
        yield s


def test_insert_numbers_documents_and_writes_the_id(store: Store) -> None:
    first = store.insert("users", {"name": "a"})
    second = store.insert("users", {"name": "b"})
    assert (first["id"], second["id"]) == (1, 2)
    assert store.get("users", 2) == {"name": "b", "id": 2}


def test_given_id_is_kept_out_of_the_document(store: Store) -> None:
    doc = store.insert("contacts", {"ContactID": "abc"}, id="abc")
    assert doc == {"ContactID": "abc"}
    assert store.get("contacts", "abc") == {"ContactID": "abc"}


def test_numeric_ids_given_raise_the_counter(store: Store) -> None:
    store.insert("users", {"n": 1}, id=40)
    assert store.insert("users", {"n": 2})["id"] == 41
    assert store.next_id("users") == 42


def test_int_and_str_ids_name_the_same_document(store: Store) -> None:
    store.insert("users", {"n": 1}, id=7)
    assert store.get("users", "7") == {"n": 1}


def test_duplicate_id_is_refused(store: Store) -> None:
    store.insert("users", {}, id="x")
    with pytest.raises(DuplicateIdError):
        store.insert("users", {}, id="x")


def test_collections_are_separate(store: Store) -> None:
    store.insert("a", {"v": 1}, id=1)
    store.insert("b", {"v": 2}, id=1)
    assert store.get("a", 1) == {"v": 1}
    assert store.collections() == {"a": 1, "b": 1}


def test_update_merges_and_replace_overwrites(store: Store) -> None:
    store.insert("users", {"name": "a", "age": 3})
    assert store.update("users", 1, {"age": 4}) == {"name": "a", "age": 4, "id": 1}
    store.replace("users", 1, {"only": True})
    assert store.get("users", 1) == {"only": True}


def test_update_or_replace_of_a_missing_document_raises(store: Store) -> None:
    with pytest.raises(NotStoredError):
        store.update("users", 9, {})
    with pytest.raises(NotStoredError):
        store.replace("users", 9, {})


def test_delete_reports_whether_something_was_removed(store: Store) -> None:
    store.insert("users", {})
    assert store.delete("users", 1) is True
    assert store.delete("users", 1) is False
    assert store.get("users", 1) is None


def test_all_keeps_insertion_order_after_updates(store: Store) -> None:
    for name in ("c", "a", "b"):
        store.insert("users", {"name": name})
    store.update("users", 1, {"name": "z"})
    assert [d["name"] for d in store.all("users")] == ["z", "a", "b"]


def test_find_matches_scalars_booleans_and_null(store: Store) -> None:
    store.insert("t", {"s": "x", "b": True, "n": None, "i": 2})
    store.insert("t", {"s": "x", "b": False, "n": 1, "i": 3})
    assert [d["i"] for d in store.find("t", s="x")] == [2, 3]
    assert [d["i"] for d in store.find("t", b=True)] == [2]
    assert [d["i"] for d in store.find("t", n=None)] == [2]
    assert [d["i"] for d in store.find("t", s="x", i=3)] == [3]
    assert store.find("t", missing="y") == []


def test_find_refuses_non_scalar_values(store: Store) -> None:
    with pytest.raises(TypeError):
        store.find("t", s=["x"])


def test_find_between_keeps_values_within_inclusive_bounds(store: Store) -> None:
    for day, user in (("2026-01-01", 1), ("2026-01-15", 2), ("2026-02-01", 1), ("x", None)):
        store.insert("t", {"day": day, "user": user})
    store.insert("t", {"user": 1})
    assert [d["day"] for d in store.find("t", day=Between("2026-01-01", "2026-01-31"))] == [
        "2026-01-01",
        "2026-01-15",
    ]
    assert [d["day"] for d in store.find("t", day=Between(low="2026-01-15"), user=1)] == [
        "2026-02-01"
    ]
    assert [d["day"] for d in store.find("t", day=Between(high="2026-01-01"))] == ["2026-01-01"]


def test_select_extracts_fields_of_the_matches_in_insertion_order(store: Store) -> None:
    store.insert("t", {"s": "b", "n": 2, "k": "x"})
    store.insert("t", {"s": "a", "n": 1, "k": "y"})
    store.insert("t", {"s": "c", "k": "x"})
    assert store.select("t", ("id", "s", "n"), k="x") == [
        {"id": 1, "s": "b", "n": 2},
        {"id": 3, "s": "c", "n": None},
    ]


def test_get_many_follows_the_order_asked_and_skips_missing_ids(store: Store) -> None:
    for name in ("a", "b", "c"):
        store.insert("t", {"name": name})
    store.insert("other", {"name": "z"}, id=4)
    assert [d["name"] for d in store.get_many("t", [3, "1", 4, 2])] == ["c", "a", "b"]
    assert store.get_many("t", []) == []


def test_field_names_cannot_escape_the_sql(store: Store) -> None:
    store.insert("t", {"it's": "x", "v": 1})
    assert store.find("t", **{"it's": "x"}) == [{"it's": "x", "v": 1, "id": 1}]
    assert store.select("t", ("it's",)) == [{"it's": "x"}]


def test_indexed_fields_are_looked_up_through_an_index(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db", indexed=("day",)) as store:
        store.insert("t", {"day": "2026-01-02"})
        store.insert("t", {"day": "2026-01-01"})
        plan = store._db.execute(
            "EXPLAIN QUERY PLAN SELECT body FROM docs WHERE collection = ? AND "
            """json_extract(body, '$."day"') >= ?""",
            ("t", "2026"),
        ).fetchall()
        assert "docs_by_day" in str(plan)
        assert [d["id"] for d in store.find("t", day=Between("2026-01-01", "2026-01-01"))] == [2]
        assert [d["id"] for d in store.find("t", day="2026-01-02")] == [1]


def test_only_identifier_fields_can_be_indexed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="identifier"):
        Store(tmp_path / "s.db", indexed=("a b",))


def test_documents_must_be_plain_json(store: Store) -> None:
    with pytest.raises(TypeError):
        store.insert("t", {"amount": Decimal("1.00")})


def test_transaction_rolls_back_on_error(store: Store) -> None:
    store.insert("t", {"v": 1})

    def write_then_fail() -> None:
        with store.transaction():
            store.insert("t", {"v": 2})
            with store.transaction():
                store.update("t", 1, {"v": 9})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert store.all("t") == [{"v": 1, "id": 1}]


def test_reset_empties_documents_counters_and_idempotency(store: Store) -> None:
    store.insert("t", {})
    store.remember_idempotent("s", "k", "f", {"status": 200})
    store.reset()
    assert store.is_empty()
    assert store.recall_idempotent("s", "k") is None
    assert store.insert("t", {})["id"] == 1


def test_first_idempotent_response_wins(store: Store) -> None:
    first = store.remember_idempotent("acct", "key-1", "fp-a", {"status": 201, "body": {"id": 1}})
    second = store.remember_idempotent("acct", "key-1", "fp-b", {"status": 201, "body": {"id": 2}})
    assert second == first
    recalled = store.recall_idempotent("acct", "key-1")
    assert recalled is not None
    assert (recalled.fingerprint, recalled.response["body"]) == ("fp-a", {"id": 1})
    assert store.recall_idempotent("other", "key-1") is None


def test_state_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.insert("t", {"v": 1})
        store.remember_idempotent("s", "k", "f", {"x": 1})
    with Store(path) as reopened:
        assert reopened.get("t", 1) == {"v": 1, "id": 1}
        assert reopened.recall_idempotent("s", "k") is not None
        assert reopened.insert("t", {})["id"] == 2


def test_concurrent_inserts_from_threads_get_distinct_ids(store: Store) -> None:
    ids: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(50):
            doc = store.insert("t", {})
            with lock:
                ids.append(doc["id"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(ids) == list(range(1, 201))
    assert store.count("t") == 200
