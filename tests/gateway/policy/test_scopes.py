"""`scopes.yaml` loads strictly: catalogued scopes only, well-formed names, no duplicate keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.policy.files import PolicyFileError
from gateway.policy.scopes import load_scope_policy
from gateway.settings import GatewaySettings
from policies import POLICY_DIR
from tests.fixtures.apps import PolicyFolder

VALID = """
scopes:
  # --- hcm ---
  hcm.workers:read: Read workers
  process.time-to-cash:run: Start time-to-cash runs
  # --- end hcm ---
operations:
  # --- system/hcm/v1 ---
  system/hcm/v1:
    listWorkers: [hcm.workers:read]
    ping: []
  # --- end system/hcm/v1 ---
  # --- system/psa/v1 ---
  # --- end system/psa/v1 ---
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "scopes.yaml").write_text(text)
    return tmp_path


def test_the_committed_policy_loads_and_uses_only_catalogued_scopes() -> None:
    policy = load_scope_policy(POLICY_DIR)
    used = {s for ops in policy.operations.values() for scopes in ops.values() for s in scopes}
    assert used <= set(policy.scopes)
    assert "/openapi.json" in policy.public_paths


def test_blocks_and_anchor_comments_load(tmp_path: Path) -> None:
    policy = load_scope_policy(write(tmp_path, VALID))
    assert policy.required("system/hcm/v1", "listWorkers") == ("hcm.workers:read",)
    assert policy.required("system/hcm/v1", "ping") == ()
    assert policy.required("system/hcm/v1", "deleteEverything") is None
    assert policy.required("system/psa/v1", "listProjects") is None


def test_sections_holding_only_comments_are_empty(tmp_path: Path) -> None:
    policy = load_scope_policy(write(tmp_path, "scopes:\n  # --- hcm ---\noperations:\n  # x\n"))
    assert policy.scopes == {}
    assert policy.operations == {}


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        (VALID.replace("    ping: []", "    listWorkers: []"), "duplicate key"),
        (VALID.replace("  system/hcm/v1:\n", "  system/hcm/v1:\n  system/hcm/v1:\n"), "duplicate"),
        (VALID.replace("ping: []", "ping: [hcm.workers:delete]"), "uncatalogued"),
        (VALID.replace("hcm.workers:read: Read", "HCM Workers: Read"), "string_pattern_mismatch"),
        (VALID.replace("system/hcm/v1:\n    list", "hcm:\n    list"), "string_pattern_mismatch"),
        (VALID + "public_paths: [openapi.json]\n", "must start with '/'"),
        (VALID + "extra: 1\n", "extra"),
        ("scopes: [unclosed", "scopes.yaml"),
    ],
    ids=[
        "operation-twice",
        "version-twice",
        "uncatalogued-scope",
        "bad-scope-name",
        "bad-version-key",
        "relative-public-path",
        "unknown-section",
        "not-yaml",
    ],
)
def test_faulty_policy_is_refused_naming_the_file(tmp_path: Path, text: str, fault: str) -> None:
    with pytest.raises(PolicyFileError, match=r"scopes\.yaml") as caught:
        load_scope_policy(write(tmp_path, text))
    assert fault in str(caught.value)


def test_missing_policy_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError, match=r"scopes\.yaml"):
        load_scope_policy(tmp_path)


def test_create_app_reads_the_policy_dir_from_the_environment(
    tmp_path: Path, policy_folder: PolicyFolder, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_folder.allow("system/marker/v1", {"mark": ["env.marker:read"]})
    monkeypatch.setenv("ATRIUM_POLICY_DIR", str(policy_folder.root))
    app = create_app(GatewaySettings(data_dir=tmp_path / "var"))
    assert "env.marker:read" in app.state.scope_policy.scopes
