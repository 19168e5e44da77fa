from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="exceptions",
    kind="process",
    title="Exception queue",
    owner="integration-team",
    description="Parked runs, failed runs and dead-lettered events, routed to their owners "
    "with an SLA: list and filter them, claim one, resume a parked run with corrected data, "
    "retry from the failed step, cancel with a reason, redrive in bulk. Every action is "
    "audited.",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.exceptions.v1.router:router",
            runtime="process_apis.exceptions.runtime:exceptions_runtime",
        ),
    ),
)
