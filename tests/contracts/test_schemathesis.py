"""Property-based contract tests: schemathesis against every REST API the gateway serves.

Runs the schemathesis CLI (every check) against a real gateway on loopback, once
per OpenAPI document: the gateway's own and each in-process API version's. It calls
with the demo client's token (every catalogued scope) and the system APIs talk to the
vendor sandboxes (started on free ports), so operations answer for real; its
`ignored_auth` check also proves that each secured operation refuses no token.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from contracts.registry import Lifecycle
from gateway.app import create_app
from gateway.database import create_engine, create_schema
from gateway.oauth.clients import ensure_demo_client
from gateway.registry.discovery import discover_apis
from gateway.sandbox_process import running_sandboxes, sandbox_command
from gateway.settings import GatewaySettings
from tests.fixtures.servers import ThreadedServer, free_port_base

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Where each system API finds its vendor: the sandbox imitating it, and the path the
# vendor's API lives under there.
VENDOR_SETTINGS = {
    "xero": ("ATRIUM_ERP_BASE_URL", ""),
    "bamboohr": ("ATRIUM_HCM_BASE_URL", ""),
    "harvest": ("ATRIUM_PSA_BASE_URL", "/v2"),
    "stripe": ("ATRIUM_BILLING_BASE_URL", ""),
}
# Schemathesis fires as fast as it can; the contracts, not the limiters, are under test
# here: the edge tier, the vendors' own limits and our outbound quotas are lifted.
UNLIMITED = 'tiers:\n  standard: ["1000000/second"]\n'
UNLIMITED_QUOTAS = {
    "ATRIUM_ERP_TENANT_LIMITS": "1000000/minute",
    "ATRIUM_HCM_RATE_LIMITS": '["1000000/second"]',
    "ATRIUM_PSA_RATE_LIMITS": '["1000000/second"]',
    "ATRIUM_BILLING_RATE_LIMIT": "1000000/second",
}


def api_prefixes() -> list[str]:
    prefixes = [""]
    for api in discover_apis():
        for version in api.manifest.versions:
            if version.app and version.lifecycle is not Lifecycle.RETIRED:
                prefixes.append(api.manifest.base_path(version))
    return prefixes


async def _demo_token(settings: GatewaySettings, scopes: list[str], url: str) -> str:
    engine = create_engine(settings)
    try:
        await create_schema(engine)
        demo = await ensure_demo_client(engine, scopes=scopes)
    finally:
        await engine.dispose()
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(demo.client_id, demo.client_secret),
        )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


@contextmanager
def vendor_sandboxes(settings: GatewaySettings) -> Iterator[None]:
    """Run every vendor sandbox and point the system APIs' settings at them."""
    ready = settings.data_dir / "sandboxes-ready.json"
    command = sandbox_command(settings, ready)
    with (
        running_sandboxes(command, ready, settings.sandbox_start_timeout_s) as urls,
        pytest.MonkeyPatch.context() as env,
    ):
        for vendor, url in urls.items():
            variable, path = VENDOR_SETTINGS[vendor]
            env.setenv(variable, url + path)
            httpx.put(f"{url}/_sandbox/limits", json={"enabled": False}).raise_for_status()
        for variable, value in UNLIMITED_QUOTAS.items():
            env.setenv(variable, value)
        yield


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The gateway's URL and a token of the demo client."""
    data_dir = tmp_path_factory.mktemp("schemathesis")
    (data_dir / "rate_limits.yaml").write_text(UNLIMITED)
    settings = GatewaySettings(
        data_dir=data_dir,
        access_token_ttl_s=900,
        sandbox_port_base=free_port_base(len(VENDOR_SETTINGS)),
        rate_limits_file=data_dir / "rate_limits.yaml",
    )
    with vendor_sandboxes(settings):
        app = create_app(settings)
        with ThreadedServer(app, lifespan="on") as server:
            scopes = sorted(app.state.scope_policy.scopes)
            yield server.url, asyncio.run(_demo_token(settings, scopes, server.url))


def schemathesis(
    location: str, token: str, tmp_path: Path, *extra: str, max_examples: int, timeout_s: int
) -> None:
    """Run the schemathesis CLI on `location` with the demo token; fail with its report."""
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            location,
            *extra,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            str(max_examples),
            "--seed",
            "20261122",
            "--request-timeout",
            str(timeout_s),
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


@pytest.mark.parametrize("prefix", api_prefixes(), ids=lambda p: p or "gateway")
def test_api_conforms_to_its_openapi_document(
    prefix: str, gateway: tuple[str, str], tmp_path: Path
) -> None:
    url, token = gateway
    base = url + prefix
    schemathesis(
        f"{base}/openapi.json", token, tmp_path, "--url", base, max_examples=40, timeout_s=10
    )


def test_graphql_conforms_to_its_schema(gateway: tuple[str, str], tmp_path: Path) -> None:
    # Schemathesis reads the schema by introspection and fuzzes every query and mutation.
    # Positive-data acceptance is off: an Int cannot state that `first` is 1..100, nor a
    # String that a period is 'YYYY-MM', so schema-valid arguments are refused — with
    # extensions.classification BAD_REQUEST and the reason. Every other check runs, the
    # server-error one included: a resolver failure or a 5xx still fails here.
    url, token = gateway
    schemathesis(
        f"{url}/graphql",
        token,
        tmp_path,
        "--exclude-checks",
        "positive_data_acceptance",
        max_examples=20,
        timeout_s=30,
    )
