"""Every vendor error becomes a canonical problem; vendor wording never reaches the client."""

from __future__ import annotations

import pytest

from system_apis._kit.errors import (
    FieldError,
    SchemaDriftError,
    VendorAuthError,
    VendorConflictError,
    VendorError,
    VendorNotFoundError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorTimeoutError,
    VendorUnavailableError,
    problem_for,
)

SECRET = "internal vendor detail sk_live_123"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (VendorUnavailableError("acme", SECRET, status=500), 503),
        (VendorRateLimitedError("acme", SECRET, retry_after_s=12), 503),
        (VendorTimeoutError("acme", SECRET), 504),
        (VendorNotFoundError("acme", SECRET, status=404), 404),
        (VendorRejectedError("acme", SECRET, errors=[FieldError("#/name", "required")]), 422),
        (VendorConflictError("acme", SECRET, status=409), 409),
        (VendorAuthError("acme", SECRET, status=401), 502),
        (SchemaDriftError("acme", "Thing", ["name"]), 502),
        (VendorError("acme", SECRET, status=418), 502),
    ],
)
def test_maps_vendor_error_to_problem_without_vendor_message(
    error: VendorError, status: int
) -> None:
    problem = problem_for(error).to_problem("req-1")
    assert problem.status == status
    assert SECRET not in problem.model_dump_json()


def test_busy_vendor_problem_carries_retry_after() -> None:
    problem = problem_for(VendorRateLimitedError("acme", "x", retry_after_s=12.4))
    assert problem.headers["Retry-After"] == "12"
    assert problem_for(VendorUnavailableError("acme", "x")).headers["Retry-After"] == "5"


def test_rejection_keeps_field_pointers() -> None:
    error = VendorRejectedError("acme", "x", errors=[FieldError("#/lines/0/amount", "bad")])
    problem = problem_for(error).to_problem(None)
    assert problem.errors is not None
    assert problem.errors[0].pointer == "#/lines/0/amount"


def test_drift_names_missing_fields() -> None:
    problem = problem_for(SchemaDriftError("acme", "Thing", ["name", "id"]))
    assert "name, id" in problem.detail
    assert problem.extensions["missing_fields"] == ["name", "id"]
