"""Show each operation's required scopes in its version's OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI

from gateway.oauth.rfc6749_server import TOKEN_PATH
from gateway.problems import PROBLEM_MEDIA_TYPE

SCHEME = "oauth2"
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PROBLEM = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_REFUSALS = {
    "401": "Missing, invalid, expired or revoked access token.",
    "403": "The token lacks a required scope.",
    "429": "Over the client's rate limit; see Retry-After and the RateLimit headers.",
}


def with_security(
    spec: dict[str, Any],
    required: Mapping[str, tuple[str, ...] | None],
    catalogue: Mapping[str, str],
) -> dict[str, Any]:
    """Add the client-credentials scheme and a per-operation `security` naming its scopes."""
    used: set[str] = set()
    for path_item in spec.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            scopes = list(required.get(operation.get("operationId", "")) or ())
            used.update(scopes)
            operation["security"] = [{SCHEME: scopes}]
            responses = operation.setdefault("responses", {})
            for status, description in _REFUSALS.items():
                responses.setdefault(status, {"description": description, "content": _PROBLEM})
    flow = {"tokenUrl": TOKEN_PATH, "scopes": {s: catalogue.get(s, s) for s in sorted(used)}}
    schemes = spec.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[SCHEME] = {
        "type": "oauth2",
        "description": "OAuth 2.0 client credentials; JWT access tokens (RFC 9068).",
        "flows": {"clientCredentials": flow},
    }
    return spec


def install_security_openapi(
    app: FastAPI,
    required: Mapping[str, tuple[str, ...] | None],
    catalogue: Mapping[str, str],
) -> None:
    """Extend `app`'s (cached) OpenAPI document with its security requirements, once."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        spec = build()
        return with_security(spec, required, catalogue) if first else spec

    app.openapi = openapi  # type: ignore[method-assign]
