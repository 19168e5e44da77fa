"""Scenarios S and H (issue 3): one worker from the BambooHR sandbox, directly and via Atrium.

S asks the sandbox exactly what the HCM connector asks when the gateway serves
`GET /system/hcm/v1/workers/{id}`: one Get Employee call with HTTP Basic (the demo API
key) and the connector's field selection. That route makes one vendor call and nothing
else, so H over S is the whole cost of the gateway on this path.

H is `atrium serve` with the HCM API pointed at that sandbox: the repository's policies
(so `getWorker` needs `hcm.workers:read`, which the bench client's token holds), a
generous inbound rate-limit tier, in-memory counters (no Redis), and the outbound
BambooHR quota raised so the gateway never queues its own calls. The sandbox's rate
limit is switched off, or wrk would be throttled to BambooHR's 100 requests per 10 s.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

from bench.errors import BenchError
from bench.gateway_plus import http_request
from system_apis._kit.policy_files import load_mapping
from system_apis.hcm.connector.models import EMPLOYEE_FIELDS
from system_apis.hcm.mapping import HcmMapping
from system_apis.hcm.settings import HcmSettings

REPO = Path(__file__).resolve().parent.parent
POLICY_DIR = REPO / "policies"
SCOPE = "hcm.workers:read"
SANDBOX_READY_PATH = "/_sandbox/limits"
# The connector's own outbound budget is BambooHR's 100/10 s; lifted so it never waits.
OUTBOUND_RATE_LIMITS = '["1000000/second"]'


def sandbox_command(port: int, data_dir: Path) -> list[str]:
    """The BambooHR sandbox alone, seeded with the demo firm in `data_dir`."""
    command = [sys.executable, "-m", "sandboxes", "bamboohr", "--port", str(port)]
    return [*command, "--data-dir", str(data_dir), "--exit-with-parent"]


def vendor_headers() -> dict[str, str]:
    """What the connector sends: Basic with the API key as user and "x" as password."""
    default = HcmSettings.model_fields["api_key"].get_default()
    key = default.get_secret_value()
    basic = base64.b64encode(f"{key}:x".encode()).decode()
    return {"Authorization": f"Basic {basic}", "Accept": "application/json"}


def employee_path(employee_id: str) -> str:
    """Get Employee with the fields `HcmService.get_worker` requests (mapping included)."""
    mapping = HcmMapping.from_policy(load_mapping(POLICY_DIR, "hcm"))
    fields = ",".join((*EMPLOYEE_FIELDS, *mapping.custom_fields))
    return f"/api/v1/employees/{employee_id}?{urlencode({'fields': fields})}"


def worker_path(employee_id: str) -> str:
    return f"/system/hcm/v1/workers/{employee_id}"


def wrk_header_args(headers: dict[str, str]) -> tuple[str, ...]:
    return tuple(arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}"))


def prepare_sandbox(port: int) -> str:
    """Switch the sandbox's rate limit off; return the id of an employee it holds."""
    status, body = http_request(
        port, "PUT", "/_sandbox/limits", '{"enabled": false}', {"Content-Type": "application/json"}
    )
    if status != 200 or json.loads(body) != {"enabled": False}:
        raise BenchError(f"sandbox PUT /_sandbox/limits answered {status} {body[:200]!r}")
    status, body = http_request(
        port, "GET", "/api/v1/employees?page%5Blimit%5D=1", "", vendor_headers()
    )
    if status != 200:
        raise BenchError(f"sandbox List Employees answered {status} {body[:200]!r}")
    rows = json.loads(body)["data"]
    if not rows:
        raise BenchError("the BambooHR sandbox holds no employees (seeding failed?)")
    return str(rows[0]["employeeId"])


def gateway_settings(sandbox_port: int, rate_limits_file: Path) -> dict[str, str]:
    """ATRIUM_* settings for H: HCM on the bench sandbox, nothing else started."""
    return {
        "ATRIUM_POLICY_DIR": str(POLICY_DIR),
        "ATRIUM_RATE_LIMITS_FILE": str(rate_limits_file),
        "ATRIUM_START_SANDBOXES": "false",
        "ATRIUM_ACCESS_TOKEN_TTL_S": "900",
        "ATRIUM_HCM_BASE_URL": f"http://127.0.0.1:{sandbox_port}",
        "ATRIUM_HCM_RATE_LIMITS": OUTBOUND_RATE_LIMITS,
    }


def verify(port: int, path: str, headers: dict[str, str], employee_id: str, key: str) -> None:
    """One request by hand, as wrk will send it: a 200 naming the employee."""
    status, body = http_request(port, "GET", path, "", headers)
    try:
        found = json.loads(body).get("id") if status == 200 else None
    except ValueError:
        found = None
    if str(found) != employee_id:
        raise BenchError(f"{key} GET {path} answered {status} {body[:300]!r}")
