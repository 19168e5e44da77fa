"""Relay connections: `first`/`after` over upstream pages or over a list already loaded.

A cursor names a place in an upstream list as the system API's own cursor of a page plus
how many items of that page come before the place; for a loaded list the upstream cursor is
empty and the count is the offset. The process APIs page by offset (`next_offset`), which
`by_offset` turns into an upstream cursor. Cursors are opaque to clients (base64url JSON).
Only forward paging is offered: `hasPreviousPage` is always false.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol, TypeAlias, TypeVar

import strawberry
from strawberry import relay

from contracts.common import Page
from gateway.graphql.errors import InvalidInputError
from gateway.graphql.scans import UPSTREAM_PAGE, read_page

M = TypeVar("M")  # a contract model
M_co = TypeVar("M_co", covariant=True)
N = TypeVar("N", bound=relay.Node)  # its GraphQL type

MAX_FIRST = 100
DEFAULT_FIRST = 20
FIRST_HELP = f"How many items, 1 to {MAX_FIRST}."
AFTER_HELP = "The `endCursor` (or an edge's cursor) to continue after."
First: TypeAlias = Annotated[int, strawberry.argument(description=FIRST_HELP)]
After: TypeAlias = Annotated[str | None, strawberry.argument(description=AFTER_HELP)]


@dataclass(frozen=True, slots=True)
class Cursor:
    """A place in a list: after `skip` items of the upstream page that `upstream` starts."""

    upstream: str | None = None
    skip: int = 0

    def encode(self) -> str:
        raw = json.dumps({"u": self.upstream, "s": self.skip}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        if text is None:
            return cls()
        try:
            value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        except (ValueError, binascii.Error, UnicodeError):
            value = None
        if not isinstance(value, dict) or set(value) != {"u", "s"}:
            raise _bad_cursor()
        upstream, skip = value["u"], value["s"]
        if not isinstance(upstream, str | None) or not isinstance(skip, int) or skip < 0:
            raise _bad_cursor()
        return cls(upstream, skip)


def _bad_cursor() -> InvalidInputError:
    return InvalidInputError("invalid-cursor", "The cursor is not one this API issued.")


class OffsetPage(Protocol[M_co]):
    """A process API's page: items and the offset of the next page (None on the last)."""

    @property
    def items(self) -> Sequence[M_co]: ...

    @property
    def next_offset(self) -> int | None: ...


def by_offset(
    read: Callable[[int, int], Awaitable[OffsetPage[M]]],
) -> Callable[[str | None, int], Awaitable[Page[M]]]:
    """A reader for `connection_from_pages` over an offset-paged list (`read(offset, limit)`)."""

    async def read_page(cursor: str | None, limit: int) -> Page[M]:
        if cursor is not None and not (cursor.isascii() and cursor.isdigit() and len(cursor) < 10):
            raise _bad_cursor()
        found = await read(int(cursor or 0), limit)
        following = None if found.next_offset is None else str(found.next_offset)
        return Page[M](items=list(found.items), next_cursor=following)

    return read_page


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_FIRST:
        raise InvalidInputError(
            "validation-failed", f"`first` must be between 1 and {MAX_FIRST}.", argument="first"
        )


def _connection(edges: list[relay.Edge[N]], has_next: bool) -> relay.Connection[N]:
    info = relay.PageInfo(
        has_next_page=has_next,
        has_previous_page=False,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return relay.Connection(page_info=info, edges=edges)


def connection_from_list(
    items: Sequence[M], wrap: Callable[[M], N], *, first: int, after: str | None
) -> relay.Connection[N]:
    """A connection over a list already loaded (a parent's children)."""
    check_first(first)
    start = Cursor.decode(after)
    if start.upstream is not None:
        raise _bad_cursor()
    chosen = items[start.skip : start.skip + first]
    edges = [
        relay.Edge(cursor=Cursor(None, start.skip + i + 1).encode(), node=wrap(item))
        for i, item in enumerate(chosen)
    ]
    return _connection(edges, start.skip + first < len(items))


async def connection_from_pages(
    system: str,
    read: Callable[[str | None, int], Awaitable[Page[M]]],
    wrap: Callable[[M], N],
    *,
    first: int,
    after: str | None,
    seen: Callable[[list[M]], None] | None = None,
) -> relay.Connection[N]:
    """A connection over a system API's list, reading as few pages as `first` needs.

    `seen` gets every page read (to prime a loader, so nested fields find them for free).
    """
    check_first(first)
    place = Cursor.decode(after)
    edges: list[relay.Edge[N]] = []
    while True:
        wanted = first - len(edges)
        limit = min(UPSTREAM_PAGE, place.skip + wanted)
        page = await read_page(system, read, place.upstream, limit)
        if seen is not None:
            seen(page.items)
        taken = page.items[place.skip : place.skip + wanted]
        for offset, item in enumerate(taken, start=place.skip + 1):
            at_end = offset == len(page.items) and page.next_cursor is not None
            cursor = Cursor(page.next_cursor, 0) if at_end else Cursor(place.upstream, offset)
            edges.append(relay.Edge(cursor=cursor.encode(), node=wrap(item)))
        more_here = place.skip + len(taken) < len(page.items)
        if len(edges) >= first or page.next_cursor is None or not page.items:
            return _connection(edges, more_here or page.next_cursor is not None)
        # A short page (only ever the last) may hold fewer items than the cursor skips.
        place = Cursor(page.next_cursor, max(0, place.skip - len(page.items)))
