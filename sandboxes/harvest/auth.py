"""Harvest's request rules: a personal access token, the account id, and a User-Agent."""

from __future__ import annotations

from fastapi import Request

from sandboxes.harvest.errors import HarvestError, Unauthorized

DEMO_TOKEN = "harvest-demo-token"  # noqa: S105 - the sandbox's published demo credential
DEMO_ACCOUNT_ID = "1234567"


def account_of(request: Request) -> str:
    """The Harvest account a request addresses (the rate limiter's key)."""
    return request.headers.get("harvest-account-id", "")


def authenticate(request: Request) -> None:
    """Refuse requests Harvest would refuse: no User-Agent, bad token, unknown account."""
    if not request.headers.get("user-agent"):
        raise HarvestError(400, "A User-Agent header is required")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or token != DEMO_TOKEN:
        raise Unauthorized(
            "The access token provided is expired, revoked, malformed or invalid for other reasons."
        )
    if account_of(request) != DEMO_ACCOUNT_ID:
        raise Unauthorized("The account id provided is not valid for this access token.")
