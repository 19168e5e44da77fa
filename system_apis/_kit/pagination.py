"""Cursor pagination for every list: opaque cursors, a capped page size."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import Query

from contracts.problems import ProblemError

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_VERSION = 1

LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
]
CursorQuery = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` from the previous page; omit for the first."),
]


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque token for `position` (clients must not parse it)."""
    raw = json.dumps({"v": _VERSION, **position}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    """The position a cursor stands for; `{}` for the first page; 422 problem when forged."""
    if cursor is None:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        position = None
    if not isinstance(position, dict) or position.pop("v", None) != _VERSION:
        raise ProblemError("invalid-cursor", "The cursor is not one this API issued.")
    return position


def page_slice(items: list[Any], cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """Offset paging over a list already fetched and filtered; returns (page, next cursor)."""
    offset = decode_cursor(cursor).get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise ProblemError("invalid-cursor", "The cursor is not one this API issued.")
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, encode_cursor({"offset": offset + limit}) if more else None
