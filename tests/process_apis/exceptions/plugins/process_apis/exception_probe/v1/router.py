from process_apis.exception_probe.flow import NAME, exception_probe_flow
from process_apis.exception_probe.v1.schemas import ProbeRequest

from process_apis._runtime.flows import FlowSpec
from process_apis._runtime.router import flow_router

SPEC = FlowSpec(
    name=NAME,
    title="Exception probe",
    request_model=ProbeRequest,
    workflow=exception_probe_flow,
    business_keys=lambda r: {"case": r.case, "cohort": r.cohort},
)
router = flow_router(SPEC)
