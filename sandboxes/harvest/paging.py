"""Harvest's list envelope: `page`/`per_page`, totals, and absolute `links`."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from sandboxes.harvest.errors import Unprocessable

MAX_PER_PAGE = 2000


def _link(request: Request, page: int, per_page: int) -> str:
    params = dict(request.query_params)
    params.update(page=str(page), per_page=str(per_page))
    return str(request.url.replace_query_params(**params))


def page_of(request: Request, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """One page of `items` under `key`, the way every Harvest list answers."""
    try:
        page = int(request.query_params.get("page", "1"))
        per_page = int(request.query_params.get("per_page", str(MAX_PER_PAGE)))
    except ValueError:
        raise Unprocessable("Page is invalid") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise Unprocessable("Per page must be between 1 and 2000")
    total = len(items)
    pages = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    return {
        key: items[start : start + per_page],
        "per_page": per_page,
        "total_pages": pages,
        "total_entries": total,
        "next_page": page + 1 if page < pages else None,
        "previous_page": page - 1 if page > 1 else None,
        "page": page,
        "links": {
            "first": _link(request, 1, per_page),
            "next": _link(request, page + 1, per_page) if page < pages else None,
            "previous": _link(request, page - 1, per_page) if page > 1 else None,
            "last": _link(request, pages, per_page),
        },
    }
