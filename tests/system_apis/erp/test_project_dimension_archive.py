"""POST …/project-dimensions/{code}/archive: no new postings on a project's dimension value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from contracts.registry import RuntimeContext
from system_apis._kit.http import create_vendor_client
from system_apis.erp.settings import ErpSettings
from system_apis.erp.v1.runtime import build_service
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import validate_exchange
from tests.system_apis.erp.conftest import Erp
from tests.system_apis.erp.test_connector import POLICIES, RecordingTransport

GB = "/legal-entities/GB01"


def _options(erp: Erp, code: str) -> list[dict[str, object]]:
    options = [o for c in erp.xero.store.all("tracking") for o in c["Options"]]
    return [o for o in options if str(o["Name"]).startswith(f"{code} - ")]


async def test_archives_once_and_archiving_again_changes_nothing(erp_fresh: Erp) -> None:
    created = await erp_fresh.put(f"{GB}/project-dimensions/PRJ-0960", json={"name": "Pilot"})
    assert created.status_code == 201, created.text

    first = await erp_fresh.post(
        f"{GB}/project-dimensions/PRJ-0960/archive", headers={"Idempotency-Key": "undo-1"}
    )
    second = await erp_fresh.post(f"{GB}/project-dimensions/PRJ-0960/archive")

    assert first.status_code == second.status_code == 200, first.text
    assert first.json()["status"] == second.json()["status"] == "archived"
    got = await erp_fresh.get(f"{GB}/project-dimensions/PRJ-0960")
    assert got.json()["status"] == "archived"
    assert [(o["Status"], o["IsArchived"]) for o in _options(erp_fresh, "PRJ-0960")] == [
        ("ARCHIVED", True)
    ]


async def test_archiving_an_unknown_project_is_404(erp_fresh: Erp) -> None:
    response = await erp_fresh.post(f"{GB}/project-dimensions/PRJ-0961/archive")

    assert response.status_code == 404, response.text
    assert response.json()["type"].endswith("/not-found")


async def test_archive_request_matches_xeros_spec(
    sandbox_server: SandboxServers, tmp_path: Path, vendor_spec: Callable[[str], object]
) -> None:
    spec = vendor_spec("xero")
    xero = sandbox_server("xero")
    settings = ErpSettings(base_url=xero.url)
    transport = RecordingTransport(httpx.AsyncHTTPTransport())
    client = create_vendor_client(
        base_url=xero.url,
        headers={"Authorization": f"Bearer {settings.access_token.get_secret_value()}"},
        timeout=httpx.Timeout(5.0),
        transport=transport,
    )
    ctx = RuntimeContext(environ={}, redis_url=None, policy_dir=POLICIES, data_dir=tmp_path)
    async with client:
        service = build_service(settings, ctx, client)
        await service.archive_project_dimension("GB01", "PRJ-0029", None)

    (request, response) = next((q, r) for q, r in transport.exchanges if q.method == "POST")
    assert response.status_code == 200, response.text
    assert "/TrackingCategories/" in request.url.path
    validate_exchange(spec, request, response)  # type: ignore[arg-type]
