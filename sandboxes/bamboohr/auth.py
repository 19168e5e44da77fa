"""BambooHR's authentication: HTTP Basic with the API key as user name, any password."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request

from sandboxes.bamboohr.errors import BambooError

DEMO_API_KEY = "bamboohr-demo-api-key"  # the sandbox's published demo credential
DEMO_COMPANY_DOMAIN = "atrium"


def api_key_of(request: Request) -> str | None:
    """The API key a request carries (the rate limiter's key), or None."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, _, _password = decoded.partition(":")
    return key or None


def authenticate(request: Request) -> None:
    """Refuse requests without the demo API key, as BambooHR does: 401."""
    if api_key_of(request) != DEMO_API_KEY:
        raise BambooError(401, "Invalid API key")
