"""`/graphql`: the strawberry endpoint behind the edge, and the context of each request.

The route is wrapped like a mounted API version: authentication first (no token, no GraphQL:
a 401 problem), then the caller's rate limit. Each request gets its own context: the verified
principal, clients of the system and process APIs that forward the caller's own token
(through the gateway's internal client factory, in-process), and fresh DataLoaders. A request
that is not GraphQL at all (no query, a body that is not JSON) is a problem document, like
any other error.

WebSockets (graphql-transport-ws only) at the same path carry subscriptions. A browser cannot
set headers on a WebSocket, so the token may come either in the upgrade request's
`Authorization` header (checked before the socket is accepted; a bad one closes it with 1008,
which a client sees as a refused handshake, HTTP 403)
or in the `connection_init` payload as `{"Authorization": "Bearer …"}`, verified like a
header token (signature, claims, revocation) before `connection_ack`; a bad one closes the
socket with 4403. What a connection may hold is bounded (`SocketLimits`). A subscription
sent over plain HTTP is refused (422): it would hold a request open outside those bounds.

Over both transports a request may name a trusted document by its SHA-256 instead of sending
its text, and the gateway may accept trusted documents only (`gateway/graphql/trusted.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from contracts.policies import ScopePolicy
from contracts.problems import ProblemError, problem_type_for_status
from gateway.edge.admission import UNCOUNTED, admit
from gateway.edge.authentication import Authentication
from gateway.edge.caller import PRINCIPAL
from gateway.edge.rate_limit import RateLimitMiddleware
from gateway.graphql.context import Context, Feeds, Socket
from gateway.graphql.dashboards.fx import FxRates, load_fx_rates
from gateway.graphql.loaders import Loaders
from gateway.graphql.schema import build_schema
from gateway.graphql.trusted import TrustedDocuments
from gateway.graphql.upstream import CallerToken, RequestHook, Upstream
from gateway.oauth.rfc6750_bearer import verify
from gateway.oauth.rfc9068_tokens import Principal
from gateway.oauth.verified_tokens import VerifiedTokens
from gateway.problems import send_problem
from gateway.registry.internal_client import internal_client_factory
from gateway.request_context import current_request
from gateway.settings import GatewaySettings, Profile
from gateway.state import GatewayState

PATH = "/graphql"
_UPSTREAM = "graphql_upstream"
_CALLER_AUTH = "graphql_caller_auth"
_ACCEPTED = cast(UnsetType, UNSET)  # connection_ack without a payload
_TRY_AGAIN_LATER = 1013  # WebSocket close codes (RFC 6455 §7.4.1, IANA registry)
_POLICY_VIOLATION = 1008
NOBODY = Principal(issuer="", subject="", client_id="", scopes=frozenset(), jti="", expires_at=0)
"""The principal of a socket until its `connection_init` names one; no operation runs as it."""


@dataclass(frozen=True, slots=True)
class SocketLimits:
    """What WebSockets may hold: sockets at once, operations per socket, time to initialise."""

    max_sockets: int = 200
    max_subscriptions: int = 5
    init_wait_s: float = 10.0
    feeds: Feeds = field(default_factory=Feeds)


def _header_token(scope: Scope) -> str | None:
    header = HTTPConnection(scope).headers.get("authorization")
    return None if header is None else _bearer(header)


def _bearer(value: object) -> str | None:
    """The token of 'Bearer <token>', else None."""
    if not isinstance(value, str):
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _subscribes(request: GraphQLRequestData) -> bool:
    """Whether the request's operation is a subscription (unparsable: no, let it fail later)."""
    try:
        document = parse(request.query or "")
    except GraphQLError:
        return False
    operation = get_operation_ast(document, request.operation_name)
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


def _trusted_text(trusted: TrustedDocuments, request: GraphQLRequestData) -> None:
    """Put the text of the request's trusted document in place (or raise the problem)."""
    request.query = trusted.resolve(request.query, request.extensions)


class _TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with trusted documents: a refused one is that operation's error."""

    view: GraphQLEndpoint

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message["payload"]
        try:
            text = self.view.trusted.resolve(payload.get("query"), payload.get("extensions"))
        except ProblemError as refused:
            error = GraphQLError(refused.detail, extensions={"code": refused.problem_type.code})
            refusal: ErrorMessage = {
                "id": message["id"],
                "type": "error",
                "payload": [error.formatted],
            }
            await self.send_message(refusal)
            return
        await super().handle_subscribe({**message, "payload": {**payload, "query": text or ""}})


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI app with a per-request context over the caller's view of the APIs.

    `upstream_hooks` are awaited with every request sent to an API (tests count them).
    """

    graphql_transport_ws_handler_class = _TransportWSHandler

    def __init__(
        self,
        schema: BaseSchema,
        policy: ScopePolicy,
        limits: SocketLimits | None = None,
        fx: FxRates | None = None,
        trusted: TrustedDocuments | None = None,
    ) -> None:
        self.limits = limits or SocketLimits()
        self.fx = fx or FxRates()
        self.trusted = trusted or TrustedDocuments()
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=self.limits.init_wait_s),
            max_subscriptions_per_connection=self.limits.max_subscriptions,
        )
        self.policy = policy
        self.upstream_hooks: list[RequestHook] = []
        self.sockets = 0
        self.verified = VerifiedTokens()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send)
            return
        upstream = self._upstream(scope, CallerToken(_header_token(scope)))
        scope["state"] = {**scope["state"], _UPSTREAM: upstream}  # this request's alone
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as refused:
            code = problem_type_for_status(refused.status_code).code
            await send_problem(send, ProblemError(code, refused.reason))
            return
        except ProblemError as refused:
            await send_problem(send, refused)
            return
        finally:
            await upstream.aclose()
        await response(scope, receive, send)

    async def execute_operation(  # noqa: PLR0917 - strawberry's signature
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """Resolve trusted documents; refuse subscriptions over HTTP (served on WebSockets)."""
        for one in request_data if isinstance(request_data, list) else [request_data]:
            _trusted_text(self.trusted, one)
        if not isinstance(request_data, list) and _subscribes(request_data):
            raise HTTPException(
                422, "Subscriptions are served over WebSocket (graphql-transport-ws)."
            )
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.sockets >= self.limits.max_sockets:
            await send({"type": "websocket.close", "code": _TRY_AGAIN_LATER})
            return
        # This socket's own state: what it learns (its principal) must reach no other request.
        scope["state"] = {k: v for k, v in scope["state"].items() if k != PRINCIPAL}
        header = _header_token(scope)
        if "authorization" in HTTPConnection(scope).headers:
            principal = None if header is None else await self._verified(scope, header)
            if principal is None:  # refused before the handshake completes
                await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
                return
            scope["state"][PRINCIPAL] = principal
        token = CallerToken(header)
        upstream = self._upstream(scope, token)
        scope["state"][_UPSTREAM] = upstream
        scope["state"][_CALLER_AUTH] = token
        self.sockets += 1
        try:
            await self.run(WebSocket(scope, receive=receive, send=send))
        finally:
            self.sockets -= 1
            await upstream.aclose()

    def _upstream(self, scope: Scope, token: CallerToken) -> Upstream:
        # The calls authenticate anew with the caller's token, so no principal is handed down.
        hidden = (PRINCIPAL, _UPSTREAM, _CALLER_AUTH)
        state = {k: v for k, v in scope["state"].items() if k not in hidden}
        # An HTTP operation was counted at /graphql, so its calls are not counted again; a
        # subscription's polls are, each like the REST read it is.
        state[UNCOUNTED] = scope["type"] == "http"
        client_for = internal_client_factory(scope["app"], state, token)
        request = current_request.get()
        headers = {"traceparent": request.trace.traceparent} if request else {}
        return Upstream(client_for, hooks=self.upstream_hooks, headers=headers)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        state = request.scope["state"]
        upstream: Upstream = state[_UPSTREAM]
        socket = (
            Socket(request.scope, state[_CALLER_AUTH]) if isinstance(request, WebSocket) else None
        )
        return Context(
            principal=state.get(PRINCIPAL, NOBODY),
            policy=self.policy,
            upstream=upstream,
            loaders=Loaders(upstream),
            feeds=self.limits.feeds,
            fx=self.fx,
            socket=socket,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Accept the socket's principal: from its header, else from `connection_init`."""
        if context.principal is not NOBODY:
            return _ACCEPTED
        params = context.connection_params or {}
        token = _bearer(params.get("Authorization", params.get("authorization")))
        socket = context.socket
        if token is None or socket is None:
            raise ConnectionRejectionError
        principal = await self._verified(socket.scope, token)
        if principal is None:
            raise ConnectionRejectionError
        context.principal = principal
        socket.token.use(token)
        return _ACCEPTED

    async def _verified(self, scope: Scope, token: str) -> Principal | None:
        """The token's principal, checked as the edge checks a header (revocation included)."""
        state = cast(GatewayState, scope["state"])
        try:
            principal = await verify(state, token, check_revocation=False, verified=self.verified)
            await admit(state, scope, principal)
        except ProblemError:
            return None
        return principal


def mount_graphql(
    app: FastAPI, settings: GatewaySettings, policy: ScopePolicy, trusted: Iterable[str] = ()
) -> GraphQLEndpoint:
    """Serve the schema at `/graphql`: HTTP GET and POST, and WebSockets for subscriptions.

    `trusted` are documents always accepted by hash (the console's), besides the manifest.
    """
    schema = build_schema(production=settings.profile is Profile.PRODUCTION)
    documents = TrustedDocuments.build(
        trusted, settings.graphql_trusted_documents, only=settings.graphql_trusted_only
    )
    endpoint = GraphQLEndpoint(
        schema, policy, fx=load_fx_rates(settings.policy_dir), trusted=documents
    )
    guarded = Authentication(RateLimitMiddleware(endpoint), public_paths=frozenset())
    app.router.routes.append(Route(PATH, guarded, methods=["GET", "POST"]))
    app.router.routes.append(WebSocketRoute(PATH, endpoint))
    app.state.graphql = endpoint
    return endpoint
