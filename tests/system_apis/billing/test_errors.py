"""Stripe's error answers classified: state conflicts, rejections with pointers, retriable ones."""

from __future__ import annotations

import httpx

from system_apis._kit.errors import (
    VendorConflictError,
    VendorRejectedError,
    VendorUnavailableError,
)
from system_apis.billing.errors import classify_stripe

POINTERS = {"currency": "#/amount/currency"}


def answer(status: int, body: object, path: str = "/v1/invoiceitems") -> httpx.Response:
    request = httpx.Request("POST", f"https://api.stripe.com{path}")
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, request=request)
    return httpx.Response(status, json=body, request=request)


def test_a_body_that_is_not_stripes_is_left_to_the_status_table() -> None:
    assert classify_stripe(answer(502, b"<html>bad gateway</html>"), POINTERS) is None
    assert classify_stripe(answer(500, {"message": "Injected fault"}), POINTERS) is None


def test_invalid_param_becomes_a_rejection_pointing_into_our_body() -> None:
    error = classify_stripe(
        answer(
            400, {"error": {"type": "invalid_request_error", "param": "currency", "message": "x"}}
        ),
        POINTERS,
    )
    assert isinstance(error, VendorRejectedError)
    assert [(e.pointer, e.message) for e in error.errors] == [
        ("#/amount/currency", "refused by the billing system")
    ]


def test_rejection_without_param_or_with_unknown_param() -> None:
    bare = classify_stripe(answer(402, {"error": {"type": "card_error", "message": "x"}}), POINTERS)
    assert isinstance(bare, VendorRejectedError)
    assert bare.errors == []
    missing = classify_stripe(
        answer(
            400,
            {
                "error": {
                    "type": "invalid_request_error",
                    "code": "parameter_missing",
                    "param": "tax_rates",
                }
            },
        ),
        POINTERS,
    )
    assert isinstance(missing, VendorRejectedError)
    assert [(e.pointer, e.message) for e in missing.errors] == [("#", "missing")]


def test_state_and_idempotency_errors_are_conflicts() -> None:
    state = answer(
        400, {"error": {"type": "invalid_request_error", "code": "invoice_not_editable"}}
    )
    reused = answer(400, {"error": {"type": "idempotency_error", "message": "Keys for ..."}})
    assert isinstance(classify_stripe(state, POINTERS), VendorConflictError)
    assert isinstance(classify_stripe(reused, POINTERS), VendorConflictError)


def test_a_409_lock_is_retriable_and_other_statuses_fall_through() -> None:
    locked = classify_stripe(
        answer(409, {"error": {"type": "invalid_request_error", "code": "lock_timeout"}}), POINTERS
    )
    assert isinstance(locked, VendorUnavailableError)
    assert locked.retriable
    not_found = answer(
        404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
    )
    assert classify_stripe(not_found, POINTERS) is None
