"""Who is calling, for the edge policies that key their state by client."""

from __future__ import annotations

from starlette.types import Scope

from gateway.oauth.rfc9068_tokens import Principal

PRINCIPAL = "principal"
"""Where the authentication layer leaves the verified caller in `scope["state"]`."""


def verified_caller(scope: Scope) -> Principal | None:
    """The principal the authentication layer verified; None on public paths."""
    principal = scope.get("state", {}).get(PRINCIPAL)
    return principal if isinstance(principal, Principal) else None


def client_key(scope: Scope, principal: Principal | None) -> str:
    """Whose quota and keys a request uses: the OAuth client, else the peer address."""
    if principal is not None:
        return f"client:{principal.client_id}"
    peer = scope.get("client")
    return f"addr:{peer[0] if peer else 'unknown'}"
