"""Date and date-time query types accept only their ISO 8601 text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from system_apis._kit.query import DATE_PATTERN, DATETIME_PATTERN, IsoDate, IsoDateTime

DATES = TypeAdapter(IsoDate)
INSTANTS = TypeAdapter(IsoDateTime)


def test_iso_date_text_is_parsed() -> None:
    assert DATES.validate_python("2026-10-01") == date(2026, 10, 1)


@pytest.mark.parametrize("text", ["0", "0.5", "20261001", "2026-10-01T00:00:00Z", " 2026-10-01"])
def test_anything_but_a_plain_date_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="ISO 8601 date"):
        DATES.validate_python(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-01T00:00:00Z", datetime(2026, 9, 1, tzinfo=UTC)),
        (
            "2026-09-01t08:30:00.5+05:30",
            datetime(2026, 9, 1, 8, 30, 0, 500000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
    ],
)
def test_rfc3339_instants_are_parsed(text: str, expected: datetime) -> None:
    assert INSTANTS.validate_python(text) == expected


@pytest.mark.parametrize("text", ["0", "0.5", "1700000000", "2026-09-01", "2026-09-01T00:00:00"])
def test_timestamps_dates_and_naive_times_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="RFC 3339"):
        INSTANTS.validate_python(text)


def test_schemas_state_format_and_pattern() -> None:
    date_schema = DATES.json_schema()
    assert date_schema == {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    instant_schema = INSTANTS.json_schema()
    assert instant_schema["format"] == "date-time"
    assert instant_schema["pattern"] == DATETIME_PATTERN
