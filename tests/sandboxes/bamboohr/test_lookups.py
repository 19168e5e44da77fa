"""Per-request lookups: the job row in effect per employee, and list option ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sandboxes._kit.store import Store
from sandboxes.bamboohr.documents import option_id
from sandboxes.bamboohr.lookups import Lookups, job_in_effect, option_ids

TODAY = date(2026, 6, 15)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "bamboohr.db") as s:
        for employee_id, day, title in (
            ("1", "2025-01-01", "Analyst"),
            ("1", "2026-03-01", "Consultant"),  # in effect for 1 ...
            ("1", "2026-07-01", "Manager"),  # ... because this one is in the future
            ("2", "2026-06-15", "Lead"),
            ("2", "2026-06-15", "Principal"),  # same day, higher id: wins the tie
            ("3", "2026-09-01", "Starter"),  # only a future row: nothing in effect
        ):
            s.insert("jobInfo", {"employeeId": employee_id, "date": day, "jobTitle": title})
        s.insert("jobInfo", {"employeeId": 4, "date": "2020-01-01", "jobTitle": "Numeric"})
        s.insert("lists", {"alias": "department", "options": [{"id": 7, "name": "Ops"}]}, id=4)
        s.insert("lists", {"alias": "department", "options": [{"id": 8, "name": "Ops"}]}, id=5)
        s.insert(
            "lists",
            {
                "alias": "location",
                "options": [{"id": 1, "name": "Oslo"}, {"id": 2, "name": "Oslo"}],
            },
            id=6,
        )
        yield s


def test_job_in_effect_is_the_latest_row_not_after_today_with_ties_by_id() -> None:
    rows = [
        {"id": 1, "date": "2026-06-15", "jobTitle": "a"},
        {"id": 3, "date": "2026-06-15", "jobTitle": "b"},
        {"id": 2, "date": "2026-06-15", "jobTitle": "c"},
        {"id": 4, "date": "2026-06-16", "jobTitle": "future"},
    ]
    assert job_in_effect(rows, TODAY)["jobTitle"] == "b"
    assert job_in_effect(rows[3:], TODAY) == {}


def test_lookups_job_titles_for_the_fixture(store: Store) -> None:
    # 1: the March row (July is in the future); 2: the same-day tie goes to the higher id;
    # 3: only a future row; 4: stored with a numeric id, which `employeeId` lookups never
    # matched; 99: no rows.
    wanted = {"1": "Consultant", "2": "Principal", "3": None, "4": None, "99": None}
    everyone = Lookups.for_all(store, TODAY)
    assert {e: everyone.job(e).get("jobTitle") for e in wanted} == wanted
    for employee_id, title in wanted.items():
        one = Lookups.for_employee(store, employee_id, TODAY)
        assert one.job(employee_id).get("jobTitle") == title


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("department", "Ops"),
        ("location", "Oslo"),
        ("location", "Rome"),
        ("nope", "Ops"),
        ("department", None),
    ],
)
def test_option_ids_match_the_first_list_and_option_as_option_id_did(
    store: Store, alias: str, name: str | None
) -> None:
    assert Lookups.for_all(store, TODAY).option_id(alias, name) == option_id(store, alias, name)


def test_option_ids_keep_the_first_list_of_an_alias_and_the_first_option_of_a_name(
    store: Store,
) -> None:
    assert option_ids(store.all("lists")) == {"department": {"Ops": "7"}, "location": {"Oslo": "1"}}
