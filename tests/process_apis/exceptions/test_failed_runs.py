"""How a failed run is described and from which step it may be retried."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.problems import PROBLEM_BASE_URI, Problem
from process_apis.exceptions.failed_runs import (
    error_type_of,
    failed_run_exception_id,
    retry_step,
    system_of,
)
from system_apis.erp.v1.client import ErpApiError


def _step(function_id: int, error: Exception | None = None) -> dict[str, Any]:
    return {"function_id": function_id, "function_name": f"step{function_id}", "error": error}


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([_step(1), _step(2, RuntimeError("x"))], 2),
        ([_step(1), _step(2, RuntimeError("x")), _step(3, RuntimeError("y"))], 3),
        # A step that failed earlier and was handled does not count once a later one failed.
        ([_step(1, RuntimeError("x")), _step(2), _step(3, RuntimeError("y"))], 3),
        # The flow compensated after the failure: retrying from it would build on undone work.
        ([_step(1), _step(2, RuntimeError("x")), _step(3)], None),
        ([_step(1), _step(2)], None),  # the orchestration itself raised
        ([], None),
    ],
)
def test_retry_step_is_the_last_failed_step_with_nothing_run_after_it(
    steps: list[dict[str, Any]], expected: int | None
) -> None:
    assert retry_step(steps) == expected


def test_a_system_api_problem_names_the_error_type_and_system() -> None:
    problem = Problem(
        type=PROBLEM_BASE_URI + "period-closed",
        title="The accounting period is closed",
        status=409,
        detail="closed",
    )
    error = ErpApiError(problem)

    assert error_type_of(error) == "period-closed"
    assert system_of(error) == "erp"


@pytest.mark.parametrize("error", [RuntimeError("boom"), "text DBOS could not unpickle", None])
def test_any_other_error_is_a_run_failure_of_no_system(error: object) -> None:
    assert error_type_of(error) == "run-failed"
    assert system_of(error) is None


def test_a_failed_run_has_one_stable_exception_id() -> None:
    assert failed_run_exception_id("flow:1") == failed_run_exception_id("flow:1")
    assert failed_run_exception_id("flow:1") != failed_run_exception_id("flow:2")
