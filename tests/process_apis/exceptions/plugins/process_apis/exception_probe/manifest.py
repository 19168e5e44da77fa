from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="exception-probe",
    kind="process",
    title="Exception probe",
    owner="test-team",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.exception_probe.v1.router:router",
            runtime="process_apis._runtime.engine:flow_runtime",
        ),
    ),
)
