"""JWT access tokens (RFC 9068): issuing ours and verifying any trusted issuer's.

Verification follows RFC 8725: the key is chosen by (issuer, kid) from keys we
already trust, the algorithm is pinned to that key, header-borne keys and key
URLs (`jku`, `x5u`, `jwk`, `x5c`) are refused without being fetched, and
`typ` must say `at+jwt` so an ID token cannot pass as an access token. Tokens of
trusted external issuers pass the same checks; only where the client id and the
scopes are read from differs (`client_id`/`azp`/`sub`, `scope`/`scp`).
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
from joserfc.jwk import ECKey, RSAKey
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


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """A key a token may be verified with, and the rules of the issuer that owns it."""

    kid: str
    alg: str
    key: RSAKey | ECKey
    audience: str
    external: bool = False  # an external IdP's: client id and scopes may use other claims


KeyLookup = Callable[[str, str], Awaitable[TrustedKey | None]]


async def verify_access_token(
    token: str,
    *,
    lookup: KeyLookup,
    leeway_s: int,
    max_bytes: int,
) -> tuple[Principal, TrustedKey]:
    """Verify signature and claims: the caller, and the key that proved it.

    `lookup(issuer, kid)` yields only keys we already trust.
    """
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
            aud={"essential": True, "value": key.audience},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            jti={"essential": True},
            client_id={"essential": not key.external},
        ).validate(claims)
    except JoseError as exc:
        raise InvalidTokenError(f"The token was rejected ({exc.error}).") from exc
    return _principal(issuer, claims, external=key.external), key


def _text(claims: dict[str, Any], *names: str) -> str:
    """The first of `names` present in `claims`, which must be a non-empty string."""
    for name in names:
        if name in claims:
            value = claims[name]
            if not isinstance(value, str) or not value:
                raise InvalidTokenError(f"The token's {name} claim is not a string.")
            return value
    raise InvalidTokenError(f"The token has no {names[0]} claim.")


def _scopes(claims: dict[str, Any]) -> frozenset[str]:
    """`scope` (space-separated, RFC 9068) or `scp` (a list, or space-separated)."""
    value = claims.get("scope", claims.get("scp", ""))
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return frozenset(value)
    raise InvalidTokenError("The token's scope claim is malformed.")


def _principal(issuer: str, claims: dict[str, Any], *, external: bool) -> Principal:
    partner = claims.get("partner_id")
    return Principal(
        issuer=issuer,
        subject=_text(claims, "sub"),
        client_id=_text(claims, "client_id", "azp", "sub")
        if external
        else _text(claims, "client_id"),
        scopes=_scopes(claims),
        jti=_text(claims, "jti"),
        expires_at=int(claims["exp"]),
        partner_id=partner if isinstance(partner, str) else None,
        # Tiers are ours to give: an external IdP's claim could pick a more generous one.
        tier=None if external else claims.get("tier"),
    )
