"""Stripe lists: newest first, `limit` 1-100 (default 10), `starting_after`/`ending_before`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandboxes.stripe.errors import invalid_param, no_such
from sandboxes.stripe.forms import Params, integer, text

Doc = dict[str, Any]


def limit_of(params: Params) -> int:
    limit = integer(params, "limit")
    if limit is None:
        return 10
    if not 1 <= limit <= 100:
        raise invalid_param(
            "limit", "This value must be greater than or equal to 1 and less than or equal to 100."
        )
    return limit


def _index(docs: list[Doc], object_id: str, kind: str, param: str) -> int:
    for i, doc in enumerate(docs):
        if doc["id"] == object_id:
            return i
    raise no_such(kind, object_id, param=param, status=400)


_BOUNDS: dict[str, Callable[[int, int], bool]] = {
    "gt": lambda value, bound: value > bound,
    "gte": lambda value, bound: value >= bound,
    "lt": lambda value, bound: value < bound,
    "lte": lambda value, bound: value <= bound,
}


def created_within(docs: list[Doc], params: Params, field: str) -> list[Doc]:
    """Stripe's `created` filter: a timestamp, or `created[gt|gte|lt|lte]` bounds."""
    raw = params.get("created")
    if raw is None:
        return docs
    if isinstance(raw, str):
        exact = integer(params, "created")
        return [d for d in docs if d[field] == exact]
    if not isinstance(raw, dict) or not set(raw) <= set(_BOUNDS):
        raise invalid_param("created", "Invalid created: use created[gt|gte|lt|lte]")
    bounds = {op: integer(raw, op) or 0 for op in raw}
    return [d for d in docs if all(_BOUNDS[op](d[field], b) for op, b in bounds.items())]


def list_object(
    docs: list[Doc],
    params: Params,
    *,
    url: str,
    kind: str,
    render: Callable[[Doc], Doc],
    created_field: str = "created",
) -> Doc:
    """One page of `docs` (given oldest first) as Stripe's `list` object."""
    newest_first = list(reversed(created_within(docs, params, created_field)))
    limit = limit_of(params)
    after, before = text(params, "starting_after"), text(params, "ending_before")
    if after is not None and before is not None:
        raise invalid_param(
            "ending_before",
            "You may only specify one of these parameters: ending_before, starting_after.",
        )
    if before is not None:
        end = _index(newest_first, before, kind, "ending_before")
        start = max(0, end - limit)
        page, more = newest_first[start:end], start > 0
    else:
        start = 0 if after is None else _index(newest_first, after, kind, "starting_after") + 1
        page, more = newest_first[start : start + limit], start + limit < len(newest_first)
    return {"object": "list", "data": [render(d) for d in page], "has_more": more, "url": url}
