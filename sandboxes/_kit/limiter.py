"""The vendor's own published rate limit: in-memory moving windows per tenant or account.

A sandbox declares its vendor's limits (`VendorRateLimit(["60/minute", "5000/day"], key_fn,
render_429, concurrency=5)`); a request over any of them is answered 429 in the vendor's own
format with `Retry-After`, the way the real service would throttle a careless client.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTROL_PREFIX = "/_sandbox"

_UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True)
class WindowLimit:
    """At most `amount` requests in any `period_s` seconds."""

    amount: int
    period_s: float
    text: str


def parse_limit(text: str) -> WindowLimit:
    """Parse "60/minute", "100/15 seconds" or "1000 per day"."""
    match = _LIMIT.match(text)
    if match is None:
        raise ValueError(f"not a rate limit: {text!r}")
    amount, multiplier, unit = match.groups()
    return WindowLimit(int(amount), int(multiplier or 1) * _UNITS[unit], text)


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against the limits of its key."""

    allowed: bool
    retry_after_s: int = 0
    exceeded: str | None = None  # the limit's text, "concurrent" or "storm"
    remaining: Mapping[str, int] = field(default_factory=dict)


Render429 = Callable[[Decision], Response]
KeyFn = Callable[[Request], str | None]


def default_render_429(decision: Decision) -> Response:
    """A plain JSON 429 for vendors that do not define their own body."""
    return JSONResponse(
        {"message": "Too Many Requests"},
        status_code=429,
        headers={"Retry-After": str(decision.retry_after_s)},
    )


class VendorRateLimit:
    """Moving-window limits (and an optional concurrency cap) per key, held in memory."""

    def __init__(
        self,
        limits: Sequence[str],
        key_fn: KeyFn,
        render_429: Render429 = default_render_429,
        *,
        concurrency: int | None = None,
        headers: Callable[[Decision], Mapping[str, str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = [parse_limit(text) for text in limits]
        self.key_fn = key_fn
        self.render_429 = render_429
        self.concurrency = concurrency
        self.headers = headers
        # Switched off through `PUT /_sandbox/limits` by tests that fuzz contracts, not limits.
        self.enabled = True
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._active: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def hit(self, key: str) -> Decision:
        """Count one request for `key` unless a window is full; say which one."""
        now = self._clock()
        with self._lock:
            windows = [(limit, self._window(key, limit, now)) for limit in self.limits]
            for limit, hits in windows:
                if len(hits) >= limit.amount:
                    wait = math.ceil(hits[0] + limit.period_s - now)
                    return Decision(False, max(wait, 1), limit.text, self._left(windows))
            for _, hits in windows:
                hits.append(now)
            return Decision(True, remaining=self._left(windows))

    def _window(self, key: str, limit: WindowLimit, now: float) -> deque[float]:
        hits = self._hits[(key, limit.text)]
        while hits and hits[0] <= now - limit.period_s:
            hits.popleft()
        return hits

    @staticmethod
    def _left(windows: list[tuple[WindowLimit, deque[float]]]) -> dict[str, int]:
        return {limit.text: max(limit.amount - len(hits), 0) for limit, hits in windows}

    def enter(self, key: str) -> bool:
        """Take a concurrency slot; False when the cap is reached."""
        with self._lock:
            if self.concurrency is not None and self._active[key] >= self.concurrency:
                return False
            self._active[key] += 1
            return True

    def leave(self, key: str) -> None:
        """Give back a concurrency slot."""
        with self._lock:
            self._active[key] -= 1

    def reset(self) -> None:
        """Forget every window (the concurrency slots in use stay counted)."""
        with self._lock:
            self._hits.clear()


def rendered_429(limit: VendorRateLimit | None, decision: Decision) -> Response:
    """The vendor's 429 for `decision`, always carrying Retry-After."""
    render = limit.render_429 if limit is not None else default_render_429
    response = render(decision)
    response.headers.setdefault("Retry-After", str(decision.retry_after_s))
    return response


class RateLimitMiddleware:
    """Answers 429 when the request's key is over its vendor limit; adds limit headers."""

    def __init__(self, app: ASGIApp, limit: VendorRateLimit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        key = self.limit.key_fn(Request(scope)) if self.limit.enabled else None
        if key is None:  # no credentials (the vendor's auth answers first) or limits off
            await self.app(scope, receive, send)
            return
        if not self.limit.enter(key):
            refusal = Decision(False, 1, "concurrent")
            await rendered_429(self.limit, refusal)(scope, receive, send)
            return
        try:
            decision = self.limit.hit(key)
            if not decision.allowed:
                await rendered_429(self.limit, decision)(scope, receive, send)
                return
            await self.app(scope, receive, self._with_headers(send, decision))
        finally:
            self.limit.leave(key)

    def _with_headers(self, send: Send, decision: Decision) -> Send:
        if self.limit.headers is None:
            return send
        extra = [(k.lower().encode(), v.encode()) for k, v in self.limit.headers(decision).items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_with_headers
