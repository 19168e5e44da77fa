"""Field types for strict request bodies: only the JSON forms their schema documents.

FastAPI validates a body in pydantic's Python mode on the decoded JSON. Lax, that mode
coerces what the schema refuses (`0` to `false`, `"1"` to `1`, `0` to 1970-01-01);
strict, it refuses the text a JSON date or decimal arrives as, and an enum member as its
value. Write models are therefore strict (`WRITE_CONFIG`), with these types (and
`Annotated[SomeEnum, Strict(False)]`) admitting exactly that text.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Strict

WRITE_CONFIG = ConfigDict(extra="forbid", strict=True)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?"
)


def _iso_date(value: Any) -> Any:
    """Admit a date or its ISO 8601 `YYYY-MM-DD` text; nothing else reaches the parser."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("expected an ISO 8601 date, YYYY-MM-DD")


WireDate = Annotated[date, Strict(False), BeforeValidator(_iso_date)]
# Decimal text is parsed as-is: a validator ahead of it would hide `ge`/`max_digits` from the
# JSON Schema, and the lax parser already refuses booleans, NaN and non-numeric text.
WireDecimal = Annotated[Decimal, Strict(False)]


def _iso_datetime(value: Any) -> Any:
    """Admit a datetime or its RFC 3339 text; numbers (Unix time) are refused."""
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_DATETIME.fullmatch(value)):
        return value
    raise ValueError("expected an RFC 3339 date-time, e.g. 2026-10-31T09:00:00Z")


WireDateTime = Annotated[datetime, Strict(False), BeforeValidator(_iso_datetime)]
