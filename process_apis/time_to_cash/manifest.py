"""The time-to-cash process API."""

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="time-to-cash",
    kind="process",
    title="Time-to-cash process API",
    owner="finance-systems",
    description="Bills a project's approved, unbilled time for one month: rate card, billing "
    "invoice, revenue posted to an open ERP accounting period, time marked billed. Exactly "
    "one invoice per (project, billing period), whatever is retried, replayed or triggered "
    "twice.",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.time_to_cash.v1.router:router",
            runtime="process_apis._runtime.engine:flow_runtime",
        ),
    ),
)
