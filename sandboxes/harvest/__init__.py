"""A Harvest v2 sandbox: the subset of Harvest's API the PSA connector uses, faithfully.

Base path /v2 (the spec's server https://api.harvestapp.com/v2); bearer personal access
token + `Harvest-Account-Id` + a mandatory `User-Agent`; snake_case JSON; lists paged with
`page`/`per_page` and absolute `links`; errors as `{"code", "message"}` (401s OAuth-style);
100 requests per 15 seconds per account, then 429 with `Retry-After`.
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
from sandboxes.harvest.auth import account_of
from sandboxes.harvest.errors import (
    HarvestError,
    harvest_error_handler,
    render,
    validation_error_handler,
)
from sandboxes.harvest.routes import harvest_router
from sandboxes.harvest.seed import seed_harvest

RATE_LIMITS = ["100/15 seconds"]


def render_429(decision: Decision) -> Response:
    """Harvest's throttling answer."""
    return render(
        HarvestError(
            429,
            "You have exceeded your rate limit. Please retry later.",
            headers={"Retry-After": str(decision.retry_after_s)},
        )
    )


def _limit_key(request: Request) -> str | None:
    return account_of(request) or None


def create_app(store_path: Path, *, seed: bool) -> FastAPI:
    """The Harvest sandbox on the store at `store_path` (seeded with the demo firm if empty)."""
    limit = VendorRateLimit(RATE_LIMITS, _limit_key, render_429)
    app = sandbox_app(
        "harvest",
        harvest_router(),
        # Time entries (thousands) are listed by period: look spent_date up, don't scan.
        Store(store_path, indexed=("spent_date",)),
        limit=limit,
        seed=seed_harvest,
        seed_if_empty=seed,
    )
    app.add_exception_handler(HarvestError, harvest_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    return app
