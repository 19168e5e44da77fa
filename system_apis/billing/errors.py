"""How Stripe's errors become vendor errors (the tree itself is `system_apis._kit.errors`).

Stripe answer                                      →  kit error                 → problem
400 invalid_request_error, code parameter_*/...    →  VendorRejectedError        422 + pointers
400 invalid_request_error, code invoice_not_editable → VendorConflictError       409
400 idempotency_error (key reused, other params)   →  VendorConflictError        409
401 / 403                                          →  VendorAuthError            502
402 card_error                                     →  VendorRejectedError        422
404 resource_missing                               →  VendorNotFoundError        404
409 (concurrent use of a key, lock timeout)        →  VendorUnavailableError     503 (retried)
429 rate_limit / lock_timeout                      →  VendorRateLimitedError     503 (retried)
5xx api_error                                      →  VendorUnavailableError     503 (retried)
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from pydantic import ValidationError

from system_apis._kit.errors import (
    FieldError,
    VendorConflictError,
    VendorError,
    VendorRejectedError,
    VendorUnavailableError,
)
from system_apis.billing.connector.models import StripeErrorBody, StripeErrorDetail

VENDOR = "stripe"
# Stripe error codes that say "the object's state forbids this", not "your input is wrong".
STATE_CODES = frozenset({"invoice_not_editable", "resource_already_exists"})


def stripe_error(response: httpx.Response) -> StripeErrorDetail | None:
    """The `error` object of a Stripe error body, when it has one."""
    try:
        return StripeErrorBody.model_validate_json(response.content).error
    except ValidationError:
        return None


def classify_stripe(response: httpx.Response, pointers: Mapping[str, str]) -> VendorError | None:
    """The kit error for the Stripe answers the status table alone gets wrong, else None."""
    detail = stripe_error(response)
    status = response.status_code
    what = f"HTTP {status} on {response.request.method} {response.request.url.path}"
    if detail is None:
        return None
    message = f"{what}: {detail.type}/{detail.code}: {detail.message}"
    if status == 409:
        return VendorUnavailableError(VENDOR, message, status=status)
    if detail.type == "idempotency_error" or detail.code in STATE_CODES:
        return VendorConflictError(VENDOR, message, status=status)
    if status in (400, 402):
        errors = field_errors(detail, pointers)
        return VendorRejectedError(VENDOR, message, status=status, errors=errors)
    return None


def field_errors(detail: StripeErrorDetail, pointers: Mapping[str, str]) -> list[FieldError]:
    """Stripe's `param` as a pointer into our request (the root when we cannot tell)."""
    if detail.param is None:
        return []
    pointer = pointers.get(detail.param, "#")
    # Stripe's wording names its own parameters, not ours: say what kind of problem it is.
    reason = "missing" if detail.code == "parameter_missing" else "refused by the billing system"
    return [FieldError(pointer=pointer, message=reason)]
