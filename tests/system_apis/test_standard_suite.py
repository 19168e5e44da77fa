"""The standard suite, run over every system API found: adding one gets these checks for free."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.openapi_export import export_documents
from gateway.registry.discovery import discover_apis
from gateway.settings import GatewaySettings
from policies import POLICY_DIR
from system_apis._kit import conformance

ROLES = [api.manifest.name for api in discover_apis() if api.manifest.kind == "system"]
OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"


def test_the_four_platforms_are_present() -> None:
    assert {"erp", "hcm", "psa", "billing"} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_manifest_is_valid(role: str) -> None:
    assert conformance.check_manifest(role) == []


@pytest.mark.parametrize("role", ROLES)
def test_routes_have_operation_ids_models_and_problem_mapping(role: str) -> None:
    assert conformance.check_routes(role) == []


@pytest.mark.parametrize("role", ROLES)
def test_settings_load_from_the_runtime_environment(role: str) -> None:
    assert conformance.check_settings(role, POLICY_DIR) == []


@pytest.mark.parametrize("role", ROLES)
def test_mapping_covers_the_objects_the_system_owns(role: str) -> None:
    assert conformance.check_mapping_policy(role, POLICY_DIR) == []


@pytest.mark.parametrize("role", ROLES)
def test_vendor_429_and_5xx_are_retriable(role: str) -> None:
    assert conformance.check_error_classification(role) == []


@pytest.fixture
async def exported(tmp_path: Path) -> dict[str, dict[str, Any]]:
    return await export_documents(GatewaySettings(data_dir=tmp_path))


@pytest.mark.parametrize("role", ROLES)
async def test_committed_spec_is_current(role: str, exported: dict[str, dict[str, Any]]) -> None:
    name = f"system/{role}/v1.json"
    committed = OPENAPI_DIR / name
    assert committed.exists(), f"run `make openapi` to commit openapi/{name}"
    assert json.loads(committed.read_text()) == exported[name], "run `make openapi`"
