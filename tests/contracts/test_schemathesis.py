"""Property-based contract tests: schemathesis against every REST API the gateway serves.

Runs the schemathesis CLI (every check) against a real gateway on loopback, once
per OpenAPI document: the gateway's own and each in-process API version's.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.registry import Lifecycle
from gateway.app import create_app
from gateway.registry.discovery import discover_apis
from gateway.settings import GatewaySettings
from tests.fixtures.servers import ThreadedServer

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def api_prefixes() -> list[str]:
    prefixes = [""]
    for api in discover_apis():
        for version in api.manifest.versions:
            if version.app and version.lifecycle is not Lifecycle.RETIRED:
                prefixes.append(api.manifest.base_path(version))
    return prefixes


@pytest.fixture(scope="module")
def gateway_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(GatewaySettings(data_dir=tmp_path_factory.mktemp("schemathesis")))
    with ThreadedServer(app, lifespan="on") as server:
        yield server.url


@pytest.mark.parametrize("prefix", api_prefixes(), ids=lambda p: p or "gateway")
def test_api_conforms_to_its_openapi_document(
    prefix: str, gateway_url: str, tmp_path: Path
) -> None:
    base = gateway_url + prefix
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{base}/openapi.json",
            "--url",
            base,
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--seed",
            "20261122",
            "--request-timeout",
            "10",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
