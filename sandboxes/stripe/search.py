"""A small Stripe Search Query Language: `field:'value'` / `field~'value'` joined by AND or OR.

Supported fields for customers: email, name, phone and `metadata['key']`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandboxes.stripe.errors import StripeError

Doc = dict[str, Any]
_CLAUSE = re.compile(
    r"""^\s*(?P<field>[a-z_]+(?:\[(?P<q>['"])(?P<key>[^'"]+)(?P=q)\])?)\s*"""
    r"""(?P<op>[:~])\s*(?P<vq>['"])(?P<value>[^'"]*)(?P=vq)\s*$"""
)
_FIELDS = ("email", "name", "phone", "metadata")


def _bad(query: str) -> StripeError:
    return StripeError(
        400,
        f"Invalid search query: {query!r}. See https://stripe.com/docs/search#search-query-language",
        param="query",
        kept=False,
    )


def _clause(text: str, query: str) -> Callable[[Doc], bool]:
    match = _CLAUSE.match(text)
    if match is None:
        raise _bad(query)
    field, key, op, value = match["field"].split("[")[0], match["key"], match["op"], match["value"]
    if field not in _FIELDS or (field == "metadata") != (key is not None):
        raise _bad(query)

    def actual(doc: Doc) -> str | None:
        value = doc.get("metadata", {}).get(key) if key is not None else doc.get(field)
        return value if isinstance(value, str) else None

    if op == ":":
        return lambda doc: actual(doc) == value
    if len(value) < 3:  # Stripe's substring match needs at least three characters
        raise _bad(query)
    return lambda doc: value.lower() in (actual(doc) or "").lower()


def compile_query(query: str) -> Callable[[Doc], bool]:
    """A predicate for `query`; Stripe's 400 when it cannot be parsed."""
    has_and, has_or = " AND " in query, " OR " in query
    if has_and and has_or:
        raise _bad(query)  # Stripe does not allow mixing AND and OR
    parts = re.split(r"\s+(?:AND|OR)\s+", query)
    tests = [_clause(part, query) for part in parts]
    if has_or:
        return lambda doc: any(t(doc) for t in tests)
    return lambda doc: all(t(doc) for t in tests)
