"""Xero's errors as Atrium's vendor errors, and its validation messages as our pointers.

    VendorError (system_apis._kit.errors)
     ├── VendorUnavailableError      Xero 5xx, connection errors
     │    └── VendorRateLimitedError Xero 429 (X-Rate-Limit-Problem: minute | day | concurrent)
     ├── VendorTimeoutError
     ├── VendorNotFoundError         404
     ├── VendorRejectedError         400 ValidationException → pointers below
     ├── VendorConflictError         400 on a status change Xero's workflow forbids
     ├── VendorAuthError             401 / 403 (token or tenant connection)
     └── SchemaDriftError            a payload without fields the mapping needs

Xero's wording never leaves: each message is matched to a pointer into *our* request body
and a message of ours.
"""

from __future__ import annotations

import json
import re
from typing import Any

from system_apis._kit.errors import FieldError

CONFLICT = re.compile(r"not of valid status|cannot be voided|cannot be edited", re.IGNORECASE)
_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), pointer, message)
    for pattern, pointer, message in (
        (r"lock date", "#/{date}", "the date falls in a closed accounting period"),
        (r"total debits", "#/lines", "debits and credits do not balance"),
        (r"account code", "#/lines", "an account code is not in the chart of accounts"),
        (r"tracking", "#/lines", "a dimension value is not valid"),
        (r"contact name", "#/name", "another customer already has this name"),
        (r"email", "#/email", "not a valid email address"),
        (r"invoice #", "#/invoice_number", "the invoice number is already used"),
        (r"valid contact", "#/customer_number", "the customer is not known to the ERP"),
        (r"due date", "#/due_date", "a due date is required"),
        (r"narration", "#/narration", "a narration is required"),
    )
)


def validation_messages(body: Any) -> list[str]:
    """Every `ValidationErrors[].Message` of a Xero 400 body (or its top-level `Message`)."""
    if not isinstance(body, dict):
        return []
    messages = [
        str(error.get("Message", ""))
        for element in body.get("Elements") or []
        if isinstance(element, dict)
        for error in element.get("ValidationErrors") or []
        if isinstance(error, dict)
    ]
    return messages or ([str(body["Message"])] if body.get("Message") else [])


def to_field_errors(messages: list[str], date_field: str) -> list[FieldError]:
    """Our pointers and words for Xero's validation messages (unmatched: the whole body)."""
    errors = []
    for text in messages:
        rule = next((r for r in _RULES if r[0].search(text)), None)
        if rule is None:
            errors.append(FieldError(pointer="#", message="the ERP refused this request"))
        else:
            errors.append(FieldError(pointer=rule[1].format(date=date_field), message=rule[2]))
    return errors


def read_body(content: bytes) -> Any:
    """A Xero error body as JSON, or None when it is empty or not JSON."""
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None
