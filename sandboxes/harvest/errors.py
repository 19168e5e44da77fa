"""Harvest's error answers: `{"code", "message"}` bodies, and OAuth-style 401s.

Harvest reports validation failures as 422 with a Rails-style sentence naming the field
("Name can't be blank"), unknown ids as 404, bad credentials as 401 with an OAuth error.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class HarvestError(Exception):
    """An error answered in Harvest's shape."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class NotFound(HarvestError):  # noqa: N818 - named after the answer, like Harvest's docs
    def __init__(self) -> None:
        super().__init__(404, "Not Found")


class Unprocessable(HarvestError):  # noqa: N818
    def __init__(self, message: str) -> None:
        super().__init__(422, message)


class Unauthorized(HarvestError):  # noqa: N818
    def __init__(self, description: str) -> None:
        super().__init__(401, description)


def render(exc: HarvestError) -> JSONResponse:
    """The response Harvest gives for `exc`."""
    if exc.status == 401:
        body: dict[str, Any] = {"error": "invalid_token", "error_description": exc.message}
    else:
        body = {"code": exc.status, "message": exc.message}
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


async def harvest_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HarvestError)
    return render(exc)


def sentence(error: dict[str, Any]) -> str:
    """A pydantic error as the sentence Harvest would write ("Client id can't be blank")."""
    loc = [str(p) for p in error["loc"] if p not in ("body", "query", "path")]
    field = (loc[0] if loc else "request").replace("_", " ").capitalize()
    if error["type"] == "missing":
        return f"{field} can't be blank"
    return f"{field} is invalid"


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    message = sentence(errors[0]) if errors else "Request is invalid"
    return render(Unprocessable(message))
