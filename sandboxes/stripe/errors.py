"""Stripe's error envelope: `{"error": {"type", "code", "message", "param"}}` with its statuses."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse


class StripeError(Exception):
    """An error Stripe would answer with; rendered by `render_error`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        kept: bool = True,
    ) -> None:
        super().__init__(message)
        self.status = status
        # Stripe keeps an idempotent result only once a request started executing: answers to
        # parameters that failed validation are not replayed.
        self.kept = kept
        self.body: dict[str, Any] = {"type": type, "message": message}
        if code is not None:
            self.body["code"] = code
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param is not None:
            self.body["param"] = param

    def envelope(self) -> dict[str, Any]:
        return {"error": self.body}


def missing_param(name: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {name}.", code="parameter_missing", param=name, kept=False
    )


def unknown_param(name: str) -> StripeError:
    return StripeError(
        400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name, kept=False
    )


def invalid_param(name: str, message: str, code: str | None = None) -> StripeError:
    return StripeError(400, message, code=code, param=name, kept=False)


def no_such(kind: str, object_id: str, *, param: str, status: int = 404) -> StripeError:
    """Stripe says 404 for a missing path object and 400 for a missing referenced one."""
    return StripeError(
        status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def not_editable(message: str) -> StripeError:
    return StripeError(400, message, code="invoice_not_editable")


async def render_error(request: Request, exc: Exception) -> JSONResponse:
    """The exception handler for StripeError."""
    assert isinstance(exc, StripeError)
    return JSONResponse(exc.envelope(), status_code=exc.status)
