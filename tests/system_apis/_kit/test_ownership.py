"""System-of-record enforcement from policies/ownership.yaml."""

from __future__ import annotations

import pytest

from contracts.problems import ProblemError
from policies import POLICY_DIR
from system_apis._kit.policy_files import enforce_ownership, load_ownership


def test_owner_may_write_its_attributes() -> None:
    policy = load_ownership(POLICY_DIR)
    enforce_ownership(policy, system="hcm", obj="worker", fields={"name", "grade"})
    enforce_ownership(policy, system="psa", obj="worker", fields={"cost_rate"})


def test_foreign_attribute_write_is_409_naming_the_owner() -> None:
    policy = load_ownership(POLICY_DIR)
    with pytest.raises(ProblemError) as raised:
        enforce_ownership(policy, system="psa", obj="worker", fields={"cost_rate", "grade"})
    error = raised.value
    assert error.problem_type.status == 409
    assert "hcm" in error.detail
    assert error.extensions["owners"] == {"grade": "hcm"}


def test_unknown_object_is_unrestricted() -> None:
    enforce_ownership(load_ownership(POLICY_DIR), system="psa", obj="unheard-of", fields={"x"})
