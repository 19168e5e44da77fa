"""Stripe-looking object ids (`cus_…`, `ii_…`, `in_…`), deterministic per store counter."""

from __future__ import annotations

import hashlib
import secrets
import string

_ALPHABET = string.digits + string.ascii_letters


def object_id(prefix: str, counter: int, *, length: int = 14) -> str:
    """`prefix_` + base62 characters derived from the counter (same counter, same id)."""
    number = int.from_bytes(hashlib.sha256(f"{prefix}:{counter}".encode()).digest()[:12], "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return f"{prefix}_{''.join(chars)}"


def invoice_prefix(customer_id: str) -> str:
    """The 8-character invoice number prefix Stripe gives each customer."""
    digest = hashlib.sha256(customer_id.encode()).hexdigest().upper()
    return digest[:8]


def request_id() -> str:
    """A fresh `Request-Id` (random: one per request, like Stripe's)."""
    return "req_" + secrets.token_urlsafe(10).replace("-", "a").replace("_", "b")
