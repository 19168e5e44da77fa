"""The order in which edge policies wrap a mounted API version.

Outermost first: authentication (who is calling), rate limiting (how often),
idempotency (has this write been done already). Each layer is pure ASGI and reads
the long-lived clients it needs from the lifespan state in `scope["state"]`.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from contracts.policies import ScopePolicy
from contracts.registry import ApiManifest, ApiVersion
from gateway.edge.authentication import Authentication
from gateway.edge.idempotency import IdempotencyMiddleware
from gateway.edge.rate_limit import RateLimitMiddleware


def protect(
    app: ASGIApp, manifest: ApiManifest, version: ApiVersion, *, scopes: ScopePolicy
) -> ASGIApp:
    """Wrap a version's app in the edge policies, innermost last."""
    app = IdempotencyMiddleware(app)
    app = RateLimitMiddleware(app)
    app = Authentication(app, public_paths=frozenset(scopes.public_paths))
    return app
