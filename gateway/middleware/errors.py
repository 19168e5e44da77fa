"""Turn any exception that escaped the app into a 500 problem, logged once with its trace."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.problems import ProblemError
from gateway.problems import LOGGED_MARK, send_problem

_log = logging.getLogger("atrium.errors")


class UnhandledErrorMiddleware:
    """Last line of defence inside the request context: no traceback ever reaches a client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if not getattr(exc, LOGGED_MARK, False):
                _log.error("unhandled error", exc_info=exc)
            if not started:
                await send_problem(
                    send,
                    ProblemError(
                        "internal-error",
                        "The server failed to complete the request; quote the instance id.",
                    ),
                )
