"""Give every request an id and a trace span, echo both, and write one access log line."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.request_context import RequestContext, current_request
from gateway.tracecontext import continue_or_start

_access = logging.getLogger("atrium.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Accept or mint `X-Request-Id` and W3C `traceparent`; put them in logs and responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming_id = _header(scope, b"x-request-id")
        request_id = (
            incoming_id if incoming_id and _SAFE_ID.match(incoming_id) else uuid.uuid4().hex
        )
        trace = continue_or_start(_header(scope, b"traceparent"))
        ctx = RequestContext(request_id, trace, _header(scope, b"tracestate"))
        token = current_request.set(ctx)
        started = time.perf_counter()
        status = 500

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"traceparent", trace.traceparent.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            _access.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "http_method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "parent_span_id": trace.parent_span_id,
                },
            )
            current_request.reset(token)
