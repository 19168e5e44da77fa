"""What every resolver sees: the caller, the scope policy, its upstream clients and loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry
from starlette.types import Scope

from contracts.policies import ScopePolicy
from gateway.graphql.dashboards.fx import FxRates
from gateway.graphql.loaders import Loaders
from gateway.graphql.upstream import CallerToken, Upstream
from gateway.oauth.rfc9068_tokens import Principal


@dataclass(frozen=True, slots=True)
class Feeds:
    """How subscriptions read the process APIs: every `interval_s`, the newest `window` records."""

    interval_s: float = 2.0
    window: int = 50


@dataclass(frozen=True, slots=True)
class Socket:
    """The WebSocket a context belongs to, and the token its upstream calls carry."""

    scope: Scope
    token: CallerToken


@dataclass(slots=True)
class Context:
    """One GraphQL request, or one WebSocket connection: never shared between them.

    On a WebSocket authenticated by its `connection_init` payload, `principal` and the
    upstream token are set when that message arrives (no operation runs before it), and
    each subscription event gets fresh `loaders`, so nothing read for one event is stale
    in the next.
    """

    principal: Principal
    policy: ScopePolicy
    upstream: Upstream
    loaders: Loaders
    feeds: Feeds = field(default_factory=Feeds)
    fx: FxRates = field(default_factory=FxRates)
    socket: Socket | None = None
    connection_params: dict[str, Any] | None = None

    def fresh_loaders(self) -> None:
        """Forget what was loaded: a subscription's next event reads anew."""
        self.loaders = Loaders(self.upstream)


Info: TypeAlias = strawberry.Info[Context, None]
