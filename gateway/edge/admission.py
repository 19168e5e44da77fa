"""Is the token revoked, and may its client make this request? One Redis round trip for both.

Authentication asks once the token's signature and claims hold. When the denylist and
the rate limiter use the same Redis, the rate-limit script reads the revoked-token key
before it counts (`redis_windows.py`): a revoked token is refused uncounted, as if the
denylist had been asked first, and the count is left in the request state for the
rate-limit layer, which then does not count again. Otherwise (no Redis, one of them
cooling down after a failure, a WebSocket) the denylist is asked on its own.

If that shared round trip fails, each side applies its own fail mode: the denylist's
to the token (closed: 503), the limiter's to the count.
"""

from __future__ import annotations

from starlette.types import Scope

from gateway.edge.caller import client_key
from gateway.edge.rate_limiter import Verdict
from gateway.oauth.rfc6750_bearer import revoked
from gateway.oauth.rfc9068_tokens import Principal
from gateway.state import GatewayState

COUNTED = "rate_limit_verdict"
"""Where a count made here waits in `scope["state"]` for the rate-limit layer."""
UNCOUNTED = "rate_limit_uncounted"
"""Marks in-process requests made for a caller already counted once: the system-API calls of
one GraphQL operation. They pass the limiter uncounted (authentication, revocation, scopes
and partner isolation still apply). Only code in this process can set it: a request from
the network gets its scope state from the lifespan state, which never holds it."""


async def admit(state: GatewayState, scope: Scope, principal: Principal) -> None:
    """Raise the 401 problem if the token is revoked (or the denylist's fail-mode 503)."""
    denylist, limiter = state["denylist"], state.get("rate_limiter")
    redis = denylist.redis
    shared = (
        scope["type"] == "http"
        and not uncounted(scope)
        and redis is not None
        and limiter is not None
        and denylist.ready()
        and limiter.can_bar(redis)
    )
    if not shared:
        if await denylist.is_revoked(principal.jti):
            raise revoked()
        return
    assert limiter is not None
    bucket = limiter.bucket(principal.tier, scope["method"], scope["path"])
    verdict = await limiter.check(
        client_key(scope, principal),
        bucket,
        barred_by=denylist.redis_key(principal.jti),
        timeout_s=denylist.timeout_s,
    )
    if verdict.barred or (verdict.unavailable and denylist.unanswered("rate-limit call failed")):
        raise revoked()
    scope["state"][COUNTED] = verdict


def uncounted(scope: Scope) -> bool:
    """Whether the request is the fan-out of one already counted (see `UNCOUNTED`)."""
    return scope.get("state", {}).get(UNCOUNTED) is True


def counted(scope: Scope) -> Verdict | None:
    """The verdict `admit` left for this request, if it counted it (taken: it serves once)."""
    verdict = scope.get("state", {}).pop(COUNTED, None)
    return verdict if isinstance(verdict, Verdict) else None
