"""bench.hcm: S asks the sandbox exactly what the gateway's GET worker asks BambooHR."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx

from bench import hcm
from system_apis._kit.caller import Caller
from system_apis._kit.policy_files import load_mapping, load_ownership
from system_apis.hcm.connector.models import EMPLOYEE_FIELDS
from system_apis.hcm.mapping import HcmMapping
from system_apis.hcm.settings import HcmSettings
from system_apis.hcm.v1.runtime import build_connector
from system_apis.hcm.v1.service import HcmService

_EMPLOYEE = {
    "id": "7",
    "employeeNumber": "E-7",
    "firstName": "Ada",
    "lastName": "Byron",
    # Every other field the connector requests, present and empty.
    **dict.fromkeys(EMPLOYEE_FIELDS[3:]),
}


async def test_get_worker_makes_the_one_vendor_call_scenario_s_sends() -> None:
    sent: list[httpx.Request] = []

    def bamboo(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=_EMPLOYEE)

    connector = build_connector(HcmSettings(), None, transport=httpx.MockTransport(bamboo))
    service = HcmService(
        connector=connector,
        mapping=HcmMapping.from_policy(load_mapping(hcm.POLICY_DIR, "hcm")),
        ownership=load_ownership(hcm.POLICY_DIR),
    )
    try:
        worker = await service.get_worker("7", Caller(partner_id=None, scopes=frozenset()))
    finally:
        await connector.aclose()

    assert worker.id == "7"
    assert len(sent) == 1
    expected = httpx.URL(hcm.employee_path("7"))
    assert sent[0].url.path == expected.path
    assert sent[0].url.params == expected.params
    assert sent[0].headers["authorization"] == hcm.vendor_headers()["Authorization"]


def test_vendor_headers_carry_the_demo_api_key_as_basic_user() -> None:
    encoded = hcm.vendor_headers()["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(encoded).decode() == "bamboohr-demo-api-key:x"


def test_wrk_header_args_pass_each_header_with_h() -> None:
    args = hcm.wrk_header_args({"Authorization": "Bearer t", "Accept": "application/json"})
    assert args == ("-H", "Authorization: Bearer t", "-H", "Accept: application/json")


def test_gateway_settings_lift_the_outbound_quota_and_start_no_sandboxes(tmp_path: Path) -> None:
    settings = hcm.gateway_settings(18202, tmp_path / "rate_limits.yaml")
    assert settings["ATRIUM_HCM_BASE_URL"] == "http://127.0.0.1:18202"
    assert settings["ATRIUM_START_SANDBOXES"] == "false"
    assert settings["ATRIUM_RATE_LIMITS_FILE"] == str(tmp_path / "rate_limits.yaml")
    lifted = HcmSettings(rate_limits=json.loads(settings["ATRIUM_HCM_RATE_LIMITS"]))
    assert lifted.rate_limits != HcmSettings().rate_limits
