"""The PSA system API (Harvest v2 behind it)."""

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="psa",
    kind="system",
    title="PSA system API",
    owner="platform-integrations",
    description="Customers, projects, tasks, resources, assignments and time from the PSA "
    "(Harvest v2), in Atrium's canonical model.",
    versions=(
        ApiVersion(
            number=1,
            app="system_apis.psa.v1.router:router",
            runtime="system_apis.psa.v1.runtime:runtime",
        ),
    ),
)
