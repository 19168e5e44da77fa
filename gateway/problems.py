"""Render every error as an RFC 9457 problem document, in one place."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Send

from contracts.problems import (
    PROBLEM_TYPES,
    Problem,
    ProblemError,
    ProblemFieldError,
    problem_type_for_status,
)
from gateway.request_context import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
LOGGED_MARK = "_atrium_logged"
_log = logging.getLogger("atrium.errors")


def render(problem: Problem) -> bytes:
    return json.dumps(problem.model_dump(mode="json", exclude_none=True)).encode()


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    return Response(
        render(problem), status_code=problem.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


async def send_problem(send: Send, error: ProblemError) -> None:
    """Answer a raw ASGI request with a problem (for middleware and proxies)."""
    body = render(error.to_problem(current_request_id()))
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in error.headers.items()),
    ]
    await send(
        {"type": "http.response.start", "status": error.problem_type.status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": body})


def json_pointer(path: Iterable[Any]) -> str:
    """An RFC 6901 pointer (URI-fragment form) for a pydantic error location."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return "#/" + "/".join(parts)


def field_errors(errors: Sequence[Any]) -> list[ProblemFieldError]:
    """Problem field errors for FastAPI's validation errors; the offending input is never echoed."""
    out: list[ProblemFieldError] = []
    for error in errors:
        where, *path = error["loc"]
        if where == "body":
            out.append(ProblemFieldError(detail=error["msg"], pointer=json_pointer(path)))
        else:
            name = ".".join(str(p) for p in path) if path else str(where)
            out.append(ProblemFieldError(detail=error["msg"], parameter=name, location=where))
    return out


def _is_malformed_body(errors: Sequence[Any]) -> bool:
    return any(e.get("type") == "json_invalid" for e in errors)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.to_problem(current_request_id()), exc.headers)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if _is_malformed_body(errors):
        error = ProblemError("malformed-request", "The request body is not valid JSON.")
    else:
        error = ProblemError(
            "validation-failed",
            f"The request has {len(errors)} invalid field(s); see 'errors'.",
            errors=field_errors(errors),
        )
    return await _on_problem(request, error)


def _http_detail(request: Request, status: int) -> str:
    if status == 404:
        return f"Nothing is served at {request.url.path}."
    if status == 405:
        return f"{request.method} is not allowed on {request.url.path}."
    return problem_type_for_status(status).title + "."


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = problem_type_for_status(exc.status_code)
    detail = exc.detail if exc.detail and exc.detail != _phrase(exc.status_code) else None
    problem = Problem(
        type=kind.uri,
        title=kind.title,
        status=exc.status_code,
        detail=str(detail) if detail else _http_detail(request, exc.status_code),
        instance=current_request_id(),
    )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem_response(problem, headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path.

    Starlette's 405 names only the first route whose path matched; a path served by
    several routes (GET on one, POST on another) must list them all.
    """
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    ]


def _phrase(status: int) -> str:
    return HTTPStatus(status).phrase


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    _log.error("unhandled error", exc_info=exc)
    setattr(exc, LOGGED_MARK, True)  # Starlette re-raises after answering; log it only once
    kind = PROBLEM_TYPES["internal-error"]
    problem = Problem(
        type=kind.uri,
        title=kind.title,
        status=kind.status,
        detail="The server failed to complete the request; quote the instance id.",
        instance=current_request_id(),
    )
    return problem_response(problem)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error `app` can produce a problem document."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
