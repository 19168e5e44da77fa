"""The small part of Xero's `where` filter language the sandbox understands.

    Status=="AUTHORISED" AND Date>=DateTime(2026,09,01) AND Contact.ContactID==Guid("…")

Clauses are joined by AND; values are quoted strings, `true`/`false`, numbers,
`DateTime(y,m,d)` or `Guid("…")`; operators ==, !=, >=, <=, >, <. Anything else is a 400,
as with Xero.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sandboxes.xero.wire import bad_request, parse_date

Predicate = Callable[[dict[str, Any]], bool]

_CLAUSE = re.compile(
    r"""^\s*(?P<field>[A-Za-z][A-Za-z0-9.]*)\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>
        "(?P<text>[^"]*)"
        | DateTime\((?P<y>\d{4}),\s*(?P<m>\d{1,2}),\s*(?P<d>\d{1,2})\)
        | Guid\("(?P<guid>[0-9a-fA-F-]{36})"\)
        | (?P<bool>true|false)
        | (?P<num>-?\d+(?:\.\d+)?)
    )\s*$""",
    re.VERBOSE,
)
_SPLIT = re.compile(r"\s+AND\s+", re.IGNORECASE)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a is not None and a >= b,
    "<=": lambda a, b: a is not None and a <= b,
    ">": lambda a, b: a is not None and a > b,
    "<": lambda a, b: a is not None and a < b,
}


def _value(match: re.Match[str]) -> Any:
    if match["y"]:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    if match["guid"]:
        return match["guid"].lower()
    if match["bool"]:
        return match["bool"] == "true"
    if match["num"]:
        return float(match["num"])
    return match["text"]


def _lookup(doc: dict[str, Any], path: str, as_date: bool) -> Any:
    value: Any = doc
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if as_date:
        return parse_date(value)
    return value.lower() if isinstance(value, str) and len(value) == 36 else value


def _clause(text: str) -> Predicate:
    match = _CLAUSE.match(text)
    if match is None:
        raise bad_request(f"Unsupported where clause: {text}")
    field, op, expected = match["field"], _OPS[match["op"]], _value(match)
    as_date = isinstance(expected, date)
    return lambda doc: op(_lookup(doc, field, as_date), expected)


def parse_where(where: str | None) -> Predicate:
    """A predicate over stored documents for a `where` parameter (everything when absent)."""
    if not where or not where.strip():
        return lambda doc: True
    clauses = [_clause(part) for part in _SPLIT.split(where.strip())]
    return lambda doc: all(clause(doc) for clause in clauses)
