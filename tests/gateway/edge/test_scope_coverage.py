"""Every route the gateway serves is covered by the scope policy, or explicitly exempt.

Walks the real APIs (`discover_apis()`) and the committed `policies/scopes.yaml`: a new
operation without an entry fails here, by name, before it can fail closed in production.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from contracts.policies import ScopePolicy
from contracts.registry import Lifecycle
from gateway.app import create_app
from gateway.edge.operation_scopes import list_operations
from gateway.policy.scopes import load_scope_policy
from gateway.registry.discovery import discover_apis
from gateway.registry.mounting import build_version_app, load_router
from gateway.settings import GatewaySettings
from policies import POLICY_DIR
from tests.fixtures.apps import ApiFolder

# The gateway's own routes that need no token: health, catalog, its OpenAPI document,
# and the authorization server (which authenticates clients itself).
# The console's page and assets hold no data: it signs in and calls /graphql with the token.
GATEWAY_EXEMPT = frozenset({"/livez", "/readyz", "/catalog", "/openapi.json", "/docs", "/console"})
GATEWAY_EXEMPT_PREFIXES = ("/oauth/", "/.well-known/", "/docs/", "/console/")
# Gateway routes that guard themselves: /graphql authenticates every request and checks the
# scopes of each field (tests/gateway/graphql/ proves both).
GATEWAY_GUARDED = frozenset({"/graphql"})

FORGOTTEN_API = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Forgotten", owner="test-team",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router"),),
)
"""
FORGOTTEN_ROUTER = """
from fastapi import APIRouter, WebSocket
router = APIRouter()

@router.get("/orders", operation_id="listOrders")
async def list_orders() -> list[str]:
    return []

@router.websocket("/ws")
async def feed(socket: WebSocket) -> None:
    await socket.close()
"""


def version_apps(policy: ScopePolicy) -> dict[str, FastAPI]:
    """Each in-process, unretired API version as its own app, by 'kind/name/vN'."""
    apps = {}
    for api in discover_apis():
        for version in api.manifest.versions:
            if version.app is None or version.lifecycle is Lifecycle.RETIRED:
                continue
            key = api.manifest.base_path(version).strip("/")
            router = load_router(version.app)
            apps[key] = build_version_app(api.manifest, version, router, scopes=policy)
    return apps


def unguarded_routes(key: str, app: FastAPI, policy: ScopePolicy) -> list[str]:
    """Routes of a version app that are neither public nor an operation with a policy."""
    problems = []
    for context in iter_route_contexts(app.routes):
        path = context.path
        if not isinstance(context.original_route, APIRoute) and path not in policy.public_paths:
            problems.append(f"{key} {path}: not an API operation, so no scope can guard it")
    problems += [f"{key} {op}" for op in list_operations(app, key, policy) if op.scopes is None]
    return problems


def test_every_operation_of_every_mounted_version_has_a_scope_policy() -> None:
    policy = load_scope_policy(POLICY_DIR)
    missing = [
        problem
        for key, app in version_apps(policy).items()
        for problem in unguarded_routes(key, app, policy)
    ]
    assert not missing, "add these to policies/scopes.yaml:\n" + "\n".join(missing)


def test_the_policy_names_only_operations_that_exist() -> None:
    policy = load_scope_policy(POLICY_DIR)
    apps = version_apps(policy)
    stale = []
    for key, operations in policy.operations.items():
        served = (
            {op.operation_id for op in list_operations(apps[key], key, policy)}
            if key in apps
            else set()
        )
        stale += [f"{key} {op}" for op in operations if op not in served]
    assert not stale, "policies/scopes.yaml names operations nothing serves:\n" + "\n".join(stale)


def test_the_gateway_serves_nothing_else_without_a_token(tmp_path: Path) -> None:
    app = create_app(GatewaySettings(data_dir=tmp_path))
    mounted = {v.base_path for api in app.state.catalog.apis for v in api.versions}
    unexpected = []
    for context in iter_route_contexts(app.routes):
        path = str(context.path)
        if isinstance(context.original_route, Mount):
            if path not in mounted:
                unexpected.append(f"mount {path}")
        elif path not in GATEWAY_EXEMPT | GATEWAY_GUARDED and not path.startswith(
            GATEWAY_EXEMPT_PREFIXES
        ):
            unexpected.append(path)
    assert not unexpected, (
        f"gateway routes outside the scope policy and its exemptions: {unexpected}"
    )


def test_the_walk_names_an_operation_the_policy_forgot(api_folder: ApiFolder) -> None:
    # The guard of the tests above: they would pass vacuously if the walk saw nothing.
    name = api_folder.add("system", FORGOTTEN_API, FORGOTTEN_ROUTER)
    policy = load_scope_policy(POLICY_DIR)
    key = f"system/{name}/v1"
    assert unguarded_routes(key, version_apps(policy)[key], policy) == [
        f"{key} /ws: not an API operation, so no scope can guard it",
        f"{key} GET /orders (listOrders)",
    ]
