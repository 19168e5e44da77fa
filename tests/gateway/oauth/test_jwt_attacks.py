"""Forged, altered and misused tokens are refused with a 401 invalid-token problem (RFC 8725)."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from tests.gateway.oauth.conftest import OAuth, assert_invalid_token
from tests.gateway.oauth.forge import (
    access_claims,
    attacker_key,
    b64url,
    compact,
    decode_unverified,
    hs256,
    ps256,
    rs256,
    rs512,
    segment,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def oauth(shared_oauth: OAuth) -> OAuth:
    """These tests only read: one gateway serves the whole module."""
    return shared_oauth


def attacker_claims(oauth: OAuth) -> dict[str, Any]:
    settings = oauth.settings
    return access_claims(settings.token_issuer(), settings.audience, "cl_attacker", "demo:read")


def attacker_token(oauth: OAuth, **header: Any) -> str:
    """Valid-looking claims signed RS256 by a key the gateway has never seen."""
    head = {"alg": "RS256", "typ": "at+jwt", "kid": "attacker-1", **header}
    return compact(head, attacker_claims(oauth), rs256(attacker_key().private_key))


async def test_control_forged_token_with_real_key_and_claims_is_accepted(oauth: OAuth) -> None:
    # Every forgery below starts from this token; it must pass so their refusals mean something.
    response = await oauth.call(await oauth.forge())
    assert response.status_code == 200
    assert response.json() == {"client_id": "cl_forged"}


# --- algorithm attacks ----------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("signature", [b"", b"not-a-signature"])
async def test_unsigned_alg_none_token_is_refused(oauth: OAuth, alg: str, signature: bytes) -> None:
    key = await oauth.signing_key()
    header = {"alg": alg, "typ": "at+jwt", "kid": key.kid}
    token = compact(header, attacker_claims(oauth), (lambda _: signature) if signature else None)
    assert_invalid_token(await oauth.call(token))


@pytest.mark.parametrize("encoding", ["pem", "der", "jwk-json"])
async def test_hs256_signed_with_our_public_key_is_refused(oauth: OAuth, encoding: str) -> None:
    key = await oauth.signing_key()
    public = key.key.public_key
    secret = {
        "pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "der": public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "jwk-json": json.dumps(key.public_jwk()).encode(),
    }[encoding]
    header = {"alg": "HS256", "typ": "at+jwt", "kid": key.kid}
    assert_invalid_token(await oauth.call(compact(header, attacker_claims(oauth), hs256(secret))))


@pytest.mark.parametrize("alg", ["PS256", "RS512"])
async def test_other_rsa_algorithm_on_our_kid_is_refused_even_when_signed_by_our_key(
    oauth: OAuth, alg: str
) -> None:
    key = await oauth.signing_key()
    signer = {"PS256": ps256, "RS512": rs512}[alg](key.key.private_key)
    header = {"alg": alg, "typ": "at+jwt", "kid": key.kid}
    assert_invalid_token(await oauth.call(compact(header, attacker_claims(oauth), signer)))


async def test_es256_on_our_kid_is_refused(oauth: OAuth) -> None:
    key = await oauth.signing_key()
    ec_key = ec.generate_private_key(ec.SECP256R1())

    def es256(data: bytes) -> bytes:
        r, s = decode_dss_signature(ec_key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    header = {"alg": "ES256", "typ": "at+jwt", "kid": key.kid}
    assert_invalid_token(await oauth.call(compact(header, attacker_claims(oauth), es256)))


async def test_token_without_alg_is_refused(oauth: OAuth) -> None:
    key = await oauth.signing_key()
    header = {"typ": "at+jwt", "kid": key.kid}
    token = compact(header, attacker_claims(oauth), rs256(key.key.private_key))
    assert_invalid_token(await oauth.call(token))


# --- altered tokens -------------------------------------------------------------------------


async def test_payload_with_escalated_scope_and_original_signature_is_refused(
    oauth: OAuth,
) -> None:
    credential = await oauth.new_client(("other:read",))
    token = await oauth.token(credential, "other:read")
    header_part, _, signature = token.split(".")
    _, claims = decode_unverified(token)
    claims["scope"] = "other:read demo:read"
    tampered = f"{header_part}.{segment(claims)}.{signature}"
    assert_invalid_token(await oauth.call(tampered))


async def test_header_swapped_to_another_kid_is_refused(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    header, _ = decode_unverified(token)
    header["kid"] = "attacker-1"
    _, payload, signature = token.split(".")
    assert_invalid_token(await oauth.call(f"{segment(header)}.{payload}.{signature}"))


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda s: s[:-1], id="one-char-short"),
        pytest.param(lambda s: s[:-10], id="ten-chars-short"),
        pytest.param(lambda s: s[: len(s) // 2], id="half"),
        pytest.param(lambda s: ("A" if s[0] != "A" else "B") + s[1:], id="first-char-flipped"),
        pytest.param(lambda s: s + "AAAA", id="extended"),
        pytest.param(lambda s: s.replace("-", "+").replace("_", "/"), id="standard-base64"),
        pytest.param(lambda s: s + "==", id="padded"),
    ],
)
async def test_altered_signature_is_refused(oauth: OAuth, mangle: Any) -> None:
    token = await oauth.token(await oauth.new_client())
    header, payload, signature = token.split(".")
    mangled = mangle(signature)
    assert mangled != signature
    assert_invalid_token(await oauth.call(f"{header}.{payload}.{mangled}"))


async def test_token_with_signature_stripped_is_refused(oauth: OAuth) -> None:
    token = await oauth.token(await oauth.new_client())
    assert_invalid_token(await oauth.call(token.rsplit(".", 1)[0] + "."))


# --- claims ---------------------------------------------------------------------------------


ClaimsFor = Callable[[int, str], dict[str, Any]]  # (now, our issuer) -> claims to set


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda now, _: {"exp": now - 120, "iat": now - 720}, id="expired"),
        pytest.param(lambda now, _: {"nbf": now + 300}, id="not-yet-valid"),
        pytest.param(lambda now, _: {"iat": now + 300}, id="issued-in-the-future"),
        pytest.param(lambda now, _: {"exp": str(now + 600)}, id="exp-is-a-string"),
        pytest.param(lambda now, _: {"exp": True}, id="exp-is-a-boolean"),
        pytest.param(lambda now, _: {"iss": "https://evil.example"}, id="foreign-issuer"),
        pytest.param(lambda now, iss: {"iss": iss + "/"}, id="issuer-with-trailing-slash"),
        pytest.param(lambda now, _: {"iss": 42}, id="issuer-not-a-string"),
        pytest.param(lambda now, _: {"aud": "other-api"}, id="wrong-audience"),
        pytest.param(lambda now, _: {"aud": ["other-api", "billing"]}, id="audiences-not-ours"),
        pytest.param(lambda now, _: {"aud": ""}, id="empty-audience"),
        pytest.param(lambda now, _: {"sub": 7}, id="subject-not-a-string"),
    ],
)
async def test_token_with_bad_claim_is_refused(oauth: OAuth, bad: ClaimsFor) -> None:
    claims = bad(int(time.time()), oauth.settings.token_issuer())
    assert_invalid_token(await oauth.call(await oauth.forge(claims=claims)))


@pytest.mark.parametrize("claim", ["exp", "aud", "iss", "sub", "jti", "iat", "client_id"])
async def test_token_missing_required_claim_is_refused(oauth: OAuth, claim: str) -> None:
    assert_invalid_token(await oauth.call(await oauth.forge(drop=(claim,))))


@pytest.mark.parametrize("typ", ["JWT", "jwt", "id_token+jwt", "at+jwt+evil", None])
async def test_token_whose_typ_is_not_at_jwt_is_refused(oauth: OAuth, typ: str | None) -> None:
    key = await oauth.signing_key()
    header: dict[str, Any] = {"alg": "RS256", "kid": key.kid}
    if typ is not None:
        header["typ"] = typ
    claims = access_claims(
        oauth.settings.token_issuer(), oauth.settings.audience, "cl_x", "demo:read"
    )
    token = compact(header, claims, rs256(key.key.private_key))
    assert_invalid_token(await oauth.call(token))


async def test_id_token_signed_by_us_is_not_accepted_as_access_token(oauth: OAuth) -> None:
    key = await oauth.signing_key()
    now = int(time.time())
    id_token_claims = {
        **access_claims(oauth.settings.token_issuer(), oauth.settings.audience, "u1", "demo:read"),
        "nonce": "n-0S6_WzA2Mj",
        "auth_time": now - 10,
        "azp": "cl_web",
    }
    header = {"alg": "RS256", "typ": "JWT", "kid": key.kid}
    assert_invalid_token(
        await oauth.call(compact(header, id_token_claims, rs256(key.key.private_key)))
    )


# --- key selection --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kid",
    [
        "../../etc/passwd",
        "' OR 1=1 --",
        "k" * 10_000,
        "k" * 200,
        "",
        "\u0000",
        123,
        None,
        ["a"],
        {"kid": "x"},
    ],
    ids=["path", "sql", "10k", "200", "empty", "nul", "int", "null", "list", "object"],
)
async def test_hostile_kid_is_refused(oauth: OAuth, kid: Any) -> None:
    key = await oauth.signing_key()
    header = {"alg": "RS256", "typ": "at+jwt", "kid": kid}
    token = compact(header, attacker_claims(oauth), rs256(key.key.private_key))
    assert_invalid_token(await oauth.call(token))


async def test_token_without_kid_is_refused_even_when_signed_by_our_key(oauth: OAuth) -> None:
    key = await oauth.signing_key()
    header = {"alg": "RS256", "typ": "at+jwt"}
    token = compact(header, attacker_claims(oauth), rs256(key.key.private_key))
    assert_invalid_token(await oauth.call(token))


# --- keys and key URLs carried in the token -------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback TCP listener that nobody should ever connect to."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def connection_attempted(sock: socket.socket, wait_s: float = 0.1) -> bool:
    readable, _, _ = select.select([sock], [], [], wait_s)
    return bool(readable)


@pytest.mark.parametrize("member", ["jku", "x5u"])
@pytest.mark.parametrize("kid", ["attacker-1", "real"])
async def test_key_url_in_header_is_refused_and_never_fetched(
    oauth: OAuth, listener: socket.socket, member: str, kid: str
) -> None:
    if kid == "real":
        kid = (await oauth.signing_key()).kid
    port = listener.getsockname()[1]
    token = attacker_token(oauth, kid=kid, **{member: f"http://127.0.0.1:{port}/keys.json"})
    assert_invalid_token(await oauth.call(token))
    assert not connection_attempted(listener)


@pytest.mark.parametrize("kid", ["attacker-1", "real"])
async def test_embedded_jwk_signing_its_own_token_is_refused(oauth: OAuth, kid: str) -> None:
    if kid == "real":
        kid = (await oauth.signing_key()).kid
    attacker_public = dict(attacker_key().as_dict(private=False, kid=kid))
    assert_invalid_token(await oauth.call(attacker_token(oauth, kid=kid, jwk=attacker_public)))


async def test_embedded_x5c_chain_is_refused(oauth: OAuth) -> None:
    der = attacker_key().public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = attacker_token(oauth, x5c=[b64url(der)])
    assert_invalid_token(await oauth.call(token))


@pytest.mark.parametrize("member", ["jku", "x5u", "jwk", "x5c"])
async def test_key_carrying_header_is_refused_even_on_a_token_signed_by_our_key(
    oauth: OAuth, listener: socket.socket, member: str
) -> None:
    key = await oauth.signing_key()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/keys.json"
    value = {
        "jku": url,
        "x5u": url,
        "jwk": key.public_jwk(),
        "x5c": [b64url(b"not really a certificate")],
    }[member]
    assert_invalid_token(await oauth.call(await oauth.forge(header={member: value})))
    assert not connection_attempted(listener)


async def test_unknown_critical_header_is_refused_even_when_signed_by_our_key(
    oauth: OAuth,
) -> None:
    header = {"crit": ["urn:example:must-understand"], "urn:example:must-understand": True}
    assert_invalid_token(await oauth.call(await oauth.forge(header=header)))


# --- size and shape -------------------------------------------------------------------------


async def padded_token(oauth: OAuth, lowest: int, highest: int) -> str:
    """A token signed by our key, its length in [lowest, highest], grown with a padding claim."""
    bare = len(await oauth.forge(claims={"pad": ""}))
    for pad in range(max(0, (lowest - bare) * 3 // 4 - 4), highest):
        token = await oauth.forge(claims={"pad": "x" * pad})
        if lowest <= len(token) <= highest:
            return token
        if len(token) > highest:
            break
    raise AssertionError("no padding fits")


async def test_token_at_the_size_limit_is_accepted(oauth: OAuth) -> None:
    limit = oauth.settings.max_token_bytes
    token = await padded_token(oauth, limit - 3, limit)
    assert (await oauth.call(token)).status_code == 200


async def test_token_over_the_size_limit_is_refused(oauth: OAuth) -> None:
    limit = oauth.settings.max_token_bytes
    token = await padded_token(oauth, limit + 1, limit + 4)
    assert_invalid_token(await oauth.call(token))


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b.c",
        "...",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e",
        segment([1, 2]) + "." + segment({"iss": "x"}) + ".c2ln",
        segment({"alg": "RS256"}) + "." + segment("just a string") + ".c2ln",
        b64url(b"\xff\xfe\x00not json") + ".e30.c2ln",
        "eyJ.eyJ.sig",
        "e30.e30.e30",
        '{"payload":"e30","signatures":[]}',
        "x" * 5000,
    ],
)
async def test_garbage_token_is_refused(oauth: OAuth, token: str) -> None:
    assert_invalid_token(await oauth.call(token))
