"""RFC 9457 problem details: the one error shape every Atrium API answers with.

Every problem type has a stable code; its `type` URI is derived from the code and
never changes once shipped.

    ProblemError                       raised anywhere, rendered once at the edge
     ├── NotFoundError                 404 not-found
     ├── PayloadTooLargeError          413 payload-too-large
     └── (any code in PROBLEM_TYPES)   via ProblemError(code, detail=...)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_BASE_URI = "https://atrium.dev/problems/"


@dataclass(frozen=True, slots=True)
class ProblemType:
    """A stable kind of error: code, HTTP status and a short human title."""

    code: str
    status: int
    title: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE_URI + self.code


PROBLEM_TYPES: dict[str, ProblemType] = {
    p.code: p
    for p in (
        ProblemType("malformed-request", 400, "The request is malformed"),
        ProblemType("invalid-token", 401, "Missing or invalid access token"),
        ProblemType("invalid-signature", 401, "Missing or invalid request signature"),
        ProblemType("insufficient-scope", 403, "Insufficient scope"),
        ProblemType("no-scope-policy", 403, "The operation has no scope policy"),
        ProblemType("untrusted-document", 403, "Only trusted GraphQL documents are accepted"),
        ProblemType("not-found", 404, "Resource not found"),
        ProblemType("method-not-allowed", 405, "Method not allowed"),
        ProblemType("not-acceptable", 406, "Not acceptable"),
        ProblemType("invalid-cursor", 422, "The pagination cursor is not valid"),
        ProblemType("invalid-idempotency-key", 400, "The Idempotency-Key header is malformed"),
        ProblemType("conflict", 409, "Conflict"),
        ProblemType("period-closed", 409, "The accounting period is closed"),
        ProblemType("idempotency-key-in-use", 409, "A request with this key is in progress"),
        ProblemType("not-system-of-record", 409, "This API does not own the attribute"),
        ProblemType("exception-closed", 409, "The exception is already resolved or cancelled"),
        ProblemType("exception-claimed", 409, "Someone else has claimed the exception"),
        ProblemType("exception-action-unavailable", 409, "The action does not apply here"),
        ProblemType("gone", 410, "Gone"),
        ProblemType("payload-too-large", 413, "Payload too large"),
        ProblemType("unsupported-media-type", 415, "Unsupported media type"),
        ProblemType("validation-failed", 422, "Request validation failed"),
        ProblemType("idempotency-key-reused", 422, "The key was used with another payload"),
        ProblemType("unknown-document", 422, "No trusted GraphQL document has this hash"),
        ProblemType("rate-limited", 429, "Too many requests"),
        ProblemType("request-header-fields-too-large", 431, "Request header fields too large"),
        ProblemType("internal-error", 500, "Internal server error"),
        ProblemType("upstream-unavailable", 502, "Upstream service unavailable"),
        ProblemType("upstream-misconfigured", 502, "Upstream rejected our credentials"),
        ProblemType("upstream-schema-drift", 502, "Upstream answered in an unexpected shape"),
        ProblemType("upstream-busy", 503, "Upstream service is rate limiting or failing"),
        ProblemType("service-unavailable", 503, "Service unavailable"),
        ProblemType("upstream-timeout", 504, "Upstream service timed out"),
    )
}

# The code a bare HTTP status maps to: the generic one, never a more specific sibling.
_GENERIC_CODES = (
    "malformed-request",
    "invalid-token",
    "insufficient-scope",
    "not-found",
    "method-not-allowed",
    "not-acceptable",
    "conflict",
    "gone",
    "payload-too-large",
    "unsupported-media-type",
    "validation-failed",
    "rate-limited",
    "request-header-fields-too-large",
    "internal-error",
    "upstream-unavailable",
    "service-unavailable",
    "upstream-timeout",
)
_STATUS_CODES: dict[int, str] = {PROBLEM_TYPES[c].status: c for c in _GENERIC_CODES}


def problem_type_for_status(status: int) -> ProblemType:
    """The problem type for a bare HTTP status (fallback: internal or malformed)."""
    code = _STATUS_CODES.get(status)
    if code is None:
        code = "internal-error" if status >= 500 else "malformed-request"
    return PROBLEM_TYPES[code]


class ProblemFieldError(BaseModel):
    """One validation failure: where it is (JSON pointer or parameter) and what is wrong."""

    model_config = ConfigDict(extra="forbid")

    detail: str
    pointer: str | None = Field(
        default=None, description="JSON pointer into the request body (RFC 6901), '#'-prefixed."
    )
    parameter: str | None = Field(default=None, description="Name of the offending parameter.")
    location: str | None = Field(
        default=None, description="Where the parameter was: path, query, header or cookie."
    )


class Problem(BaseModel):
    """An RFC 9457 `application/problem+json` document."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = Field(default=None, description="The request id of the failed request.")
    errors: list[ProblemFieldError] | None = None


class ProblemError(Exception):
    """An error that renders as a problem document; raise it from any layer."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        errors: list[ProblemFieldError] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.problem_type = PROBLEM_TYPES[code]
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions or {}

    def to_problem(self, instance: str | None) -> Problem:
        """The problem document for this error, tied to one request."""
        return Problem(
            type=self.problem_type.uri,
            title=self.problem_type.title,
            status=self.problem_type.status,
            detail=self.detail,
            instance=instance,
            errors=self.errors,
            **self.extensions,
        )


class NotFoundError(ProblemError):
    """The addressed resource does not exist (or is not visible to the caller)."""

    def __init__(self, detail: str) -> None:
        super().__init__("not-found", detail)


class PayloadTooLargeError(ProblemError):
    """The request body exceeds the configured cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            "payload-too-large",
            f"The request body exceeds the limit of {limit} bytes.",
            extensions={"max_bytes": limit},
        )
