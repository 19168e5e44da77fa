"""How BambooHR's errors become the kit's vendor errors.

    BambooHR answer                                   kit error (-> client problem)
     ├── 429 + Retry-After                            VendorRateLimitedError   -> 503
     ├── 503 (+ Retry-After): BambooHR's throttle     VendorRateLimitedError   -> 503
     ├── other 5xx                                    VendorUnavailableError   -> 503
     ├── 404                                          VendorNotFoundError      -> 404
     ├── 400 / 406 / 409 naming a field               VendorRejectedError      -> 422 + pointer
     ├── 409 naming no field                          VendorConflictError      -> 409
     ├── 400 otherwise                                VendorRejectedError      -> 422
     └── 401 / 403                                    VendorAuthError          -> 502

BambooHR names an invalid field in `X-BambooHR-Error-Message` ("Invalid value for field:
workEmail"); the field is translated back to the canonical attribute the client sent, so
the 422 points into the client's own request.
"""

from __future__ import annotations

import re

import httpx

from system_apis._kit.errors import (
    FieldError,
    VendorError,
    VendorRateLimitedError,
    VendorRejectedError,
)
from system_apis._kit.retry import parse_retry_after

VENDOR = "bamboohr"
ERROR_HEADER = "x-bamboohr-error-message"
_FIELD = re.compile(r"field:?\s*'?(?P<field>[A-Za-z0-9_]+)'?", re.IGNORECASE)

# BambooHR field -> the canonical worker attribute a client writes it through.
CANONICAL_ATTRIBUTE = {
    "employeeNumber": "employee_number",
    "firstName": "first_name",
    "lastName": "last_name",
    "preferredName": "preferred_name",
    "workEmail": "email",
    "hireDate": "hire_date",
    "employmentStatus": "employment_type",
    "customCostCenter": "cost_centre",
    "customGrade": "grade",
    "jobTitle": "job_title",
    "department": "org_unit_id",
    "division": "legal_entity",
    "location": "location",
    "reportsTo": "manager_id",
    "date": "effective_date",
}


def vendor_message(response: httpx.Response) -> str:
    """BambooHR's own wording (for logs only): the header, else the JSON body's message."""
    header = response.headers.get(ERROR_HEADER)
    if header:
        return str(header)
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("message", "")) if isinstance(error, dict) else ""


def field_errors(response: httpx.Response) -> list[FieldError]:
    """The field BambooHR refused, as a pointer into the canonical request body."""
    match = _FIELD.search(vendor_message(response))
    if match is None:
        return []
    attribute = CANONICAL_ATTRIBUTE.get(match["field"], match["field"])
    return [FieldError(pointer=f"#/{attribute}", message="refused by the HCM")]


def classify(response: httpx.Response) -> VendorError | None:
    """BambooHR's special cases; None leaves the answer to the kit's status table."""
    status = response.status_code
    message = f"HTTP {status} on {response.request.method} {response.request.url.path}: "
    message += vendor_message(response)
    if status == 503:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return VendorRateLimitedError(VENDOR, message, status=503, retry_after_s=retry_after)
    if status in (400, 406, 409):
        errors = field_errors(response)
        if errors or status != 409:
            return VendorRejectedError(VENDOR, message, status=status, errors=errors)
    return None
