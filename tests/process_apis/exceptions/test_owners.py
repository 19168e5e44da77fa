"""Owner routing: each exception goes to the team policies/owners.yaml names, with its SLA."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from tests.fixtures.apps import PolicyFolder
from tests.process_apis.exceptions.conftest import queue_settings, serve_queue

OWNERS = """
rules:
  - error_type: probe-ledger
    owner: finance
    sla_hours: 2
  - flow: exception-probe
    owner: pmo
    sla_hours: 6
  - owner: integration-team
    sla_hours: 4
"""


def _sla(view: dict[str, str]) -> timedelta:
    return datetime.fromisoformat(view["sla_due_at"]) - datetime.fromisoformat(view["created_at"])


async def test_owner_and_sla_come_from_the_first_matching_rule_of_owners_yaml(
    tmp_path: Path,
    policy_folder: PolicyFolder,
    monkeypatch: pytest.MonkeyPatch,
    probe_steps: ModuleType,
) -> None:
    (policy_folder.root / "owners.yaml").write_text(OWNERS)
    settings = queue_settings(tmp_path, policy_folder)
    async with serve_queue(settings, monkeypatch, {}) as queue:
        _, by_type = await queue.parked("O-1", error_type="probe-ledger")
        _, by_flow = await queue.parked("O-2", error_type="probe-anything")
        ledger, flow = await queue.get(by_type), await queue.get(by_flow)
        finance = await queue.list(owner="finance")

    assert (ledger["owner"], _sla(ledger)) == ("finance", timedelta(hours=2))
    assert (flow["owner"], _sla(flow)) == ("pmo", timedelta(hours=6))
    assert [item["id"] for item in finance["items"]] == [by_type]
    assert ledger["audit"][0]["detail"] == {"owner": "finance"}


async def test_the_shipped_owners_yaml_routes_known_error_types_to_their_teams(
    tmp_path: Path,
    policy_folder: PolicyFolder,
    monkeypatch: pytest.MonkeyPatch,
    probe_steps: ModuleType,
) -> None:
    settings = queue_settings(tmp_path, policy_folder)
    async with serve_queue(settings, monkeypatch, {}) as queue:
        owners = {}
        for case, error_type in [
            ("Y-1", "missing-cost-centre"),
            ("Y-2", "unknown-role"),
            ("Y-3", "worker-not-in-psa"),
            ("Y-4", "probe-unrouted"),
        ]:
            _, exception_id = await queue.parked(case, error_type=error_type)
            owners[error_type] = (await queue.get(exception_id))["owner"]

    assert owners == {
        "missing-cost-centre": "finance",
        "unknown-role": "hr",
        "worker-not-in-psa": "pmo",
        "probe-unrouted": "integration-team",
    }
