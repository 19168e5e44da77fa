from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="events",
    kind="process",
    title="Events and webhooks",
    owner="integration-team",
    description="Canonical business events (CloudEvents 1.0) and where they go: webhook "
    "subscriptions for partners and the firm (Standard Webhooks signatures, retries with "
    "backoff, a delivery log per subscription, redelivery), the dead-letter store, replay by "
    "event type, business key or time range, and the event schemas (JSON Schema, AsyncAPI).",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.events.v1.router:router",
            runtime="process_apis._runtime.engine:flow_runtime",
        ),
    ),
)
