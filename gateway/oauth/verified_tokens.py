"""A bounded memo of access tokens whose signature and claims have been verified.

A client sends the same token for minutes, and checking it again costs a public-key
operation and two JSON decodes per request. What may be skipped is narrow:

- only successes are kept, under the SHA-256 of the exact token (a tampered byte is
  another token), never the token itself;
- an entry lasts `ttl_s` and never past the token's `exp`, after which the token goes
  through the full checks again (leeway included);
- a hit counts only while the key that verified the token is still the one its issuer
  lookup yields: a retired key, a reloaded key set or a refetched JWKS re-verifies;
- revocation is not memoised: the caller asks the denylist on every request.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from gateway.oauth.rfc9068_tokens import Principal, TrustedKey

DEFAULT_MAX_ENTRIES = 4096
DEFAULT_TTL_S = 60.0


@dataclass(frozen=True, slots=True)
class VerifiedToken:
    """What a successful verification proved, and with which key."""

    principal: Principal
    key: TrustedKey
    valid_until: float  # epoch seconds

    def verified_with(self, key: TrustedKey | None) -> bool:
        """Whether `key`, the issuer's key for this kid now, is the one that verified."""
        return (
            key is not None
            and key.key is self.key.key
            and key.alg == self.key.alg
            and key.audience == self.key.audience
            and key.external == self.key.external
        )


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class VerifiedTokens:
    """Successful verifications by token digest; the oldest entry goes first when full."""

    def __init__(
        self,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self.clock = clock
        self._entries: dict[bytes, VerifiedToken] = {}

    def get(self, digest: bytes) -> VerifiedToken | None:
        """The live entry for a token digest, dropping it if it has run out."""
        entry = self._entries.get(digest)
        if entry is not None and entry.valid_until <= self.clock():
            del self._entries[digest]
            return None
        return entry

    def put(self, digest: bytes, principal: Principal, key: TrustedKey) -> None:
        """Remember a token that passed every check with `key`."""
        valid_until = min(self.clock() + self.ttl_s, float(principal.expires_at))
        if valid_until <= self.clock():
            return
        self._entries.pop(digest, None)
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]
        self._entries[digest] = VerifiedToken(principal, key, valid_until)

    def __len__(self) -> int:
        return len(self._entries)
