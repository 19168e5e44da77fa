"""Signed HCM notifications: HMAC-SHA256 over the timestamp and the raw body.

    X-Hcm-Timestamp: 1767225600                   (Unix seconds, when the HCM sent it)
    X-Hcm-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed by the secret>

The timestamp is signed too and must be recent, so a captured notification cannot be
replayed later; comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from pydantic import SecretStr

from contracts.problems import ProblemError

TIMESTAMP_HEADER = "X-Hcm-Timestamp"
SIGNATURE_HEADER = "X-Hcm-Signature"
PREFIX = "sha256="


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp`."""
    message = timestamp.encode() + b"." + body
    return PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: SecretStr,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: float,
) -> None:
    """Refuse (401 invalid-signature) a notification not signed with `secret` recently."""
    timestamp = headers.get(TIMESTAMP_HEADER.lower(), "")
    signature = headers.get(SIGNATURE_HEADER.lower(), "")
    if not timestamp.isdigit() or not signature.startswith(PREFIX):
        raise ProblemError("invalid-signature", f"Send {TIMESTAMP_HEADER} and {SIGNATURE_HEADER}.")
    if abs(now - int(timestamp)) > tolerance_s:
        raise ProblemError("invalid-signature", "The signature's timestamp is too old or ahead.")
    expected = sign(secret.get_secret_value(), timestamp, body)
    if not hmac.compare_digest(expected, signature):
        raise ProblemError("invalid-signature", "The signature does not match the body.")
