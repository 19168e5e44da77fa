"""JWT access tokens (RFC 9068): issuing ours and verifying any trusted issuer's.

Verification follows RFC 8725: the key is chosen by (issuer, kid) from keys we
already trust, the algorithm is pinned to that key, header-borne keys and key
URLs (`jku`, `x5u`, `jwk`, `x5c`) are refused without being fetched, and
`typ` must say `at+jwt` so an ID token cannot pass as an access token.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry

from gateway.oauth.keys import SigningKey

ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
_FORBIDDEN_HEADERS = ("jku", "x5u", "jwk", "x5c", "crit")


class InvalidTokenError(Exception):
    """The bearer token cannot be accepted; the message is safe to show the caller."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as proven by a verified access token."""

    issuer: str
    subject: str
    client_id: str
    scopes: frozenset[str]
    jti: str
    expires_at: int
    partner_id: str | None = None
    tier: str | None = None


def issue_access_token(
    key: SigningKey,
    *,
    issuer: str,
    audience: str,
    client_id: str,
    scope: str,
    ttl_s: int,
    extra: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Sign an RFC 9068 access token for a client; returns (token, claims)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_s,
        "jti": secrets.token_hex(16),
        "client_id": client_id,
        "scope": scope,
        **(extra or {}),
    }
    header = {"alg": key.alg, "kid": key.kid, "typ": "at+jwt"}
    return jwt.encode(header, claims, key.key, algorithms=[key.alg]), claims


def _segment(data: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidTokenError("The token is not a well-formed JWT.") from exc
    if not isinstance(decoded, dict):
        raise InvalidTokenError("The token is not a well-formed JWT.")
    return decoded


def peek(token: str, max_bytes: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and *unverified* claims, after the structural checks that need no key."""
    if len(token) > max_bytes:
        raise InvalidTokenError("The token is too large.")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidTokenError("The token is not a signed compact JWT.")
    header, claims = _segment(parts[0]), _segment(parts[1])
    if any(name in header for name in _FORBIDDEN_HEADERS):
        raise InvalidTokenError("The token names its own key or critical extensions; refused.")
    if header.get("typ") not in ACCESS_TOKEN_TYPES:
        raise InvalidTokenError("The token is not an access token (typ must be at+jwt).")
    kid = header.get("kid")
    if not isinstance(kid, str) or not 0 < len(kid) <= 128:
        raise InvalidTokenError("The token has no usable key id.")
    if not isinstance(claims.get("iss"), str):
        raise InvalidTokenError("The token has no issuer.")
    return header, claims


KeyLookup = Callable[[str, str], Awaitable[SigningKey | None]]


async def verify_access_token(
    token: str,
    *,
    lookup: KeyLookup,
    audience: str,
    leeway_s: int,
    max_bytes: int,
) -> Principal:
    """Verify signature and claims; `lookup(issuer, kid)` yields only keys we already trust."""
    header, unverified = peek(token, max_bytes)
    issuer = unverified["iss"]
    key = await lookup(issuer, header["kid"])
    if key is None:
        raise InvalidTokenError("The token was signed by an unknown key or issuer.")
    if header.get("alg") != key.alg:
        raise InvalidTokenError("The token's algorithm is not allowed for its key.")
    try:
        claims = jwt.decode(token, key.key, algorithms=[key.alg]).claims
        JWTClaimsRegistry(
            leeway=leeway_s,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            jti={"essential": True},
            client_id={"essential": True},
        ).validate(claims)
    except JoseError as exc:
        raise InvalidTokenError(f"The token was rejected ({exc.error}).") from exc
    return Principal(
        issuer=issuer,
        subject=str(claims["sub"]),
        client_id=str(claims["client_id"]),
        scopes=frozenset(str(claims.get("scope") or "").split()),
        jti=str(claims["jti"]),
        expires_at=int(claims["exp"]),
        partner_id=claims.get("partner_id"),
        tier=claims.get("tier"),
    )
