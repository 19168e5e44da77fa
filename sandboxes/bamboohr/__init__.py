"""A BambooHR sandbox: the subset of BambooHR's API the HCM connector uses, faithfully.

Paths as in BambooHR's spec (`/api/v1/...` on https://{companyDomain}.bamboohr.com); HTTP
Basic with the API key as user name; camelCase JSON; List Employees paged with opaque
`page[after]` cursors; errors as `{"error": {"code", "message"}}` plus the
`X-BambooHR-Error-Message` header. BambooHR publishes no request budget; it throttles per
API key and answers 429 (sometimes 503) with `Retry-After`. The sandbox throttles at
RATE_LIMITS per key, the figure the connector's outbound quota also uses.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import Response

from sandboxes._kit.app import sandbox_app
from sandboxes._kit.limiter import Decision, VendorRateLimit
from sandboxes._kit.store import Store
from sandboxes.bamboohr.auth import api_key_of
from sandboxes.bamboohr.errors import (
    BambooError,
    bamboo_error_handler,
    render,
    validation_error_handler,
)
from sandboxes.bamboohr.routes import bamboohr_router
from sandboxes.bamboohr.seed import seed_bamboohr

RATE_LIMITS = ["100/10 seconds"]


def render_429(decision: Decision) -> Response:
    """BambooHR's throttling answer."""
    response = render(BambooError(429, "Too many requests; retry later"))
    response.headers["Retry-After"] = str(decision.retry_after_s)
    return response


def _limit_key(request: Request) -> str | None:
    return api_key_of(request)


def create_app(store_path: Path, *, seed: bool) -> FastAPI:
    """The BambooHR sandbox on the store at `store_path` (seeded with the demo firm if empty)."""
    limit = VendorRateLimit(RATE_LIMITS, _limit_key, render_429)
    app = sandbox_app(
        "bamboohr",
        bamboohr_router(),
        Store(store_path),
        limit=limit,
        seed=seed_bamboohr,
        seed_if_empty=seed,
    )
    app.add_exception_handler(BambooError, bamboo_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    return app
