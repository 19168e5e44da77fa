"""Routes of /process/project-provisioning/v1: start a run for a won deal, list and show runs."""

from __future__ import annotations

from process_apis._runtime.flows import FlowSpec
from process_apis._runtime.router import flow_router
from process_apis.project_provisioning.flow import NAME, business_keys, provision_project
from process_apis.project_provisioning.v1.schemas import ProvisioningRequest
from process_apis.project_provisioning.validation import validate_deal

SPEC = FlowSpec(
    name=NAME,
    title="project provisioning",
    request_model=ProvisioningRequest,
    workflow=provision_project,
    business_keys=business_keys,
    validate=validate_deal,
)
router = flow_router(SPEC)
