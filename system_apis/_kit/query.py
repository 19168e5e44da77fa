"""Date and date-time query parameters that accept only their ISO 8601 text.

Pydantic's lax parsing reads `0` or `0.5` as a Unix timestamp, so a plain `date` or
`datetime` query parameter accepts what its documented `format` refuses. These types
check the text against the RFC 3339 form first and state that form as a `pattern`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import BeforeValidator, WithJsonSchema

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"


def _text_matching(pattern: str, kind: type, form: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, kind) or (isinstance(value, str) and compiled.fullmatch(value)):
            return value
        raise ValueError(f"expected {form}")

    return BeforeValidator(check)


IsoDate = Annotated[
    date,
    _text_matching(DATE_PATTERN, date, "an ISO 8601 date, YYYY-MM-DD"),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
IsoDateTime = Annotated[
    datetime,
    _text_matching(
        DATETIME_PATTERN, datetime, "an RFC 3339 date-time with offset, e.g. 2026-09-01T00:00:00Z"
    ),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATETIME_PATTERN}),
]
ChangedSinceQuery = Annotated[
    IsoDateTime | None, Query(description="Only records changed at or after this instant.")
]
