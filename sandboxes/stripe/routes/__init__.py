"""The Stripe API routes this sandbox serves, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from sandboxes.stripe.routes import customers, invoiceitems, invoices


def stripe_router() -> APIRouter:
    """Every Stripe route of the sandbox."""
    router = APIRouter()
    for module in (customers, invoiceitems, invoices):
        router.include_router(module.router)
    return router
