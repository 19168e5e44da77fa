"""The billing system API (Stripe): customers, invoice items, invoices."""

from __future__ import annotations

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="billing",
    kind="system",
    title="Billing",
    owner="platform-integrations",
    description="Customers, invoice items and invoices (draft → open → paid/void) in Stripe.",
    versions=(
        ApiVersion(
            number=1,
            app="system_apis.billing.v1.router:router",
            runtime="system_apis.billing.v1.runtime:runtime",
        ),
    ),
)
