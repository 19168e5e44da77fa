"""The token endpoint (RFC 6749 client credentials) on authlib's framework-neutral core.

authlib is synchronous, our storage is not: the adapter reads the form, loads the
named client and the active signing key asynchronously, then runs authlib's
grant against those preloaded objects. One server object per request keeps
that state out of shared globals.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from starlette.datastructures import FormData, Headers
from starlette.requests import Request
from starlette.responses import Response

from gateway.oauth.clients import TOKEN_AUTH_METHODS, OAuthClient
from gateway.oauth.keys import SigningKey
from gateway.oauth.rfc9068_tokens import issue_access_token
from gateway.problems import PROBLEM_MEDIA_TYPE
from gateway.request_context import current_request_id
from gateway.settings import GatewaySettings

TOKEN_PATH = "/oauth/token"  # noqa: S105  (a path, not a secret)

# authlib logs every issued token at DEBUG; tokens are never logged, whatever the level.
logging.getLogger("authlib").setLevel(logging.INFO)


class _FormPayload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, form: FormData) -> None:
        self._form = form

    @property
    def data(self) -> dict[str, str]:
        return {k: str(v) for k, v in self._form.items()}

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        values: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in self._form.multi_items():
            values[key].append(str(value))
        return values


class _TokenRequest(OAuth2Request):  # type: ignore[misc]
    def __init__(self, uri: str, headers: Headers, form: FormData) -> None:
        super().__init__(method="POST", uri=uri, headers=headers)
        self.payload = _FormPayload(form)
        self._form = form

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return {k: str(v) for k, v in self._form.items()}


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = sorted(TOKEN_AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        # RFC 6749 §5.2: asking for a scope the client does not hold is invalid_scope,
        # not a silently narrower token.
        requested = set((self.request.payload.scope or "").split())
        client: OAuthClient = self.request.client
        if requested - set(client.scopes):
            raise InvalidScopeError(description="The client may not request that scope.")


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(
        self, client: OAuthClient | None, key: SigningKey, settings: GatewaySettings
    ) -> None:
        super().__init__()
        self._client = client
        self._key = key
        self._settings = settings
        self.register_grant(_ClientCredentials)
        self.register_token_generator("default", self._generate)

    def query_client(self, client_id: str) -> OAuthClient | None:
        if self._client is not None and self._client.client_id == client_id:
            return self._client
        return None

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request  # the adapter already built it from the Starlette request

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """JWT access tokens are self-contained; revocation goes through the denylist."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal receivers."""

    def _generate(self, *, client: OAuthClient, scope: str | None, **_: Any) -> dict[str, Any]:
        # authlib hands over the raw requested scope; none requested means all granted.
        scope = client.get_allowed_scope(scope)
        extra = {"tier": client.tier}
        if client.partner_id:
            extra["partner_id"] = client.partner_id
        token, claims = issue_access_token(
            self._key,
            issuer=self._settings.token_issuer(),
            audience=self._settings.audience,
            client_id=client.client_id,
            scope=scope,
            ttl_s=self._settings.access_token_ttl_s,
            extra=extra,
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": claims["exp"] - claims["iat"],
            "scope": scope,
        }

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if status >= 400:
            if body.get("error") == "invalid_client":
                # RFC 6749 §5.2 allows 400 for form-authenticated clients; an
                # authentication failure is a 401 whichever way the secret came.
                status = 401
                headers = [*headers, ("WWW-Authenticate", 'Basic realm="atrium"')]
            body = _with_problem_fields(status, body)
        return Response(
            json.dumps(body),
            status_code=status,
            headers={k: v for k, v in headers if k.lower() != "content-type"},
            media_type=PROBLEM_MEDIA_TYPE if status >= 400 else "application/json",
        )


def _with_problem_fields(status: int, body: dict[str, Any]) -> dict[str, Any]:
    """RFC 6749 error members for OAuth clients plus RFC 9457 members for everyone else."""
    error = body.get("error", "invalid_request")
    return {
        "type": f"https://atrium.dev/problems/oauth-{error.replace('_', '-')}",
        "title": "Token request refused",
        "status": status,
        "detail": body.get("error_description") or error.replace("_", " ").capitalize() + ".",
        "instance": current_request_id(),
        **body,
    }


def token_response(
    request: Request,
    form: FormData,
    client: OAuthClient | None,
    key: SigningKey,
    settings: GatewaySettings,
) -> Response:
    """Run authlib's token endpoint for one request whose client and key are preloaded."""
    server = _Server(client, key, settings)
    uri = settings.token_issuer().rstrip("/") + TOKEN_PATH
    response: Response = server.create_token_response(
        _TokenRequest(uri, request.headers, form)  # case-insensitive: authlib asks "Authorization"
    )
    return response
