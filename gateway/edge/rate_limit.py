"""Rate limiting in front of a mounted API version: count, refuse with 429, advertise limits.

Headers follow draft-ietf-httpapi-ratelimit-headers (-10/-11), as Structured Field lists:

    RateLimit-Policy: "standard.all.1s";q=20;w=1, "standard.all.1h";q=5000;w=3600
    RateLimit: "standard.all.1s";r=19;t=1, "standard.all.1h";r=4999;t=3600

`RateLimit-Policy` is on every response; `RateLimit` is left out only when the counter
could not be reached (the fail mode decided, so there is no count to report). The
system-API calls a GraphQL operation makes for its caller are not counted again
(`admission.UNCOUNTED`): the operation was, and its cost limit bounds what it may ask.
"""

from __future__ import annotations

import functools

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.problems import ProblemError
from gateway.edge.admission import counted, uncounted
from gateway.edge.caller import client_key, verified_caller
from gateway.edge.rate_limiter import RateLimiter, Verdict, policy_name
from gateway.policy.rate_limits import Bucket
from gateway.problems import send_problem


@functools.lru_cache(maxsize=1024)  # a handful of buckets, asked on every response
def policy_field(bucket: Bucket) -> str:
    """The `RateLimit-Policy` value: one quota policy item per window."""
    return ", ".join(
        f'"{policy_name(bucket, w)}";q={w.limit};w={w.seconds}' for w in bucket.windows
    )


def limit_field(verdict: Verdict) -> str:
    """The `RateLimit` value: one service limit item per window."""
    return ", ".join(f'"{c.policy}";r={c.remaining};t={c.reset_s}' for c in verdict.counts)


def limit_headers(verdict: Verdict) -> dict[str, str]:
    headers = {"RateLimit-Policy": policy_field(verdict.bucket)}
    if verdict.counts:
        headers["RateLimit"] = limit_field(verdict)
    return headers


def refusal(verdict: Verdict) -> ProblemError:
    """429 over the limit, or 503 when failing closed without a counter."""
    headers = {**limit_headers(verdict), "Retry-After": str(verdict.retry_after_s)}
    if verdict.unavailable:
        return ProblemError(
            "service-unavailable",
            "Request limits cannot be checked right now; retry shortly.",
            headers=headers,
        )
    return ProblemError(
        "rate-limited",
        f"Too many requests; retry in {verdict.retry_after_s} s.",
        headers=headers,
        extensions={"violated_policies": verdict.violated},
    )


class RateLimitMiddleware:
    """Counts each request against its client's bucket before the app sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter: RateLimiter | None = scope.get("state", {}).get("rate_limiter")
        if scope["type"] != "http" or limiter is None or uncounted(scope):
            await self.app(scope, receive, send)
            return
        principal = verified_caller(scope)
        bucket = limiter.bucket(
            principal.tier if principal else None, scope["method"], scope["path"]
        )
        verdict = counted(scope)
        if verdict is None or verdict.bucket != bucket:
            verdict = await limiter.check(client_key(scope, principal), bucket)
        if not verdict.allowed:
            await send_problem(send, refusal(verdict))
            return
        headers = limit_headers(verdict)

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_limits)
