"""Errors a GraphQL client may see, each with a stable `extensions.code`.

    FieldError                  raised by a resolver; the field becomes null, the error is listed
     ├── ForbiddenError         insufficient-scope, no-scope-policy, invalid-token: not for it
     ├── InvalidInputError      invalid-cursor, validation-failed: an argument is refused
     ├── ConflictError          exception-closed, exception-claimed, ...: the object's state
     │                          does not allow the change (a REST 409, its code kept)
     └── UpstreamError          upstream-unavailable, upstream-busy, ...: a system API failed

Codes are the problem codes of `contracts.problems` wherever REST has the same error, so one
client handles both. A refusal of what the caller asked (an argument, the operation's cost)
also carries `extensions.classification: "BAD_REQUEST"` (Spring for GraphQL's error type), so
generic clients and test tools tell it from a failure of ours without knowing our codes.
Anything else raised while resolving is unexpected: `MaskErrors` turns it
into "Unexpected error." (`should_mask`), and the original is logged, never sent.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from contracts.problems import PROBLEM_TYPES

_UPSTREAM_CODES = frozenset(c for c in PROBLEM_TYPES if c.startswith("upstream-")) | {
    "rate-limited",
    "service-unavailable",
}


class FieldError(Exception):
    """An error a client is meant to read: a message and a stable code."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        # graphql-core copies an original error's `extensions` onto the located error.
        self.extensions: dict[str, Any] = {"code": code, **extra}
        problem = PROBLEM_TYPES.get(code)
        if problem is not None:
            self.extensions["type"] = problem.uri


class ForbiddenError(FieldError):
    """The token lacks a scope the field needs (or the field has no scope policy)."""


BAD_REQUEST = {"classification": "BAD_REQUEST"}
"""The extension marking an error as a refusal of the caller's request."""


class InvalidInputError(FieldError):
    """An argument was refused: an unknown cursor, `first` out of range."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(code, message, **BAD_REQUEST, **extra)


class ConflictError(FieldError):
    """An API refused a change because of the object's state (409), e.g. a closed exception."""


class UpstreamError(FieldError):
    """A system API answered with an error the field cannot turn into data."""


def missing_scopes(missing: list[str]) -> ForbiddenError:
    scopes = " ".join(missing)
    return ForbiddenError(
        "insufficient-scope",
        f"The token lacks the scope(s) this field requires: {scopes}.",
        required_scopes=missing,
    )


def upstream_failed(system: str, status: int, code: str | None) -> FieldError:
    """The error for a system API's refusal; `fetch_optional` turns a 404 into null."""
    if status == 404:
        return FieldError("not-found", f"The {system} system API has no such object.")
    if status == 401:  # the token expired or was revoked while the operation ran
        return ForbiddenError("invalid-token", f"The {system} system API refused the token.")
    if status == 403:
        return ForbiddenError(
            code or "insufficient-scope", f"The {system} system API refused the token."
        )
    if status == 409:
        return ConflictError(
            code if code in PROBLEM_TYPES else "conflict",
            f"The {system} API refused the change in the object's current state.",
        )
    if status == 422:
        return InvalidInputError(
            code or "validation-failed", f"The {system} system API refused the arguments."
        )
    known = code if code in _UPSTREAM_CODES else "upstream-unavailable"
    return UpstreamError(known, f"The {system} system API could not answer.", system=system)


def should_mask(error: GraphQLError) -> bool:
    """Mask errors raised while resolving unless they are ours; parse/validation errors pass."""
    original = error.original_error
    return original is not None and not isinstance(original, (FieldError, GraphQLError))
