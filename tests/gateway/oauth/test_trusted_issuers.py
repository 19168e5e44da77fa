"""Tokens of an external IdP: JWKS discovery, caching, throttled refresh, failure as 401."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from gateway.oauth.trusted_issuers import IssuerKeys, metadata_urls, parse_jwks
from gateway.settings import GatewaySettings, TrustedIssuer
from tests.fixtures.idp import JWKS, METADATA, FakeIdp, IdpKey, IdpServer
from tests.gateway.oauth.conftest import OAuth, OAuthFactory, assert_invalid_token
from tests.gateway.oauth.forge import decode_unverified, segment


@pytest.fixture(scope="module")
def es256() -> IdpKey:
    return IdpKey.generate("ES256")


@pytest.fixture
def idp(es256: IdpKey) -> Iterator[FakeIdp]:
    with IdpServer() as fake:
        fake.keys = [es256]
        yield fake


@pytest.fixture
async def gateway(oauth_factory: OAuthFactory, idp: FakeIdp) -> AsyncIterator[OAuth]:
    trusted = [TrustedIssuer(issuer=idp.issuer)]
    async with oauth_factory(trusted_issuers=trusted, jwks_fetch_timeout_s=0.5) as harness:
        yield harness


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def issuer_keys(idp: FakeIdp, http: httpx.AsyncClient, clock: Clock, **settings: Any) -> IssuerKeys:
    config = GatewaySettings(jwks_min_refresh_s=30, jwks_max_age_s=3600, **settings)
    return IssuerKeys(TrustedIssuer(issuer=idp.issuer), http, config, clock)


# --- through the gateway ------------------------------------------------------------------


async def test_token_of_trusted_issuer_is_accepted_with_client_from_azp_and_scopes_from_scp(
    gateway: OAuth, idp: FakeIdp, es256: IdpKey
) -> None:
    token = idp.token(es256, azp="reporting-app", scp=["demo:read", "other:thing"])
    response = await gateway.call(token)
    assert response.status_code == 200, response.text
    assert response.json() == {"client_id": "reporting-app"}
    assert idp.hits[METADATA] == 1
    assert idp.hits[JWKS] == 1


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
async def test_rsa_token_with_space_separated_scope_uses_client_id_then_sub(
    oauth_factory: OAuthFactory, idp: FakeIdp, alg: str
) -> None:
    rsa = IdpKey.generate(alg)
    idp.keys = [rsa]
    async with oauth_factory(trusted_issuers=[TrustedIssuer(issuer=idp.issuer)]) as gateway:
        with_client = await gateway.call(idp.token(rsa, client_id="bi-tool", scope="demo:read"))
        assert with_client.json() == {"client_id": "bi-tool"}
        by_subject = await gateway.call(idp.token(rsa, scope="demo:read"))
        assert by_subject.json() == {"client_id": "svc-reporting"}


async def test_missing_scope_in_external_token_is_403(
    gateway: OAuth, idp: FakeIdp, es256: IdpKey
) -> None:
    response = await gateway.call(idp.token(es256, scp=["other:thing"]))
    assert response.status_code == 403
    assert response.json()["required_scopes"] == ["demo:read"]


@pytest.mark.parametrize(
    ("claims", "header"),
    [
        ({"aud": "someone-else"}, {}),
        ({"exp": 1_000_000}, {}),
        ({}, {"typ": "JWT"}),
        ({"client_id": 42}, {}),
    ],
    ids=["wrong-audience", "expired", "not-an-access-token", "client-id-not-a-string"],
)
async def test_external_token_failing_our_checks_is_refused(
    gateway: OAuth,
    idp: FakeIdp,
    es256: IdpKey,
    claims: dict[str, Any],
    header: dict[str, Any],
) -> None:
    audience = claims.pop("aud", "atrium")
    token = idp.token(es256, audience=audience, header=header, scp=["demo:read"], **claims)
    assert_invalid_token(await gateway.call(token))


async def test_external_token_relabelled_with_another_algorithm_is_refused(
    gateway: OAuth, idp: FakeIdp, es256: IdpKey
) -> None:
    head, rest = idp.token(es256, scp=["demo:read"]).split(".", 1)
    header, _ = decode_unverified(f"{head}.{rest}")
    relabelled = segment({**header, "alg": "ES384"})
    assert_invalid_token(await gateway.call(f"{relabelled}.{rest}"))


async def test_token_from_an_untrusted_issuer_is_refused_without_contacting_it(
    gateway: OAuth, es256: IdpKey
) -> None:
    with IdpServer() as stranger:
        stranger.keys = [es256]
        response = await gateway.call(stranger.token(es256, scp=["demo:read"]))
        assert_invalid_token(response)
        assert sum(stranger.hits.values()) == 0


async def test_rotation_at_the_idp_is_picked_up_on_the_next_unknown_kid(
    oauth_factory: OAuthFactory, idp: FakeIdp, es256: IdpKey
) -> None:
    trusted = [TrustedIssuer(issuer=idp.issuer)]
    # A tiny throttle: every unknown kid may refetch, so no test has to wait.
    async with oauth_factory(trusted_issuers=trusted, jwks_min_refresh_s=1e-6) as gateway:
        assert (await gateway.call(idp.token(es256, scp=["demo:read"]))).status_code == 200
        rotated = IdpKey.generate("ES256")
        idp.keys = [rotated, es256]
        response = await gateway.call(idp.token(rotated, scp=["demo:read"]))
        assert response.status_code == 200, response.text
        assert idp.hits[JWKS] == 2
        assert idp.hits[METADATA] == 1, "jwks_uri is discovered once"


async def test_stalled_idp_gives_401_within_the_timeout_while_the_gateway_keeps_serving(
    gateway: OAuth, idp: FakeIdp, es256: IdpKey
) -> None:
    idp.hang = True
    call = asyncio.create_task(gateway.call(idp.token(es256, scp=["demo:read"])))
    assert await asyncio.to_thread(idp.requested.wait, 5), "the gateway asked the IdP"
    health = await gateway.http.get("/livez")
    assert health.status_code == 200
    assert not call.done(), "the token check was still waiting for the IdP"
    assert_invalid_token(await asyncio.wait_for(call, timeout=5))


async def test_unreachable_idp_gives_401(oauth_factory: OAuthFactory, es256: IdpKey) -> None:
    with IdpServer() as gone:
        pass  # stopped: nothing listens on its port any more
    async with oauth_factory(trusted_issuers=[TrustedIssuer(issuer=gone.issuer)]) as gateway:
        assert_invalid_token(await gateway.call(gone.token(es256, scp=["demo:read"])))


# --- the key cache ------------------------------------------------------------------------


async def test_unknown_kids_trigger_one_refresh_per_interval(
    idp: FakeIdp, es256: IdpKey, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    keys = issuer_keys(idp, http, clock)
    assert (await keys.lookup(es256.kid)) is not None
    assert idp.hits[JWKS] == 1

    made_up = [f"unknown-{i}" for i in range(50)]
    assert await asyncio.gather(*(keys.lookup(k) for k in made_up)) == [None] * 50
    assert idp.hits[JWKS] == 1, "within the interval, unknown kids fetch nothing"

    clock.now += 30
    assert await asyncio.gather(*(keys.lookup(k) for k in made_up)) == [None] * 50
    assert idp.hits[JWKS] == 2, "after the interval, fifty unknown kids fetch once"


async def test_rotated_key_is_found_after_the_interval_and_removed_keys_expire(
    idp: FakeIdp, es256: IdpKey, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    keys = issuer_keys(idp, http, clock)
    assert await keys.lookup(es256.kid) is not None
    rotated = IdpKey.generate("ES256")
    idp.keys = [rotated]

    clock.now += 30
    assert await keys.lookup(rotated.kid) is not None
    assert await keys.lookup(es256.kid) is None, "the refetched set no longer has it"


async def test_cached_keys_survive_an_idp_outage(
    idp: FakeIdp, es256: IdpKey, http: httpx.AsyncClient
) -> None:
    clock = Clock()
    keys = issuer_keys(idp, http, clock, jwks_fetch_timeout_s=0.2)
    assert await keys.lookup(es256.kid) is not None
    idp.hang = True
    clock.now += 7200  # stale: a refetch is due, and it times out
    assert await keys.lookup(es256.kid) is not None
    assert idp.hits[JWKS] == 2


async def test_metadata_for_another_issuer_is_not_trusted(
    idp: FakeIdp, es256: IdpKey, http: httpx.AsyncClient
) -> None:
    idp.metadata_issuer = "https://evil.example"
    keys = issuer_keys(idp, http, Clock())
    assert await keys.lookup(es256.kid) is None
    assert idp.hits[JWKS] == 0


def test_metadata_urls_insert_the_well_known_segment_before_the_issuer_path() -> None:
    assert metadata_urls("https://idp.example/tenant/") == [
        "https://idp.example/.well-known/oauth-authorization-server/tenant",
        "https://idp.example/tenant/.well-known/openid-configuration",
    ]


def test_jwks_keeps_only_signature_keys_of_allowed_algorithms(es256: IdpKey) -> None:
    small_rsa = {"kty": "RSA", "kid": "small", "n": "AQAB" * 10, "e": "AQAB"}
    hs = {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0", "alg": "HS256"}
    enc = {**es256.public_jwk(), "kid": "enc", "use": "enc"}
    rs512 = {**IdpKey.generate("RS256").public_jwk(), "kid": "rs512", "alg": "RS512"}
    p384 = {**IdpKey.generate("ES256").public_jwk(), "kid": "p384", "crv": "P-384"}
    twin = {**es256.public_jwk(), "kid": "twin"}
    document = {"keys": [es256.public_jwk(), small_rsa, hs, enc, rs512, p384, twin, twin, "junk"]}
    keys = parse_jwks(document, "atrium")
    assert set(keys) == {es256.kid}
    assert keys[es256.kid].alg == "ES256"
    assert keys[es256.kid].external
