"""Our cursor pages over Harvest's pages: follow `links.next`, filter, remember where we were."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from contracts.problems import ProblemError
from system_apis._kit.pagination import decode_cursor, encode_cursor
from system_apis.psa.connector.api import HarvestPage, Params

Fetch = Callable[[Params], Awaitable[HarvestPage]]
# Only paging keys travel in our cursor; filters are rebuilt from each request, so a forged
# cursor cannot widen what a caller sees.
PAGING_KEYS = ("page", "cursor", "per_page")


def _position(cursor: str | None) -> tuple[Params, int]:
    position = decode_cursor(cursor)
    paging, skip = position.get("q", {}), position.get("s", 0)
    valid = (
        isinstance(paging, dict)
        and all(k in PAGING_KEYS and isinstance(v, str) for k, v in paging.items())
        and isinstance(skip, int)
        and skip >= 0
    )
    if not valid:
        raise ProblemError("invalid-cursor", "The cursor is not one this API issued.")
    return paging, skip


def _paging(params: Params | None) -> Params | None:
    if params is None:
        return None
    return {k: v for k, v in params.items() if k in PAGING_KEYS}


async def collect(
    fetch: Fetch,
    filters: Params,
    cursor: str | None,
    limit: int,
    keep: Callable[[Any], bool],
    *,
    per_page: int,
) -> tuple[list[Any], str | None]:
    """Up to `limit` vendor items passing `keep`, and the cursor to the rest (None: no more)."""
    paging, skip = _position(cursor)
    paging = paging or {"per_page": str(per_page)}
    found: list[Any] = []
    while True:
        page = await fetch(filters | paging)
        following = _paging(page.next_params)
        for index in range(skip, len(page.items)):
            if keep(page.items[index]):
                found.append(page.items[index])
            if len(found) == limit:
                if index + 1 < len(page.items):
                    return found, encode_cursor({"q": paging, "s": index + 1})
                return found, encode_cursor({"q": following, "s": 0}) if following else None
        if following is None:
            return found, None
        paging, skip = following, 0
