"""The token endpoint (client credentials, RFC 6749 §4.4) and the metadata around it."""

from __future__ import annotations

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from gateway.oauth.clients import disable_client
from gateway.policy.scopes import load_scope_policy
from tests.gateway.oauth.conftest import OAuth, OAuthFactory, assert_problem
from tests.gateway.oauth.forge import decode_unverified

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def oauth(shared_oauth: OAuth) -> OAuth:
    """These tests only add clients and read: one gateway serves the whole module."""
    return shared_oauth


async def test_client_secret_basic_gets_a_bearer_token_that_is_not_cached(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read",))
    response = await oauth.token_response(credential, "demo:read")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 300 <= body["expires_in"] <= 900
    assert body["scope"] == "demo:read"


async def test_client_secret_post_gets_a_token(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read",))
    response = await oauth.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credential.client_id,
            "client_secret": credential.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    _, claims = decode_unverified(response.json()["access_token"])
    assert claims["client_id"] == credential.client_id


async def test_issued_token_is_an_rs256_at_jwt_signed_by_a_published_key(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read", "demo:write"))
    response = await oauth.token_response(credential, "demo:read")
    token = response.json()["access_token"]
    header, _ = decode_unverified(token)
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "RS256"
    jwks = (await oauth.http.get("/.well-known/jwks.json")).json()
    assert header["kid"] in {k["kid"] for k in jwks["keys"]}
    assert all("d" not in k and "p" not in k for k in jwks["keys"])  # public halves only

    claims = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims
    assert claims["iss"] == oauth.settings.token_issuer()
    assert claims["aud"] == oauth.settings.audience
    assert claims["sub"] == credential.client_id
    assert claims["client_id"] == credential.client_id
    assert claims["scope"] == "demo:read"
    assert claims["jti"]
    assert claims["exp"] - claims["iat"] == response.json()["expires_in"]


async def test_two_tokens_for_one_client_have_distinct_jti(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    first = decode_unverified(await oauth.token(credential))[1]["jti"]
    second = decode_unverified(await oauth.token(credential))[1]["jti"]
    assert first != second


async def test_wrong_secret_is_invalid_client_401_over_basic(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    response = await oauth.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(credential.client_id, credential.client_secret + "x"),
    )
    body = assert_problem(response, 401, "oauth-invalid-client")
    assert body["error"] == "invalid_client"
    assert body["error_description"]
    assert response.headers["www-authenticate"].startswith("Basic")
    assert "access_token" not in body


async def test_wrong_secret_is_invalid_client_401_over_post(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    response = await oauth.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credential.client_id,
            "client_secret": "cs_not-the-secret",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # No Basic challenge for a client that did not try Basic (a browser would prompt).
    assert "www-authenticate" not in response.headers


async def test_unknown_client_is_invalid_client_401(oauth: OAuth) -> None:
    response = await oauth.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth("cl_nobody", "cs_whatever"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_disabled_client_gets_no_token(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    assert await disable_client(oauth.engine, credential.client_id)
    response = await oauth.token_response(credential)
    assert response.status_code in (400, 401)
    body = response.json()
    assert body["error"] in ("unauthorized_client", "invalid_client")
    assert "access_token" not in body


async def test_requesting_a_scope_the_client_lacks_is_invalid_scope(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read",))
    response = await oauth.token_response(credential, "demo:read demo:admin")
    body = assert_problem(response, 400, "oauth-invalid-scope")
    assert body["error"] == "invalid_scope"
    assert "access_token" not in body


async def test_omitting_scope_grants_every_scope_the_client_holds(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read", "demo:write", "orders:read"))
    response = await oauth.token_response(credential)
    granted = set(response.json()["scope"].split())
    assert granted == {"demo:read", "demo:write", "orders:read"}
    assert set(decode_unverified(response.json()["access_token"])[1]["scope"].split()) == granted


async def test_requesting_a_subset_grants_exactly_that_subset(oauth: OAuth) -> None:
    credential = await oauth.new_client(("demo:read", "demo:write"))
    response = await oauth.token_response(credential, "demo:write")
    assert response.json()["scope"] == "demo:write"
    assert decode_unverified(response.json()["access_token"])[1]["scope"] == "demo:write"


async def test_other_grant_type_is_unsupported_grant_type(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    response = await oauth.http.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "u", "password": "p"},
        auth=httpx.BasicAuth(credential.client_id, credential.client_secret),
    )
    body = assert_problem(response, 400, "oauth-unsupported-grant-type")
    assert body["error"] == "unsupported_grant_type"


async def test_json_body_is_a_415_problem(oauth: OAuth) -> None:
    credential = await oauth.new_client()
    response = await oauth.http.post(
        "/oauth/token",
        json={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(credential.client_id, credential.client_secret),
    )
    assert_problem(response, 415, "unsupported-media-type")


async def test_metadata_lists_every_endpoint_under_the_issuer(oauth: OAuth) -> None:
    response = await oauth.http.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    meta = response.json()
    issuer = oauth.settings.token_issuer().rstrip("/")
    assert meta["issuer"] == issuer
    assert meta["token_endpoint"] == issuer + "/oauth/token"
    assert meta["jwks_uri"] == issuer + "/.well-known/jwks.json"
    assert meta["introspection_endpoint"] == issuer + "/oauth/introspect"
    assert meta["revocation_endpoint"] == issuer + "/oauth/revoke"
    assert meta["grant_types_supported"] == ["client_credentials"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }


async def test_metadata_lists_the_scope_catalogue(oauth: OAuth) -> None:
    meta = (await oauth.http.get("/.well-known/oauth-authorization-server")).json()
    catalogue = load_scope_policy(oauth.settings.policy_dir).scopes
    assert meta["scopes_supported"] == sorted(catalogue)
    assert "demo:read" in meta["scopes_supported"]


async def test_metadata_and_tokens_follow_a_configured_issuer(
    oauth_factory: OAuthFactory,
) -> None:
    async with oauth_factory(issuer="https://id.example.test") as harness:
        meta = (await harness.http.get("/.well-known/oauth-authorization-server")).json()
        assert meta["token_endpoint"] == "https://id.example.test/oauth/token"
        credential = await harness.new_client()
        claims = decode_unverified(await harness.token(credential))[1]
        assert claims["iss"] == "https://id.example.test"
        assert (await harness.call(await harness.token(credential))).status_code == 200
