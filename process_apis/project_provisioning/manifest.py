from contracts.registry import ApiManifest, ApiVersion

manifest = ApiManifest(
    name="project-provisioning",
    kind="process",
    title="Project provisioning",
    owner="pmo",
    description="A won deal becomes an ERP customer and project dimension, a PSA project "
    "with tasks, rates and staffed roles, and a billing customer with its payment terms; "
    "then `project.provisioned`. Bad input is refused at once (422, nothing created); a "
    "missing cost centre or an invalid tax code parks the run for finance; a refusal after "
    "partial creation is compensated in reverse order.",
    versions=(
        ApiVersion(
            number=1,
            app="process_apis.project_provisioning.v1.router:router",
            runtime="process_apis._runtime.engine:flow_runtime",
        ),
    ),
)
