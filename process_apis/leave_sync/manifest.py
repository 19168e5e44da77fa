"""The leave-sync process API (issue 5, flow 4)."""

from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="leave-sync",
    kind="process",
    title="Leave sync",
    owner="people-systems",
    description="Leave approved or cancelled in the HCM made visible in the PSA: the "
    "worker's weekly capacity follows their availability week by week, the projects they "
    "are staffed on during the leave are flagged at risk, and `availability.changed` is "
    "emitted. Triggered by the HCM's webhook and by a poller over leave requests.",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.leave_sync.v1.router:router",
            runtime="process_apis.leave_sync.runtime:runtime",
        ),
    ),
)
