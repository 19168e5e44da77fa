from pathlib import Path

import pytest

from process_apis._runtime.owners import OwnerPolicy, load_owner_policy

POLICIES = Path(__file__).resolve().parents[3] / "policies"


def test_routes_by_error_type_before_flow() -> None:
    policy = load_owner_policy(POLICIES)

    rule = policy.route(error_type="missing-cost-centre", flow="project-provisioning", system="erp")

    assert (rule.owner, rule.sla_hours) == ("finance", 8)


def test_falls_back_to_the_flow_then_the_catch_all() -> None:
    policy = load_owner_policy(POLICIES)

    assert policy.route(error_type="boom", flow="hire-to-assign", system=None).owner == "hr"
    assert policy.route(error_type="boom", flow=None, system="events").owner == "integration-team"


def test_a_policy_without_catch_all_fails_loudly() -> None:
    policy = OwnerPolicy.model_validate({"rules": [{"flow": "x", "owner": "pmo", "sla_hours": 1}]})

    with pytest.raises(LookupError):
        policy.route(error_type="e", flow="y", system=None)
