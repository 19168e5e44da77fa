"""Authenticate every request to a mounted API version, before anything else runs.

The verified `Principal` goes into the request's state (`request.state.principal`),
where the scope dependency and the inner edge layers find it. A token's signature and
claims are checked once per token (`verified_tokens.py`); revocation on every request,
with the rate-limit count where both live in Redis (`admission.py`). A version's public
paths (its OpenAPI document and docs) need no token. Tokens are never logged.
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.problems import ProblemError
from gateway.edge.admission import admit
from gateway.oauth.rfc6750_bearer import bearer_token, verify
from gateway.oauth.verified_tokens import VerifiedTokens
from gateway.problems import send_problem
from gateway.state import GatewayState

PRINCIPAL = "principal"
_POLICY_VIOLATION = 1008  # WebSocket close code (RFC 6455 §7.4.1)


def relative_path(scope: Scope) -> str:
    """The request path below the mount point, as the version app's router will see it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :]
    return path


class Authentication:
    """Answer 401 unless the request carries a valid bearer token or asks for a public path."""

    def __init__(self, app: ASGIApp, *, public_paths: frozenset[str]) -> None:
        self.app = app
        self.public_paths = public_paths
        self.verified = VerifiedTokens()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or relative_path(scope) in self.public_paths:
            await self.app(scope, receive, send)
            return
        try:
            state = cast(GatewayState, scope["state"])
            token = bearer_token(Request(scope))
            principal = await verify(state, token, check_revocation=False, verified=self.verified)
            await admit(state, scope, principal)  # revocation (and maybe the rate-limit count)
            scope["state"][PRINCIPAL] = principal
        except ProblemError as error:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
            else:
                await send_problem(send, error)
            return
        await self.app(scope, receive, send)
