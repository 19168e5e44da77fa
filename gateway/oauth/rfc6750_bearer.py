"""Bearer tokens on protected routes (RFC 6750): extraction, verification, scope checks.

Tokens are read from the `Authorization` header only (never the query string or a
form body) and never logged.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contracts.problems import ProblemError
from gateway.oauth.rfc9068_tokens import (
    InvalidTokenError,
    KeyLookup,
    Principal,
    TrustedKey,
    verify_access_token,
)
from gateway.oauth.verified_tokens import VerifiedTokens, token_digest
from gateway.state import GatewayState, get_state

REALM = "atrium"


def challenge(error: str | None = None, description: str | None = None, scope: str = "") -> str:
    """A `WWW-Authenticate: Bearer …` value (RFC 6750 §3)."""
    params = [f'realm="{REALM}"']
    if error:
        params.append(f'error="{error}"')
    if description:
        params.append('error_description="' + description.replace('"', "'") + '"')
    if scope:
        params.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(params)


def unauthorized(detail: str, error: str | None = "invalid_token") -> ProblemError:
    return ProblemError(
        "invalid-token", detail, headers={"WWW-Authenticate": challenge(error, detail)}
    )


def revoked() -> ProblemError:
    return unauthorized("The token has been revoked.")


def insufficient_scope(missing: list[str]) -> ProblemError:
    scope = " ".join(missing)
    return ProblemError(
        "insufficient-scope",
        f"The token lacks the scope(s) this operation requires: {scope}.",
        headers={"WWW-Authenticate": challenge("insufficient_scope", None, scope)},
        extensions={"required_scopes": missing},
    )


def bearer_token(request: Request) -> str:
    """The token from `Authorization: Bearer …`, or a 401 problem."""
    header = request.headers.get("authorization")
    if header is None:
        if "access_token" in request.query_params:
            raise unauthorized(
                "Send the token in the Authorization header, not the URL.", "invalid_request"
            )
        raise unauthorized("This operation needs a bearer token.", None)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("Use the Bearer authorization scheme.", "invalid_request")
    return token.strip()


async def verify(
    state: GatewayState,
    token: str,
    *,
    check_revocation: bool = True,
    verified: VerifiedTokens | None = None,
) -> Principal:
    """Verify a token against every trusted issuer's keys and, unless told not to, the denylist.

    With `verified`, a token that passed before with a key still trusted is not checked
    again (`verified_tokens.py`); the denylist is asked all the same. While Redis is
    unavailable the denylist's fail mode decides (closed: a 503 problem).
    """
    lookup = _key_lookup(state)
    digest = token_digest(token) if verified is not None else b""
    hit = verified.get(digest) if verified is not None else None
    if hit is not None and hit.verified_with(await lookup(hit.principal.issuer, hit.key.kid)):
        principal = hit.principal
    else:
        principal = await _check_signature_and_claims(state, token, lookup, verified, digest)
    if check_revocation and await state["denylist"].is_revoked(principal.jti):
        raise revoked()
    return principal


def _key_lookup(state: GatewayState) -> KeyLookup:
    """Our own keys for our issuer, the trusted issuers' keys for theirs."""
    settings = state["settings"]

    async def lookup(issuer: str, kid: str) -> TrustedKey | None:
        if issuer != settings.token_issuer():
            return await state["trusted_issuers"].lookup(issuer, kid)
        key = await state["keys"].lookup(kid)
        return TrustedKey(key.kid, key.alg, key.key, settings.audience) if key else None

    return lookup


async def _check_signature_and_claims(
    state: GatewayState,
    token: str,
    lookup: KeyLookup,
    verified: VerifiedTokens | None,
    digest: bytes,
) -> Principal:
    settings = state["settings"]
    try:
        principal, key = await verify_access_token(
            token,
            lookup=lookup,
            leeway_s=settings.token_leeway_s,
            max_bytes=settings.max_token_bytes,
        )
    except InvalidTokenError as exc:
        raise unauthorized(str(exc)) from None
    if verified is not None:
        verified.put(digest, principal, key)
    return principal


async def current_principal(request: Request) -> Principal:
    """The verified caller of this request (cached on the request)."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is None:
        cached = await verify(get_state(request), bearer_token(request))
        request.state.principal = cached
    return cached


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def check_scopes(principal: Principal, required: tuple[str, ...]) -> None:
    """Raise a 403 problem naming what is missing."""
    missing = [s for s in required if s not in principal.scopes]
    if missing:
        raise insufficient_scope(missing)
