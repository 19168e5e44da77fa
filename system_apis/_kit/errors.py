"""Vendor errors, one tree for every connector, and the problem each one becomes.

    VendorError(vendor, status, message)   `message` is internal: never sent to clients
     ├── VendorUnavailableError            5xx, connection refused/reset, circuit open -> 503
     │    └── VendorRateLimitedError       429 (or what a connector classifies as one) -> 503
     ├── VendorTimeoutError                no answer within the timeout                -> 504
     ├── VendorNotFoundError               404                                         -> 404
     ├── VendorRejectedError(errors)       400/422: the vendor refused our payload     -> 422
     ├── VendorConflictError               409: state does not allow the change        -> 409
     ├── VendorAuthError                   401/403: our credentials (operator issue)   -> 502
     └── SchemaDriftError(missing)         the payload lacks fields we rely on         -> 502

Retriable: VendorUnavailableError (and so VendorRateLimitedError). The rest are fatal, including
VendorTimeoutError: the vendor already had the whole configured timeout, and a caller is owed
an answer within it rather than a multiple of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.problems import ProblemError, ProblemFieldError

DEFAULT_RETRY_AFTER_S = 5


@dataclass(frozen=True, slots=True)
class FieldError:
    """One field the vendor refused, as a JSON pointer into *our* request body."""

    pointer: str
    message: str


class VendorError(Exception):
    """A vendor call failed; `message` is for logs only."""

    retriable = False

    def __init__(self, vendor: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{vendor}: {message}")
        self.vendor = vendor
        self.message = message
        self.status = status


class VendorUnavailableError(VendorError):
    retriable = True


class VendorRateLimitedError(VendorUnavailableError):
    def __init__(
        self, vendor: str, message: str, *, status: int | None = 429, retry_after_s: float | None
    ) -> None:
        super().__init__(vendor, message, status=status)
        self.retry_after_s = retry_after_s


class VendorTimeoutError(VendorError):
    pass


class VendorNotFoundError(VendorError):
    pass


class VendorRejectedError(VendorError):
    def __init__(
        self, vendor: str, message: str, *, status: int | None = 400, errors: list[FieldError]
    ) -> None:
        super().__init__(vendor, message, status=status)
        self.errors = errors


class VendorConflictError(VendorError):
    pass


class VendorAuthError(VendorError):
    pass


class SchemaDriftError(VendorError):
    def __init__(self, vendor: str, model: str, missing: list[str]) -> None:
        super().__init__(vendor, f"{model} lacks {', '.join(missing)}")
        self.model = model
        self.missing = missing


_SIMPLE: list[tuple[type[VendorError], str, str]] = [
    (VendorTimeoutError, "upstream-timeout", "{name} did not answer in time."),
    (VendorNotFoundError, "not-found", "The resource does not exist."),
    (VendorConflictError, "conflict", "The resource's current state does not allow this."),
    (VendorAuthError, "upstream-misconfigured", "{name} refused our credentials."),
]


def problem_for(exc: VendorError) -> ProblemError:
    """The client-facing problem for a vendor error; vendor wording never leaks."""
    name = exc.vendor
    if isinstance(exc, VendorUnavailableError):
        retry_after = getattr(exc, "retry_after_s", None) or DEFAULT_RETRY_AFTER_S
        return ProblemError(
            "upstream-busy",
            f"{name} is unavailable or rate limiting; retry later.",
            headers={"Retry-After": str(max(1, round(retry_after)))},
        )
    if isinstance(exc, VendorRejectedError):
        errors = [ProblemFieldError(detail=e.message, pointer=e.pointer) for e in exc.errors]
        return ProblemError(
            "validation-failed", f"{name} refused the request.", errors=errors or None
        )
    if isinstance(exc, SchemaDriftError):
        return ProblemError(
            "upstream-schema-drift",
            f"{name} answered without field(s) {', '.join(exc.missing)} of {exc.model}.",
            extensions={"missing_fields": exc.missing},
        )
    for cls, code, detail in _SIMPLE:
        if isinstance(exc, cls):
            return ProblemError(code, detail.format(name=name))
    return ProblemError("upstream-unavailable", f"{name} failed.")
