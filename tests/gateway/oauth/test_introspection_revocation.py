"""Token introspection (RFC 7662) and revocation (RFC 7009)."""

from __future__ import annotations

import time

import httpx
import pytest

from gateway.oauth.clients import IssuedCredential, disable_client
from tests.gateway.oauth.conftest import OAuth, assert_invalid_token, assert_problem
from tests.gateway.oauth.forge import decode_unverified

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def oauth(shared_oauth: OAuth) -> OAuth:
    """Each test revokes only its own tokens: one gateway serves the whole module."""
    return shared_oauth


def basic(credential: IssuedCredential) -> httpx.BasicAuth:
    return httpx.BasicAuth(credential.client_id, credential.client_secret)


async def introspect(
    oauth: OAuth, token: str, credential: IssuedCredential | None
) -> httpx.Response:
    auth = basic(credential) if credential else None
    return await oauth.http.post("/oauth/introspect", data={"token": token}, auth=auth)


async def revoke(oauth: OAuth, token: str, credential: IssuedCredential | None) -> httpx.Response:
    auth = basic(credential) if credential else None
    return await oauth.http.post("/oauth/revoke", data={"token": token}, auth=auth)


# --- introspection --------------------------------------------------------------------------


async def test_introspecting_an_active_token_returns_its_claims(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read", "demo:write"))
    token = await oauth.token(credential, "demo:write demo:read")
    response = await introspect(oauth, token, credential)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    _, claims = decode_unverified(token)
    assert response.json() == {
        "active": True,
        "iss": oauth.settings.token_issuer(),
        "sub": credential.client_id,
        "client_id": credential.client_id,
        "scope": "demo:read demo:write",
        "exp": claims["exp"],
        "jti": claims["jti"],
        "token_type": "Bearer",
    }


async def test_introspection_accepts_client_secret_post(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    token = await oauth.token(credential)
    response = await oauth.http.post(
        "/oauth/introspect",
        data={
            "token": token,
            "client_id": credential.client_id,
            "client_secret": credential.client_secret,
        },
    )
    assert response.json()["active"] is True


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
async def test_introspecting_garbage_says_only_inactive(oauth: OAuth, token: str) -> None:
    response = await introspect(oauth, token, await oauth.new_client())
    assert response.status_code == 200
    assert response.json() == {"active": False}


async def test_introspecting_an_expired_token_says_inactive(oauth: OAuth) -> None:
    now = int(time.time())
    expired = await oauth.forge(claims={"exp": now - 120, "iat": now - 720, "nbf": now - 720})
    response = await introspect(oauth, expired, await oauth.new_client())
    assert response.json() == {"active": False}


async def test_introspection_without_client_authentication_is_401(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    response = await introspect(oauth, token, None)
    body = assert_problem(response, 401, "invalid-token")
    assert "active" not in body
    assert response.headers["www-authenticate"].startswith("Basic")


async def test_introspection_with_a_wrong_secret_is_401(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    token = await oauth.token(credential)
    wrong = IssuedCredential(credential.client_id, credential.client_secret + "x")
    response = await introspect(oauth, token, wrong)
    assert response.status_code == 401
    assert "active" not in response.json()


async def test_a_disabled_client_cannot_introspect(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    token = await oauth.token(credential)
    await disable_client(oauth.engine, credential.client_id)
    assert (await introspect(oauth, token, credential)).status_code == 401


async def test_introspection_with_a_json_body_is_415(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    response = await oauth.http.post(
        "/oauth/introspect", json={"token": "x"}, auth=basic(credential)
    )
    assert_problem(response, 415, "unsupported-media-type")


# --- revocation -----------------------------------------------------------------------------


async def test_token_revoked_by_its_client_is_refused_and_inactive(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    token = await oauth.token(credential)
    assert (await oauth.call(token)).status_code == 200
    response = await revoke(oauth, token, credential)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    refused = await oauth.call(token)
    assert_invalid_token(refused)
    assert "revoked" in refused.json()["detail"]
    assert (await introspect(oauth, token, credential)).json() == {"active": False}


async def test_revocation_accepts_client_secret_post(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    token = await oauth.token(credential)
    response = await oauth.http.post(
        "/oauth/revoke",
        data={
            "token": token,
            "client_id": credential.client_id,
            "client_secret": credential.client_secret,
        },
    )
    assert response.status_code == 200
    assert_invalid_token(await oauth.call(token))


async def test_another_client_cannot_revoke_a_token_it_does_not_own(oauth: OAuth) -> None:
    owner = await oauth.new_client()
    stranger = await oauth.new_client()
    token = await oauth.token(owner)
    response = await revoke(oauth, token, stranger)
    assert response.status_code == 200  # RFC 7009 §2.2: no hint whether it was revoked
    assert (await oauth.call(token)).status_code == 200
    assert (await introspect(oauth, token, owner)).json()["active"] is True


async def test_revoking_one_token_leaves_the_clients_other_tokens_valid(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    revoked, kept = await oauth.token(credential), await oauth.token(credential)
    await revoke(oauth, revoked, credential)
    assert_invalid_token(await oauth.call(revoked))
    assert (await oauth.call(kept)).status_code == 200


async def test_revoking_twice_or_revoking_garbage_is_200(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    token = await oauth.token(credential)
    assert (await revoke(oauth, token, credential)).status_code == 200
    assert (await revoke(oauth, token, credential)).status_code == 200
    assert (await revoke(oauth, "garbage", credential)).status_code == 200


async def test_revocation_without_client_authentication_is_401_and_revokes_nothing(
    oauth: OAuth,
) -> None:
    token = await oauth.token(await oauth.new_client())
    response = await revoke(oauth, token, None)
    assert response.status_code == 401
    assert (await oauth.call(token)).status_code == 200


async def test_new_token_after_revocation_is_valid(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    await revoke(oauth, await oauth.token(credential), credential)
    assert (await oauth.call(await oauth.token(credential))).status_code == 200
