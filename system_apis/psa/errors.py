"""How Harvest's error answers become the kit's vendor errors.

    Harvest answer                                   -> kit error (problem)
    429 + Retry-After                                -> VendorRateLimitedError (503)
    5xx, dropped connection                          -> VendorUnavailableError (503)
    401 invalid_token / 403 permissions              -> VendorAuthError (502)
    404 Not Found                                    -> VendorNotFoundError (404)
    422 "Entry is locked: ..."                       -> VendorConflictError (409)
    422 "<Field> can't be blank | is invalid | ..."  -> VendorRejectedError (422, pointers)

Harvest words its 422s as Rails sentences naming the field; `field_errors` turns the field
into a pointer into *our* request body and says what is wrong in our own words, so no vendor
text reaches a client.
"""

from __future__ import annotations

import httpx

from system_apis._kit.errors import FieldError

# Harvest field (as its sentences name it) -> pointer into the canonical request body.
POINTERS = {
    "name": "#/name",
    "code": "#/project_code",
    "client": "#/customer_number",
    "task": "#/task_id",
    "user": "#/resource_id",
    "starts on": "#/starts_on",
    "ends on": "#/ends_on",
    "budget": "#/budget_hours",
    "hourly rate": "#/hourly_rate",
    "weekly capacity": "#/weekly_capacity_hours",
    "amount": "#/rate",
    "start date": "#/rate",
}
LOCKED_PREFIX = "entry is locked"


def harvest_message(response: httpx.Response) -> str:
    """The `message` of a Harvest error body ('' when it has none)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else ""


def is_locked_refusal(response: httpx.Response) -> bool:
    """Harvest refused to change a locked (approved or invoiced) time entry."""
    return response.status_code == 422 and harvest_message(response).lower().startswith(
        LOCKED_PREFIX
    )


def field_errors_of(response: httpx.Response) -> list[FieldError]:
    """The canonical field a Harvest 422 sentence names, with our own description."""
    message = harvest_message(response).lower()
    for field, pointer in sorted(POINTERS.items(), key=lambda kv: -len(kv[0])):
        if message.startswith(field + " "):
            return [FieldError(pointer=pointer, message=_complaint(message))]
    return []


def _complaint(message: str) -> str:
    if "already been taken" in message:
        return "is already in use in the PSA"
    if "can't be blank" in message:
        return "is missing or refers to nothing in the PSA"
    return "is not acceptable to the PSA"
