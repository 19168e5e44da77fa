"""Date-times in process API requests that accept only the text their schema documents.

Pydantic's lax parsing reads `0.5` as a Unix timestamp, so a plain `datetime` query
parameter takes what its documented `format: date-time` refuses. `IsoDateTime` checks the
RFC 3339 text first and states that form as the `pattern`, in queries and bodies alike.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Strict, WithJsonSchema

DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
_DATETIME = re.compile(DATETIME_PATTERN)


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _DATETIME.fullmatch(value)):
        return value
    raise ValueError("expected an RFC 3339 date-time with offset, e.g. 2026-09-01T00:00:00Z")


IsoDateTime = Annotated[
    datetime,
    Strict(False),  # also inside strict request bodies, where the text must still parse
    BeforeValidator(_rfc3339),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}),
]


def stored_bound(moment: datetime) -> float:
    """The float to compare a stored Unix time with, for a time clients saw to the microsecond.

    Times are kept as floats and shown rounded to the microsecond, so a stored time may lie
    up to half a microsecond below the one shown: `stored >= stored_bound(shown)` finds the
    record shown at `shown`, and `stored < stored_bound(shown)` leaves it out.
    """
    return moment.timestamp() - 0.5e-6
