"""Every request to a mounted version needs a valid bearer token, except its public paths."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder, MakeApp, authorize, serving
from tests.fixtures.servers import RecordingUpstream
from tests.gateway.oauth.conftest import assert_invalid_token

API = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Guarded", owner="test-team",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router"),),
)
"""

ROUTER = """
from fastapi import APIRouter, Request

router = APIRouter()
CALLS = []

@router.get("/caller", operation_id="getCaller")
async def caller(request: Request) -> dict[str, str]:
    CALLS.append(1)
    # No bearer dependency here: the authentication layer alone put the principal there.
    return {"client_id": request.state.principal.client_id, "calls": str(len(CALLS))}
"""

REMOTE = """
from contracts.registry import ApiManifest, ApiVersion, RemoteTarget
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Remote", owner="team-r",
    versions=(ApiVersion(number=1, remote=RemoteTarget(base_url="URL")),),
)
"""


@pytest.fixture
async def guarded(
    api_folder: ApiFolder, make_app: MakeApp
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    name = api_folder.add("system", API, ROUTER, operations={"getCaller": []})
    async with serving(make_app()) as client:
        yield client, f"/system/{name}/v1"


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
async def test_public_paths_need_no_token(
    guarded: tuple[httpx.AsyncClient, str], path: str
) -> None:
    client, base = guarded
    assert (await client.get(base + path)).status_code == 200


@pytest.mark.parametrize("path", ["/caller", "/nothing-here", "/openapi.json/", "/", "/docs/x"])
async def test_any_other_path_without_a_token_is_401_with_a_bearer_challenge(
    guarded: tuple[httpx.AsyncClient, str], path: str
) -> None:
    client, base = guarded
    assert_invalid_token(await client.get(base + path), error=None)


async def test_invalid_token_is_refused_before_the_app_runs(
    guarded: tuple[httpx.AsyncClient, str], settings: GatewaySettings
) -> None:
    client, base = guarded
    refused = await client.get(f"{base}/caller", headers={"Authorization": "Bearer abc.def.ghi"})
    assert_invalid_token(refused)
    await authorize(client, settings, [])
    assert (await client.get(f"{base}/caller")).json()["calls"] == "1"


async def test_verified_principal_is_left_in_the_request_state(
    guarded: tuple[httpx.AsyncClient, str], settings: GatewaySettings
) -> None:
    client, base = guarded
    await authorize(client, settings, [])
    response = await client.get(f"{base}/caller")
    assert response.status_code == 200
    assert response.json()["client_id"].startswith("cl_")


async def test_remote_version_needs_a_token_before_anything_is_proxied(
    upstream: tuple[RecordingUpstream, str],
    api_folder: ApiFolder,
    make_app: MakeApp,
    settings: GatewaySettings,
) -> None:
    recorder, url = upstream
    name = api_folder.add("system", REMOTE.replace("URL", url))
    async with serving(make_app()) as client:
        assert_invalid_token(await client.get(f"/system/{name}/v1/echo"), error=None)
        assert recorder.seen == []
        token = await authorize(client, settings, [])
        assert (await client.get(f"/system/{name}/v1/echo")).status_code == 200
    assert recorder.seen[-1]["headers"]["authorization"] == f"Bearer {token}"


async def test_tokens_are_never_logged(
    guarded: tuple[httpx.AsyncClient, str],
    settings: GatewaySettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, base = guarded
    caplog.set_level(logging.DEBUG)
    token = await authorize(client, settings, [])
    forged = token[:-8] + "AAAAAAAA"
    await client.get(f"{base}/caller")
    await client.get(f"{base}/caller", headers={"Authorization": f"Bearer {forged}"})
    await client.get(f"{base}/caller?access_token={forged}", headers={"Authorization": ""})
    # httpx logs the URLs of this test's own client, query string and all: not the gateway.
    records = [r for r in caplog.records if r.name != "httpx"]
    assert any(r.name == "atrium.access" for r in records), "the requests were logged"
    for record in records:
        text = repr(record.__dict__) + record.getMessage()
        assert token not in text
        assert forged not in text
        assert token.split(".")[2] not in text
