"""Reverse-proxy an API version served by another deployment, keeping its contract.

Bodies stream both ways, hop-by-hop headers are stripped (RFC 9110 §7.6.1), the
gateway's span becomes the upstream's `traceparent` parent, and upstream failures
become 502/504 problems.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
from starlette.types import Message, Receive, Scope, Send

from contracts.problems import ProblemError
from contracts.registry import RemoteTarget
from gateway.problems import send_problem
from gateway.request_context import current_request
from gateway.upstream import timed_out

_log = logging.getLogger("atrium.proxy")

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
_REPLACED = frozenset({b"host", b"traceparent", b"x-request-id", b"content-length"})


def end_to_end(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Headers minus hop-by-hop ones, including those the `Connection` header names."""
    named = {
        token.strip().lower()
        for key, value in headers
        if key.lower() == b"connection"
        for token in value.split(b",")
    }
    return [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP and k.lower() not in named]


class RemoteProxy:
    """ASGI app forwarding everything under its mount point to `target.base_url`."""

    def __init__(self, target: RemoteTarget) -> None:
        self.base_url = str(target.base_url).rstrip("/")
        self.timeout = httpx.Timeout(
            target.read_timeout_s, connect=target.connect_timeout_s, pool=target.connect_timeout_s
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        client: httpx.AsyncClient = scope["state"]["upstream_http"]
        request = client.build_request(
            scope["method"],
            self._url(scope),
            headers=self._headers(scope),
            content=_body(receive) if _has_body(scope) else None,
            timeout=self.timeout,
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.TransportError as exc:
            if timed_out(exc):
                await send_problem(
                    send, ProblemError("upstream-timeout", "The upstream timed out.")
                )
                return
            _log.warning(
                "upstream unreachable", extra={"upstream": self.base_url, "error": repr(exc)}
            )
            await send_problem(
                send, ProblemError("upstream-unavailable", "The upstream is unreachable.")
            )
            return
        try:
            await self._relay(response, send)
        finally:
            await response.aclose()

    def _url(self, scope: Scope) -> str:
        root = scope.get("root_path", "").encode()
        raw: bytes = scope.get("raw_path") or scope["path"].encode()
        rest = raw[len(root) :] if raw.startswith(root) else raw
        query = scope.get("query_string", b"")
        return (
            self.base_url
            + rest.decode("latin-1")
            + ("?" + query.decode("latin-1") if query else "")
        )

    def _headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        headers = [(k, v) for k, v in end_to_end(scope["headers"]) if k not in _REPLACED]
        length = _content_length(scope)
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        ctx = current_request.get()
        if ctx is not None:
            headers.append((b"traceparent", ctx.trace.traceparent.encode()))
            headers.append((b"x-request-id", ctx.request_id.encode()))
        client = scope.get("client")
        if client:
            headers.append((b"x-forwarded-for", client[0].encode()))
        headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
        return headers

    async def _relay(self, response: httpx.Response, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": end_to_end(response.headers.raw),
            }
        )
        try:
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.TransportError:
            # Headers are gone already: abort so the client sees a truncated response.
            _log.warning("upstream dropped mid-response", extra={"upstream": self.base_url})
            raise
        await send({"type": "http.response.body", "body": b""})


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            return int(value)
    return None


def _has_body(scope: Scope) -> bool:
    length = _content_length(scope)
    if length is not None:
        return length > 0
    return any(k == b"transfer-encoding" for k, _ in scope["headers"])


async def _body(receive: Receive) -> AsyncIterator[bytes]:
    more = True
    while more:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return
        more = message.get("more_body", False)
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
