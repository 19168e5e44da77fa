"""The per-request context (request id, trace) visible to handlers and log lines."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from gateway.tracecontext import TraceContext


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Identity of the request being served."""

    request_id: str
    trace: TraceContext
    tracestate: str | None = None


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def current_request_id() -> str | None:
    ctx = current_request.get()
    return ctx.request_id if ctx else None
