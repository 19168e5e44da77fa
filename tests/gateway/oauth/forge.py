"""Hand-built compact JWTs, so a test can produce exactly the token an attacker would."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from joserfc.jwk import RSAKey

Signer = Callable[[bytes], bytes]


@functools.cache
def attacker_key() -> RSAKey:
    """An RSA key the gateway has never seen (one per test run: generation is slow)."""
    return RSAKey.generate_key(2048, private=True)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def compact(header: dict[str, Any], claims: dict[str, Any], signer: Signer | None) -> str:
    """`header.claims.signature`; an absent signer leaves the signature segment empty."""
    signing_input = segment(header) + "." + segment(claims)
    signature = signer(signing_input.encode()) if signer else b""
    return signing_input + "." + b64url(signature)


def rs256(private_key: RSAPrivateKey) -> Signer:
    return lambda data: private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def rs512(private_key: RSAPrivateKey) -> Signer:
    return lambda data: private_key.sign(data, padding.PKCS1v15(), hashes.SHA512())


def ps256(private_key: RSAPrivateKey) -> Signer:
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    return lambda data: private_key.sign(data, pss, hashes.SHA256())


def hs256(secret: bytes) -> Signer:
    return lambda data: hmac.new(secret, data, hashlib.sha256).digest()


def access_claims(issuer: str, audience: str, client_id: str, scope: str) -> dict[str, Any]:
    """The claims our token endpoint would put in a token, valid for ten minutes."""
    now = int(time.time())
    return {
        "iss": issuer,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": f"forged-{time.monotonic_ns()}",
        "client_id": client_id,
        "scope": scope,
    }


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWT, without checking anything."""

    def load(part: str) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        )
        return decoded

    header, claims, _ = token.split(".")
    return load(header), load(claims)
