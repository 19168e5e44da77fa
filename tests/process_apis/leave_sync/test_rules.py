"""The pure rules of leave-sync: at-risk flags in project notes, the weeks a run follows."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from process_apis.leave_sync.flags import NOTES_LIMIT, flag_line, overlaps, with_flag, without_flag
from process_apis.leave_sync.flow import weeks_after
from process_apis.leave_sync.settings import LeaveSyncSettings

LINE = flag_line("41", "E0007", date(2026, 11, 23), date(2026, 11, 24))


def test_a_flag_is_added_once_and_removed_alone() -> None:
    notes = "Kick-off on Monday."

    flagged = with_flag(notes, LINE)
    assert flagged == f"Kick-off on Monday.\n{LINE}"
    assert with_flag(flagged, LINE) is None
    other = flag_line("42", "E0008", date(2026, 11, 23), date(2026, 11, 23))
    both = with_flag(flagged, other)
    assert without_flag(both, "41") == f"Kick-off on Monday.\n{other}"
    assert without_flag(notes, "41") is None
    assert with_flag(None, LINE) == LINE


def test_a_flag_that_would_overflow_the_notes_is_not_written() -> None:
    assert with_flag("x" * NOTES_LIMIT, LINE) is None


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        (None, None, True),
        (date(2026, 11, 24), None, True),
        (date(2026, 11, 25), None, False),
        (None, date(2026, 11, 22), False),
        (date(2026, 1, 1), date(2026, 11, 23), True),
    ],
)
def test_projects_overlap_the_leave_when_they_run_during_it(
    starts: date | None, ends: date | None, expected: bool
) -> None:
    assert overlaps(starts, ends, date(2026, 11, 23), date(2026, 11, 24)) is expected


def test_a_run_follows_each_week_of_the_leave_and_the_week_after() -> None:
    this_week = date(2026, 11, 16)

    assert weeks_after(this_week, date(2026, 11, 18)) == [date(2026, 11, 23)]
    assert weeks_after(this_week, date(2026, 12, 1)) == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
    ]
    assert weeks_after(this_week, date(2026, 11, 1)) == []


def test_the_poll_window_is_one_hcm_query() -> None:
    with pytest.raises(ValidationError, match="exceeds"):
        LeaveSyncSettings(poll_past_days=30, poll_ahead_days=360)
