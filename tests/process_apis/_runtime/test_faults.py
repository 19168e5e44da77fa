"""The chaos switch names a point of a step, in every run or in one."""

from __future__ import annotations

import pytest

from process_apis._runtime.faults import armed

RUN = "time-to-cash:PRJ-0001:2026-10"


@pytest.mark.parametrize(
    ("spec", "step", "point", "run", "expected"),
    [
        (None, "finalize_invoice", "after-call", RUN, False),
        ("", "finalize_invoice", "after-call", RUN, False),
        ("finalize_invoice:after-call", "finalize_invoice", "after-call", RUN, True),
        ("finalize_invoice:after-call", "finalize_invoice", "before", RUN, False),
        ("finalize_invoice:after-call", "post_revenue", "after-call", RUN, False),
        (f"finalize_invoice:after-call@{RUN}", "finalize_invoice", "after-call", RUN, True),
        (f"finalize_invoice:after-call@{RUN}", "finalize_invoice", "after-call", "other", False),
        (f"finalize_invoice:after-call@{RUN}", "finalize_invoice", "after-call", None, False),
    ],
)
def test_switch_fires_only_where_it_points(
    spec: str | None, step: str, point: str, run: str | None, expected: bool
) -> None:
    assert armed(spec, step, point, run) is expected
