"""Opaque cursors: round trip, forged cursors refused, pages cover a list exactly once."""

from __future__ import annotations

import pytest

from contracts.problems import ProblemError
from system_apis._kit.pagination import decode_cursor, encode_cursor, page_slice


def test_cursor_round_trips() -> None:
    assert decode_cursor(encode_cursor({"after": "abc", "n": 3})) == {"after": "abc", "n": 3}
    assert decode_cursor(None) == {}


@pytest.mark.parametrize("forged", ["", "!!!", "e30", "bm90IGpzb24", "WzFd", "eyJ2IjoyfQ"])
def test_forged_cursor_is_a_422_problem(forged: str) -> None:
    with pytest.raises(ProblemError) as raised:
        decode_cursor(forged)
    assert raised.value.problem_type.status == 422


def test_pages_cover_every_item_once() -> None:
    items = list(range(23))
    seen: list[int] = []
    cursor: str | None = None
    while True:
        page, cursor = page_slice(items, cursor, 5)
        seen += page
        if cursor is None:
            break
    assert seen == items


def test_negative_offset_is_refused() -> None:
    with pytest.raises(ProblemError):
        page_slice([1, 2], encode_cursor({"offset": -1}), 5)
