"""W3C Trace Context (`traceparent`) parsing and span generation."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


@dataclass(frozen=True, slots=True)
class TraceContext:
    """The trace this request belongs to and the span the gateway opens for it."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    flags: str

    @property
    def traceparent(self) -> str:
        """The header value naming the gateway's own span as parent of what it calls."""
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def parse_traceparent(value: str | None) -> tuple[str, str, str] | None:
    """(trace id, parent span id, flags) from a header value, or None if invalid."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None:
        return None
    version, trace_id, span_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    return trace_id, span_id, flags


def continue_or_start(traceparent: str | None) -> TraceContext:
    """Continue the caller's trace if its header is valid, else start a new sampled one."""
    parsed = parse_traceparent(traceparent)
    span_id = secrets.token_hex(8)
    if parsed is None:
        return TraceContext(secrets.token_hex(16), span_id, None, "01")
    trace_id, parent, flags = parsed
    return TraceContext(trace_id, span_id, parent, flags)
