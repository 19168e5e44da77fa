"""Protected routes (RFC 6750): who may call, and how refusals are signalled."""

from __future__ import annotations

import base64

import httpx
import pytest

from gateway.app import create_app
from gateway.database import create_engine
from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder
from tests.fixtures.servers import ThreadedServer
from tests.gateway.oauth.conftest import (
    PROTECTED_API,
    PROTECTED_OPERATIONS,
    PROTECTED_ROUTER,
    OAuth,
    assert_invalid_token,
    assert_problem,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def oauth(shared_oauth: OAuth) -> OAuth:
    """These tests only add clients and read: one gateway serves the whole module."""
    return shared_oauth


async def test_token_with_required_scope_reaches_the_route(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read",))
    response = await oauth.call(await oauth.token(credential))
    assert response.status_code == 200
    assert response.json() == {"client_id": credential.client_id}


async def test_token_without_required_scope_is_403_naming_the_scope(oauth: OAuth) -> None:
    credential = await oauth.new_client(("other:read",))
    response = await oauth.call(await oauth.token(credential, "other:read"))
    body = assert_problem(response, 403, "insufficient-scope")
    assert body["required_scopes"] == ["demo:read"]
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="atrium"')
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="demo:read"' in challenge


async def test_missing_authorization_is_401_without_an_error_code(oauth: OAuth) -> None:
    response = await oauth.call(None)
    assert_invalid_token(response, error=None)


async def test_bearer_scheme_is_case_insensitive(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    response = await oauth.http.get(oauth.path, headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


async def test_basic_scheme_is_refused_as_invalid_request(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    basic = base64.b64encode(f"{credential.client_id}:{credential.client_secret}".encode())
    response = await oauth.http.get(
        oauth.path, headers={"Authorization": f"Basic {basic.decode()}"}
    )
    assert_invalid_token(response, error="invalid_request")


async def test_basic_scheme_carrying_a_valid_token_is_refused(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    response = await oauth.http.get(oauth.path, headers={"Authorization": f"Basic {token}"})
    assert_invalid_token(response, error="invalid_request")


async def test_empty_bearer_is_refused(oauth: OAuth) -> None:
    response = await oauth.http.get(oauth.path, headers={"Authorization": "Bearer    "})
    assert_invalid_token(response, error="invalid_request")


async def test_token_only_in_query_string_is_refused_as_invalid_request(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    response = await oauth.call(None, params={"access_token": token})
    assert_invalid_token(response, error="invalid_request")


async def test_token_in_form_body_is_not_read(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    response = await oauth.http.request("GET", oauth.path, data={"access_token": token})
    assert_invalid_token(response, error=None)


async def test_token_with_several_scopes_reaches_a_route_needing_one_of_them(
    oauth: OAuth,
) -> None:
    credential = await oauth.new_client(("demo:read", "demo:write"))
    response = await oauth.call(await oauth.token(credential, "demo:write demo:read"))
    assert response.status_code == 200


async def test_a_verified_caller_is_not_remembered_by_the_next_request_on_a_real_server(
    api_folder: ApiFolder, settings: GatewaySettings
) -> None:
    # The bearer dependency caches the principal on request.state; over a real ASGI server
    # (which copies the lifespan state per request) that cache must die with the request.
    name = api_folder.add(
        "system", PROTECTED_API, PROTECTED_ROUTER, operations=PROTECTED_OPERATIONS
    )
    with ThreadedServer(create_app(settings), lifespan="on") as server:
        engine = create_engine(settings)
        try:
            credential = await create_client(engine, name="t", scopes=["demo:read"])
        finally:
            await engine.dispose()
        path = f"/system/{name}/v1/whoami"
        async with httpx.AsyncClient(base_url=server.url) as http:
            token = (
                await http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials", "scope": "demo:read"},
                    auth=(credential.client_id, credential.client_secret),
                )
            ).json()["access_token"]
            ok = await http.get(path, headers={"Authorization": f"Bearer {token}"})
            assert ok.status_code == 200
            after = await http.get(path, headers={"Authorization": "Bearer not-a-token"})
            assert_invalid_token(after)
            anonymous = await http.get(path)
            assert_invalid_token(anonymous, error=None)
