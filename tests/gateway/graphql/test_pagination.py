"""Relay cursors over upstream pages and over loaded lists (no gateway: an in-memory list API)."""

from __future__ import annotations

import pytest

from contracts import psa
from contracts.common import Page, Provenance
from gateway.graphql.errors import InvalidInputError
from gateway.graphql.pagination import (
    MAX_FIRST,
    Cursor,
    check_first,
    connection_from_list,
    connection_from_pages,
)
from gateway.graphql.types.projects import Task


def task(number: int) -> psa.Task:
    provenance = Provenance(system="harvest", remote_id=str(number))
    return psa.Task(
        id=str(number),
        name=f"T{number}",
        billable_by_default=True,
        active=True,
        provenance=provenance,
    )


class ListApi:
    """A system API list of `size` tasks with offset cursors, recording each call."""

    def __init__(self, size: int) -> None:
        self.items = [task(n) for n in range(size)]
        self.calls: list[tuple[str | None, int]] = []

    async def read(self, cursor: str | None, limit: int) -> Page[psa.Task]:
        self.calls.append((cursor, limit))
        start = int(cursor or 0)
        end = start + limit
        more = str(end) if end < len(self.items) else None
        return Page[psa.Task](items=self.items[start:end], next_cursor=more)


async def window(api: ListApi, first: int, after: str | None = None) -> tuple[list[str], object]:
    connection = await connection_from_pages("psa", api.read, Task.of, first=first, after=after)
    return [str(edge.node.id) for edge in connection.edges], connection


async def test_paging_with_end_cursors_visits_every_item_once_in_order() -> None:
    api = ListApi(450)
    seen: list[str] = []
    after = None
    while True:
        ids, connection = await window(api, 100, after)
        seen += ids
        info = connection.page_info  # type: ignore[attr-defined]
        if not info.has_next_page:
            break
        after = info.end_cursor
    assert seen == [str(n) for n in range(450)]
    assert len(api.calls) == 5  # one upstream page per GraphQL page
    assert all(limit <= 200 for _, limit in api.calls)


async def test_an_edge_cursor_resumes_right_after_that_edge() -> None:
    api = ListApi(50)
    _, connection = await window(api, 10)
    fourth = connection.edges[3].cursor  # type: ignore[attr-defined]
    ids, _ = await window(api, 5, fourth)
    assert ids == ["4", "5", "6", "7", "8"]


async def test_resuming_mid_page_reads_that_page_again_only_as_far_as_needed() -> None:
    api = ListApi(500)
    ids, _ = await window(api, 3, Cursor("200", 150).encode())
    assert ids == ["350", "351", "352"]
    assert api.calls == [("200", 153)]


async def test_a_skip_past_a_short_page_carries_into_the_next() -> None:
    api = ListApi(30)

    async def short_pages(cursor: str | None, limit: int) -> Page[psa.Task]:
        return await api.read(cursor, min(limit, 4))  # the API returns 4 at most

    connection = await connection_from_pages(
        "psa", short_pages, Task.of, first=2, after=Cursor(None, 6).encode()
    )
    assert [str(e.node.id) for e in connection.edges] == ["6", "7"]


async def test_the_last_page_says_there_is_nothing_next() -> None:
    ids, connection = await window(ListApi(3), 10)
    assert ids == ["0", "1", "2"]
    assert connection.page_info.has_next_page is False  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["", "not-base64!", Cursor().encode()[:-2] + "xx", "e30"])
def test_a_cursor_this_api_did_not_issue_is_refused(text: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        Cursor.decode(text)
    assert refused.value.extensions["code"] == "invalid-cursor"


def test_cursors_round_trip() -> None:
    assert Cursor.decode(Cursor("abc", 7).encode()) == Cursor("abc", 7)
    assert Cursor.decode(None) == Cursor(None, 0)


def test_a_loaded_list_is_sliced_by_offset_cursors() -> None:
    tasks = [task(n) for n in range(5)]
    first = connection_from_list(tasks, Task.of, first=2, after=None)
    assert [e.node.id for e in first.edges] == ["0", "1"]
    assert first.page_info.has_next_page
    rest = connection_from_list(tasks, Task.of, first=10, after=first.page_info.end_cursor)
    assert [e.node.id for e in rest.edges] == ["2", "3", "4"]
    assert not rest.page_info.has_next_page


def test_a_page_cursor_is_refused_by_a_loaded_list() -> None:
    with pytest.raises(InvalidInputError):
        connection_from_list([task(1)], Task.of, first=1, after=Cursor("200", 0).encode())


@pytest.mark.parametrize("first", [0, -1, MAX_FIRST + 1])
def test_first_outside_its_range_is_refused(first: int) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_first(first)
    assert refused.value.extensions["argument"] == "first"
