"""Routers for system APIs: every vendor error leaves as its canonical problem."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.convertors import Convertor, register_url_convertor

from system_apis._kit.errors import VendorError, problem_for

_log = logging.getLogger("atrium.vendor")


class DigitsConvertor(Convertor[str]):
    """A path segment of digits, kept as text (`{entry_id:digits}`).

    A templated id beside a literal sibling (`/time-entries/{entry_id}` and
    `/time-entries/approvals`) must not match the literal: the sibling's other methods
    would reach the id route and fail its validation (422) instead of answering 405.
    """

    regex = "[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("digits", DigitsConvertor())


class SystemRoute(APIRoute):
    """An APIRoute that turns VendorError into a problem, logging the vendor's wording."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except VendorError as exc:
                _log.warning(
                    "vendor call failed",
                    extra={"vendor": exc.vendor, "status": exc.status, "error": exc.message},
                )
                raise problem_for(exc) from None

        return handle


# What any system-API operation can answer besides its own responses; the gateway renders
# each as a problem document (gateway/openapi_problems.py fills in the schema).
VENDOR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "The resource does not exist (or is not visible to this caller)."},
    409: {"description": "Conflict: state, ownership (system of record) or idempotency."},
    502: {"description": "The vendor failed, refused our credentials or drifted in shape."},
    503: {"description": "The vendor is rate limiting or unavailable; see Retry-After."},
    504: {"description": "The vendor did not answer within the configured timeout."},
}


def system_router(**kwargs: Any) -> APIRouter:
    """The APIRouter every system API version uses."""
    responses = {**VENDOR_RESPONSES, **kwargs.pop("responses", {})}
    return APIRouter(route_class=SystemRoute, responses=responses, **kwargs)
