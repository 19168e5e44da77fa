"""Authorization-server endpoints: token, JWKS, RFC 8414 metadata, RFC 7662, RFC 7009."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile
from starlette.responses import JSONResponse, Response

from contracts.policies import ScopePolicy
from contracts.problems import ProblemError
from gateway.oauth.clients import OAuthClient, get_client
from gateway.oauth.rfc6749_server import TOKEN_PATH, token_response
from gateway.oauth.rfc6750_bearer import verify
from gateway.state import StateDep

router = APIRouter(tags=["oauth"])
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _form(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": schema}},
        }
    }


_CLIENT_FIELDS = {"client_id": {"type": "string"}, "client_secret": {"type": "string"}}
_TOKEN_FORM = _form(
    {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "scope": {"type": "string", "description": "Space-separated scopes; default: all granted."},
        **_CLIENT_FIELDS,
    },
    ["grant_type"],
)
_TOKEN_FIELD_FORM = _form(
    {"token": {"type": "string"}, "token_type_hint": {"type": "string"}, **_CLIENT_FIELDS},
    ["token"],
)
_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed or invalid request (RFC 6749 error members included)."},
    401: {"description": "Client authentication failed."},
    415: {"description": "The body is not application/x-www-form-urlencoded."},
}


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 successful token response."""

    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str


class IntrospectionResponse(BaseModel):
    """RFC 7662 §2.2; inactive tokens carry only `active: false`."""

    active: bool
    iss: str | None = None
    sub: str | None = None
    client_id: str | None = None
    scope: str | None = None
    exp: int | None = None
    jti: str | None = None
    token_type: str | None = None


async def read_form(request: Request) -> FormData:
    """The url-encoded body (the only encoding OAuth endpoints accept)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        raise ProblemError("unsupported-media-type", "Send application/x-www-form-urlencoded.")
    try:
        pairs: list[tuple[str, str | UploadFile]] = list(parse_qsl((await request.body()).decode()))
    except UnicodeDecodeError:
        raise ProblemError("malformed-request", "The form body is not UTF-8.") from None
    return FormData(pairs)


def _credentials(request: Request, form: FormData) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, secret = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return unquote(user), unquote(secret)
    posted_id, posted_secret = form.get("client_id"), form.get("client_secret")
    return (str(posted_id), str(posted_secret)) if posted_id and posted_secret else None


async def authenticate_client(state: StateDep, request: Request, form: FormData) -> OAuthClient:
    """The calling client of introspection and revocation, or a 401 problem."""
    credentials = _credentials(request, form)
    client = await get_client(state["db"], credentials[0]) if credentials else None
    if client is None or client.disabled or not client.check_client_secret(credentials[1]):  # type: ignore[index]
        raise ProblemError(
            "invalid-token",
            "Client authentication failed.",
            headers={"WWW-Authenticate": 'Basic realm="atrium"'},
        )
    return client


@router.post(
    TOKEN_PATH,
    operation_id="issueToken",
    summary="Client-credentials token",
    openapi_extra=_TOKEN_FORM,
    response_model=TokenResponse,
    responses=_REFUSALS,
)
async def issue_token(request: Request, state: StateDep) -> Response:
    """Exchange client credentials for a JWT access token (RFC 6749 §4.4, RFC 9068)."""
    form = await read_form(request)
    credentials = _credentials(request, form)
    client = await get_client(state["db"], credentials[0]) if credentials else None
    response = token_response(
        request, form, client, await state["keys"].active(), state["settings"]
    )
    response.headers.update(_NO_STORE)
    if "authorization" not in request.headers:
        # RFC 6749 §5.2: the Basic challenge answers a client that tried Basic. A client that
        # posted its secret gets none: a browser would take it as a prompt for a password.
        del response.headers["www-authenticate"]
    return response


@router.get("/.well-known/jwks.json", operation_id="getJwks", summary="Public signing keys")
async def jwks(state: StateDep) -> JSONResponse:
    """The keys our tokens are signed with, including recently rotated ones (RFC 7517)."""
    return JSONResponse(await state["keys"].jwks(), headers={"Cache-Control": "max-age=60"})


@router.get(
    "/.well-known/oauth-authorization-server",
    operation_id="getAuthorizationServerMetadata",
    summary="Authorization server metadata (RFC 8414)",
)
async def metadata(request: Request, state: StateDep) -> dict[str, Any]:
    """Where the endpoints are and what they support (scopes: the policy's catalogue)."""
    issuer = state["settings"].token_issuer().rstrip("/")
    policy: ScopePolicy = request.app.state.scope_policy
    return {
        "issuer": issuer,
        "token_endpoint": issuer + TOKEN_PATH,
        "jwks_uri": issuer + "/.well-known/jwks.json",
        "introspection_endpoint": issuer + "/oauth/introspect",
        "revocation_endpoint": issuer + "/oauth/revoke",
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": sorted(policy.scopes),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "response_types_supported": [],
    }


@router.post(
    "/oauth/introspect",
    operation_id="introspectToken",
    summary="Token introspection (RFC 7662)",
    openapi_extra=_TOKEN_FIELD_FORM,
    response_model=IntrospectionResponse,
    responses=_REFUSALS,
)
async def introspect(request: Request, state: StateDep) -> JSONResponse:
    """Whether a token is active, and its claims, for an authenticated client."""
    form = await read_form(request)
    await authenticate_client(state, request, form)
    try:
        principal = await verify(state, str(form.get("token", "")))
    except ProblemError:
        return JSONResponse({"active": False}, headers=_NO_STORE)
    body = {
        "active": True,
        "iss": principal.issuer,
        "sub": principal.subject,
        "client_id": principal.client_id,
        "scope": " ".join(sorted(principal.scopes)),
        "exp": principal.expires_at,
        "jti": principal.jti,
        "token_type": "Bearer",
    }
    return JSONResponse(body, headers=_NO_STORE)


@router.post(
    "/oauth/revoke",
    operation_id="revokeToken",
    summary="Token revocation (RFC 7009)",
    openapi_extra=_TOKEN_FIELD_FORM,
    responses={**_REFUSALS, 200: {"description": "Revoked, or nothing to revoke."}},
)
async def revoke(request: Request, state: StateDep) -> Response:
    """Revoke one of the calling client's tokens; unknown or foreign tokens are ignored (200)."""
    form = await read_form(request)
    client = await authenticate_client(state, request, form)
    try:
        # Revoking twice is harmless, so the denylist is not read (its fail mode could
        # turn a revocation into a silent no-op); writing it is what must succeed.
        principal = await verify(state, str(form.get("token", "")), check_revocation=False)
    except ProblemError:
        return Response(status_code=200, headers=_NO_STORE)
    if principal.client_id == client.client_id:
        await state["denylist"].revoke(principal.jti, principal.expires_at)
    return Response(status_code=200, headers=_NO_STORE)
