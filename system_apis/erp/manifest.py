"""The ERP system API: Xero Accounting behind a canonical contract."""

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="erp",
    kind="system",
    title="ERP system API",
    owner="platform-integrations",
    description="Legal entities, accounting periods, customers, cost centres, project "
    "dimensions, invoices and journal entries, over Xero Accounting (one organisation "
    "per legal entity).",
    versions=(
        ApiVersion(
            number=1,
            app="system_apis.erp.v1.router:router",
            runtime="system_apis.erp.v1.runtime:runtime",
        ),
    ),
)
