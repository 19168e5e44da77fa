"""Headers Stripe puts on every API response: `Request-Id` and `Stripe-Version`."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandboxes.stripe.ids import request_id

API_VERSION = "2023-08-16"  # the version of the spec this sandbox imitates


class StripeHeadersMiddleware:
    """Adds Stripe's response headers (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        extra = [(b"request-id", request_id().encode()), (b"stripe-version", API_VERSION.encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
