"""A time shown to the microsecond finds the record stored (as a float) at that time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from process_apis._runtime.query import stored_bound


@pytest.mark.parametrize(
    "stored", [1795390917.1234567, 1795390917.1234564, 1795390917.9999996, 1795390917.0]
)
def test_the_shown_time_bounds_its_own_record_in_and_out(stored: float) -> None:
    shown = datetime.fromtimestamp(stored, tz=UTC)  # what a view renders, to the microsecond
    assert stored >= stored_bound(shown)  # recorded_after=shown finds it
    assert not stored < stored_bound(shown)  # recorded_before=shown leaves it out


def test_rendering_can_round_up_past_the_stored_float() -> None:
    # Why the bound exists: the plain comparison misses a record whose time rounded up.
    stored = 1795390917.1234567
    shown = datetime.fromtimestamp(stored, tz=UTC)
    assert shown.timestamp() > stored
