"""A Xero Accounting sandbox: the subset of Xero's API the ERP connector uses, faithfully.

Accounting API under /api.xro/2.0 (the spec's server https://api.xero.com/api.xro/2.0) and
the identity API's GET /connections; OAuth2 bearer token + `xero-tenant-id` (one tenant per
legal entity of the demo firm); PascalCase JSON with `/Date(ms+0000)/` dates; `page` /
`pageSize` paging with a `pagination` block; 400 ValidationException bodies with `Elements`;
invoices DRAFT → AUTHORISED → PAID/VOIDED; `Idempotency-Key` replays the first response;
60 calls a minute, 5,000 a day and 5 in flight per tenant, with `X-MinLimit-Remaining`,
`X-DayLimit-Remaining` and, on 429, `Retry-After` + `X-Rate-Limit-Problem`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import Response

from sandboxes._kit.app import sandbox_app
from sandboxes._kit.limiter import Decision, VendorRateLimit
from sandboxes._kit.store import Store
from sandboxes.xero.auth import ACCESS_TOKEN, rate_key
from sandboxes.xero.routes import contacts, invoices, journals, organisation, tracking
from sandboxes.xero.seed import seed_xero
from sandboxes.xero.wire import XeroError, bad_request, xero_error_handler

API_PREFIX = "/api.xro/2.0"
MINUTE_LIMIT, DAY_LIMIT = "60/minute", "5000/day"
CONCURRENCY = 5
_PROBLEM = {MINUTE_LIMIT: "minute", DAY_LIMIT: "day", "concurrent": "concurrent"}


def render_429(decision: Decision) -> Response:
    """Xero's throttling answer: an empty body, `Retry-After` and which limit was hit."""
    problem = _PROBLEM.get(decision.exceeded or "", "minute")
    return Response(
        status_code=429,
        headers={"Retry-After": str(decision.retry_after_s), "X-Rate-Limit-Problem": problem},
    )


def limit_headers(decision: Decision) -> dict[str, str]:
    """The remaining-calls headers Xero puts on every tenant call."""
    remaining = decision.remaining
    return {
        "X-MinLimit-Remaining": str(remaining.get(MINUTE_LIMIT, 0)),
        "X-DayLimit-Remaining": str(remaining.get(DAY_LIMIT, 0)),
        "X-AppMinLimit-Remaining": "9999",
    }


async def _validation_error(request: Request, exc: Exception) -> Response:
    # Xero reports unreadable parameters as a 400, never as FastAPI's 422.
    return await xero_error_handler(request, bad_request("The request is not valid."))


def xero_router() -> APIRouter:
    """Every vendor route of the sandbox."""
    router = APIRouter()
    router.include_router(organisation.identity)
    accounting = APIRouter(prefix=API_PREFIX)
    for module in (organisation, contacts, tracking, invoices, journals):
        accounting.include_router(module.router)
    router.include_router(accounting)
    return router


def create_app(store_path: Path, *, seed: bool) -> FastAPI:
    """The Xero sandbox on the store at `store_path` (seeded with the demo firm if empty)."""
    limit = VendorRateLimit(
        [MINUTE_LIMIT, DAY_LIMIT],
        rate_key,
        render_429,
        concurrency=CONCURRENCY,
        headers=limit_headers,
    )
    app = sandbox_app(
        "xero", xero_router(), Store(store_path), limit=limit, seed=seed_xero, seed_if_empty=seed
    )
    app.state.access_token = ACCESS_TOKEN
    app.add_exception_handler(XeroError, xero_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app
