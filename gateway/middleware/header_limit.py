"""Refuse requests whose header section is over the configured size with a 431 problem."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.problems import ProblemError
from gateway.problems import send_problem

_FRAMING = 4  # ": " and CRLF around each field line, as it travelled on the wire


def header_bytes(scope: Scope) -> int:
    """The size of the request's header fields as sent: `name: value\\r\\n` per field."""
    return sum(len(name) + len(value) + _FRAMING for name, value in scope["headers"])


class HeaderLimitMiddleware:
    """Answer 431 (RFC 6585) before the app runs when the header fields exceed the cap.

    Servers bound the header section differently (uvicorn's httptools parser hardly
    at all), so the gateway enforces one documented cap itself.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and header_bytes(scope) > self.max_bytes:
            await send_problem(
                send,
                ProblemError(
                    "request-header-fields-too-large",
                    f"The request header fields exceed the limit of {self.max_bytes} bytes.",
                    extensions={"max_bytes": self.max_bytes},
                ),
            )
            return
        await self.app(scope, receive, send)
