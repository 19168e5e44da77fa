"""Whole collections read once per request: the batch of last resort.

The system APIs filter their lists by one parent at most (`project_id=…`) and never by a set
of ids, so a batch of many keys is answered from the whole collection, read page by page
(`UPSTREAM_PAGE` items per call) once per request and shared by every loader that needs it.
Its cost is the collection's page count: the same for five rows as for a hundred.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from contracts.common import Page
from gateway.graphql.errors import FieldError
from gateway.graphql.upstream import fetch

T = TypeVar("T")
UPSTREAM_PAGE = 200  # the largest `limit` a system API accepts
PageReader = Callable[[str | None, int], Awaitable[Page[T]]]


async def read_page(system: str, read: PageReader[T], cursor: str | None, limit: int) -> Page[T]:
    """One page; empty when the list is not the caller's to see (a system API's 404)."""
    try:
        return await fetch(system, read(cursor, limit))
    except FieldError as error:
        if error.extensions["code"] == "not-found":
            return Page[T](items=[])
        raise


async def read_all(system: str, read: PageReader[T]) -> list[T]:
    """Every item of a list, following `next_cursor` to the end."""
    items: list[T] = []
    cursor: str | None = None
    while True:
        page = await read_page(system, read, cursor, UPSTREAM_PAGE)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items


class Scan(Generic[T]):
    """One collection of one system API, read at most once per request."""

    def __init__(self, system: str, read: PageReader[T]) -> None:
        self.system = system
        self._read = read
        self._lock = asyncio.Lock()
        self._items: list[T] | None = None
        self._failure: FieldError | None = None

    @property
    def done(self) -> bool:
        """Whether the collection is already at hand (reading it again costs nothing)."""
        return self._items is not None

    async def items(self) -> list[T]:
        async with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._items is None:
                try:
                    self._items = await read_all(self.system, self._read)
                except FieldError as failure:
                    # Every loader waiting on this scan gets the same answer, not a retry each.
                    self._failure = failure
                    raise
            return self._items
