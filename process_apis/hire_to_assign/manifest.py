"""The hire-to-assign process API (issue 5, flow 2)."""

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="hire-to-assign",
    kind="process",
    title="Hire to assign",
    owner="people-systems",
    description="HCM hires, changes and terminations made true in the PSA: a new worker "
    "becomes assignable at their role's rates (cost centre checked in the ERP), a change "
    "updates rates and time-approval routing, a leaver's assignments end and their PSA user "
    "is deactivated. Triggered by the HCM's webhook and by a `changed since` poller.",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.hire_to_assign.v1.router:router",
            runtime="process_apis.hire_to_assign.runtime:runtime",
        ),
    ),
)
