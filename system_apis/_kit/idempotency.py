"""Idempotency keys: what a caller sends, and the key we derive for a vendor from it."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Depends, Header, Request


def caller_scoped_key(
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=255,
            # What the edge accepts: 1-255 printable ASCII characters, no surrounding spaces.
            pattern=r"^[!-~]([ -~]{0,253}[!-~])?$",
            description="Repeat a write safely: the same key never creates a second object.",
        ),
    ] = None,
) -> str | None:
    """The caller's key, qualified by its client id: keys are scoped per client.

    Two clients may pick the same key; the vendor-side key derived from it must differ,
    or the vendor would replay one client's object to the other.
    """
    if idempotency_key is None:
        return None
    principal = request.scope.get("state", {}).get("principal")
    client_id = getattr(principal, "client_id", None) or "anonymous"
    return f"{client_id}\x1f{idempotency_key}"


IdempotencyKeyHeader = Annotated[str | None, Depends(caller_scoped_key)]


def derive_key(incoming: str | None, *, operation: str, parts: tuple[str, ...] = ()) -> str | None:
    """A vendor-side key for one write: stable for the same caller key, distinct per operation."""
    if incoming is None:
        return None
    material = "\x1f".join((operation, incoming, *parts))
    return "atrium-" + hashlib.sha256(material.encode()).hexdigest()[:40]
