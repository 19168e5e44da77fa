"""Stripe's authentication: the secret key as a Bearer token (or as the Basic user name)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from sandboxes.stripe.errors import StripeError

DEMO_SECRET_KEY = "sk_test_atrium_demo_51NzQdLkT3stK3y"  # noqa: S105 - public demo key
DEMO_ACCOUNT = "acct_1AtriumDemoFirm"
_MISSING = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
    "https://stripe.com/docs/api#authentication for details, or we can help at "
    "https://support.stripe.com/."
)


@dataclass(frozen=True)
class Account:
    """The Stripe account a secret key belongs to."""

    id: str
    key: str


def presented_key(request: Request) -> str | None:
    """The API key in the Authorization header (Bearer, or Basic with the key as user)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value.strip(), validate=True).decode().split(":", 1)[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user or None
    return None


def account_for(request: Request, key: str | None) -> Account | None:
    """The account of a known key."""
    keys: dict[str, str] = request.app.state.stripe_keys
    if key is None or key not in keys:
        return None
    return Account(id=keys[key], key=key)


def _redacted(key: str) -> str:
    return f"{key[:8]}{'*' * 12}{key[-4:]}" if len(key) > 12 else "*" * len(key)


def current_account(request: Request) -> Account:
    """The authenticated account; Stripe's 401 otherwise."""
    key = presented_key(request)
    if key is None:
        raise StripeError(401, _MISSING, kept=False)
    account = account_for(request, key)
    if account is None:
        raise StripeError(401, f"Invalid API Key provided: {_redacted(key)}", kept=False)
    return account


AccountDep = Annotated[Account, Depends(current_account)]


def rate_limit_key(request: Request) -> str | None:
    """Stripe limits reads and writes separately, per account."""
    account = account_for(request, presented_key(request))
    if account is None:
        return None
    kind = "read" if request.method in ("GET", "HEAD") else "write"
    return f"{account.id}:{kind}"
