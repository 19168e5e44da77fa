"""A Stripe sandbox: customers, invoice items and invoices as Stripe's API (2023-08-16) has them.

Bearer secret key (or Basic with the key as user), form-encoded requests, JSON responses,
`starting_after`/`ending_before` cursor lists, `{"error": {...}}` bodies, `Idempotency-Key`
replay, and test mode's rate limits (25 reads and 25 writes per second per account).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sandboxes._kit.app import sandbox_app
from sandboxes._kit.limiter import Decision, VendorRateLimit
from sandboxes._kit.store import Store
from sandboxes.stripe.auth import DEMO_ACCOUNT, DEMO_SECRET_KEY, rate_limit_key
from sandboxes.stripe.errors import StripeError, render_error
from sandboxes.stripe.headers import StripeHeadersMiddleware
from sandboxes.stripe.routes import stripe_router
from sandboxes.stripe.seed import seed_stripe

TEST_MODE_LIMITS = ["25/second"]  # per account, reads and writes counted apart

__all__ = ["DEMO_SECRET_KEY", "create_app"]


def render_429(decision: Decision) -> JSONResponse:
    """Stripe's rate-limit answer."""
    return JSONResponse(
        {
            "error": {
                "type": "invalid_request_error",
                "code": "rate_limit",
                "message": "Request rate limit exceeded. You can learn more about rate limits "
                "here https://stripe.com/docs/rate-limits.",
            }
        },
        status_code=429,
        headers={"Retry-After": str(decision.retry_after_s)},
    )


async def _unrouted(request: Request, exc: Exception) -> JSONResponse:
    """Stripe's answer for a URL or method it does not serve, and for malformed paths."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 400
    if status in {404, 405}:
        message = f"Unrecognized request URL ({request.method}: {request.url.path})."
        return JSONResponse(StripeError(404, message).envelope(), status_code=404)
    return JSONResponse(StripeError(status, "Invalid request.").envelope(), status_code=status)


def create_app(store_path: Path, *, seed: bool = True, limits: list[str] | None = None) -> FastAPI:
    """The Stripe sandbox over the SQLite store at `store_path` (seeded when empty and asked)."""
    limit = VendorRateLimit(limits or TEST_MODE_LIMITS, rate_limit_key, render_429)
    app = sandbox_app(
        "stripe",
        stripe_router(),
        Store(store_path),
        limit=limit,
        seed=seed_stripe,
        seed_if_empty=seed,
    )
    app.state.stripe_keys = {DEMO_SECRET_KEY: DEMO_ACCOUNT}
    app.add_exception_handler(StripeError, render_error)
    app.add_exception_handler(StarletteHTTPException, _unrouted)
    app.add_exception_handler(RequestValidationError, _unrouted)
    app.add_middleware(StripeHeadersMiddleware)
    return app
