"""Idempotency keys: what a caller sends, and the key we derive for a vendor from it."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Header

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        # What the edge accepts: 1-255 printable ASCII characters, no surrounding spaces.
        pattern=r"^[!-~]([ -~]{0,253}[!-~])?$",
        description="Repeat a write safely: the same key never creates a second object.",
    ),
]


def derive_key(incoming: str | None, *, operation: str, parts: tuple[str, ...] = ()) -> str | None:
    """A vendor-side key for one write: stable for the same caller key, distinct per operation."""
    if incoming is None:
        return None
    material = "\x1f".join((operation, incoming, *parts))
    return "atrium-" + hashlib.sha256(material.encode()).hexdigest()[:40]
