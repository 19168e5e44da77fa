"""The HCM system API (BambooHR behind it)."""

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="hcm",
    kind="system",
    title="HCM system API",
    owner="platform-integrations",
    description="Workers and their employment, org units, cost centres, leave and "
    "availability from the HCM (BambooHR), in Atrium's canonical model.",
    versions=(
        ApiVersion(
            number=1,
            app="system_apis.hcm.v1.router:router",
            runtime="system_apis.hcm.v1.runtime:runtime",
        ),
    ),
)
