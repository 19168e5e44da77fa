"""Refuse request bodies over the configured size with a 413 problem."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.problems import PayloadTooLargeError
from gateway.problems import send_problem


class BodyLimitMiddleware:
    """Check `Content-Length` up front and count streamed bytes for chunked bodies."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = self._declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await send_problem(send, PayloadTooLargeError(self.max_bytes))
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise PayloadTooLargeError(self.max_bytes)
            return message

        async def guarded_send(message: Message) -> None:
            # Frameworks wrap errors raised while reading the body (FastAPI makes them
            # 400s); once the cap has tripped, the 413 replaces whatever the app answers.
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await send_problem(send, PayloadTooLargeError(self.max_bytes))
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except PayloadTooLargeError as error:
            if started:
                return
            await send_problem(send, error)

    @staticmethod
    def _declared_length(scope: Scope) -> int | None:
        for key, value in scope["headers"]:
            if key == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None
