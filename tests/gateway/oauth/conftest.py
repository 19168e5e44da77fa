"""A gateway with one protected throwaway API, a database handle and token helpers."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.app import create_app
from gateway.database import create_engine
from gateway.oauth.clients import IssuedCredential, create_client
from gateway.oauth.keys import KeyStore, SigningKey
from gateway.settings import GatewaySettings
from tests.fixtures.apps import LIFESPAN_TIMEOUT_S, ApiFolder, PolicyFolder
from tests.gateway.oauth.forge import access_claims, compact, rs256

PROBLEM = "application/problem+json"
PROBLEMS = "https://atrium.dev/problems/"

PROTECTED_API = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Protected", owner="test-team",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router", scopes=("demo:read",)),),
)
"""

PROTECTED_ROUTER = """
from fastapi import APIRouter
from gateway.oauth.rfc6750_bearer import PrincipalDep

router = APIRouter()

@router.get("/whoami", operation_id="whoami")
async def whoami(principal: PrincipalDep) -> dict[str, str]:
    return {"client_id": principal.client_id}
"""
PROTECTED_OPERATIONS = {"whoami": ["demo:read"]}  # the scope policy enforces demo:read


@dataclass
class OAuth:
    """One running gateway plus what a test needs to talk OAuth to it."""

    http: httpx.AsyncClient
    engine: AsyncEngine
    settings: GatewaySettings
    path: str  # a route that needs a bearer token with demo:read
    _key: SigningKey | None = field(default=None, repr=False)

    async def new_client(self, scopes: tuple[str, ...] = ("demo:read",)) -> IssuedCredential:
        return await create_client(self.engine, name="test client", scopes=list(scopes))

    async def token_response(
        self, credential: IssuedCredential, scope: str | None = None
    ) -> httpx.Response:
        form = {"grant_type": "client_credentials"}
        if scope is not None:
            form["scope"] = scope
        auth = httpx.BasicAuth(credential.client_id, credential.client_secret)
        return await self.http.post("/oauth/token", data=form, auth=auth)

    async def token(self, credential: IssuedCredential, scope: str | None = "demo:read") -> str:
        response = await self.token_response(credential, scope)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def signing_key(self, *, reload: bool = False) -> SigningKey:
        """The key the gateway signs with, read from the database (cached: RSA import is slow)."""
        if self._key is None or reload:
            self._key = await KeyStore(self.engine, ttl_s=30).active()
        return self._key

    async def forge(
        self,
        header: dict[str, Any] | None = None,
        claims: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
        key: SigningKey | None = None,
    ) -> str:
        """A token like ours, signed RS256 with the real active key; `drop` removes claims."""
        key = key or await self.signing_key()
        body = access_claims(
            self.settings.token_issuer(), self.settings.audience, "cl_forged", "demo:read"
        )
        body.update(claims or {})
        for name in drop:
            body.pop(name)
        head = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid, **(header or {})}
        return compact(head, body, rs256(key.key.private_key))

    async def call(self, token: str | None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return await self.http.get(self.path, headers=headers, **kwargs)


def state_copied_per_request(app: ASGIApp) -> ASGIApp:
    """Give each request a shallow copy of the lifespan state, as ASGI servers must.

    asgi_lifespan hands every request the *same* state dict, so whatever one request
    stores on `request.state` (the bearer dependency caches the verified principal
    there) would be seen by every later request of the test.
    """

    async def app_with_fresh_state(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "state" in scope:
            scope = {**scope, "state": dict(scope["state"])}
        await app(scope, receive, send)

    return app_with_fresh_state


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client for `app` with its lifespan running and per-request state."""
    async with LifespanManager(
        state_copied_per_request(app),
        startup_timeout=LIFESPAN_TIMEOUT_S,
        shutdown_timeout=LIFESPAN_TIMEOUT_S,
    ) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


OAuthFactory = Callable[..., AbstractAsyncContextManager[OAuth]]


def _factory(folder: ApiFolder, settings: GatewaySettings) -> OAuthFactory:
    name = folder.add("system", PROTECTED_API, PROTECTED_ROUTER, operations=PROTECTED_OPERATIONS)

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[OAuth]:
        app_settings = settings.model_copy(update=overrides)
        async with serving(create_app(app_settings)) as http:
            engine = create_engine(app_settings)
            try:
                yield OAuth(http, engine, app_settings, f"/system/{name}/v1/whoami")
            finally:
                await engine.dispose()

    return start


@pytest.fixture
def oauth_factory(api_folder: ApiFolder, settings: GatewaySettings) -> OAuthFactory:
    """Start a gateway (settings overrides as keywords) with the protected API mounted."""
    return _factory(api_folder, settings)


@pytest.fixture
async def oauth(oauth_factory: OAuthFactory) -> AsyncIterator[OAuth]:
    async with oauth_factory() as harness:
        yield harness


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_oauth(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[OAuth]:
    """One gateway for a whole module of tests that neither change keys nor revoke tokens.

    Its tests must run on the module's event loop: `pytest.mark.asyncio(loop_scope="module")`.
    """
    tmp = tmp_path_factory.mktemp("oauth")
    root = tmp / "plugins"
    root.mkdir()
    sys.path.insert(0, str(root))
    policies = PolicyFolder(tmp / "policies")
    folder = ApiFolder(root, policies)
    try:
        start = _factory(
            folder, GatewaySettings(data_dir=Path(tmp / "var"), policy_dir=policies.root)
        )
        async with start() as harness:
            yield harness
    finally:
        sys.path.remove(str(root))
        for module in list(sys.modules):
            if any(module == p or module.startswith(p + ".") for p in folder.packages):
                del sys.modules[module]


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEMS + code
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def assert_invalid_token(response: httpx.Response, error: str | None = "invalid_token") -> None:
    """A 401 invalid-token problem with an RFC 6750 Bearer challenge."""
    assert_problem(response, 401, "invalid-token")
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="atrium"')
    if error is None:
        assert "error=" not in challenge
    else:
        assert f'error="{error}"' in challenge
