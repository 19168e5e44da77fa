"""BambooHR's error answers: `{"error": {"code", "message"}}` plus `X-BambooHR-Error-Message`.

BambooHR puts the human-readable reason in the `X-BambooHR-Error-Message` header on every
error; the employee endpoints also answer a JSON body with a string code (`BadRequest`,
`BadPage`). Invalid field values on writes are 409 (employees) or 406 (table rows), naming
the field in the message.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

ERROR_HEADER = "X-BambooHR-Error-Message"

_CODES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    406: "NotAcceptable",
    409: "Conflict",
    429: "TooManyRequests",
}


class BambooError(Exception):
    """An error answered the way BambooHR answers it."""

    def __init__(self, status: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "Error")


def invalid_field(field: str, status: int = 409) -> BambooError:
    """A write with a value BambooHR refuses for `field`."""
    return BambooError(status, f"Invalid value for field: {field}")


def render(exc: BambooError) -> JSONResponse:
    body = {"error": {"code": exc.code, "message": exc.message}}
    headers = {ERROR_HEADER: exc.message}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="api"'
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def bamboo_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BambooError)
    return render(exc)


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Malformed parameters or bodies: 400, naming the first offending parameter."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    where = ".".join(str(p) for p in errors[0]["loc"][1:]) if errors else "request"
    return render(BambooError(400, f"Invalid request parameter: {where or 'body'}"))
