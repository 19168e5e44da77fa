"""The memo of verified tokens: what it skips, and what it never skips."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from joserfc.jwk import RSAKey

import gateway.oauth.rfc6750_bearer as bearer
from gateway.oauth.keys import retire_key, rotate_keys
from gateway.oauth.rfc9068_tokens import Principal, TrustedKey
from gateway.oauth.verified_tokens import VerifiedTokens, token_digest
from tests.gateway.oauth.conftest import OAuth, OAuthFactory, assert_invalid_token
from tests.gateway.oauth.forge import attacker_key, decode_unverified

NOW = 1_800_000_000.0
KEY_CACHE_TTL_S = 0.01
KEY_CACHE_EXPIRED_S = 0.05  # waits for the key cache to expire; nothing here measures time


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def principal(expires_at: float = NOW + 600, jti: str = "jti-1") -> Principal:
    return Principal("https://issuer", "cl_1", "cl_1", frozenset({"a:read"}), jti, int(expires_at))


def trusted(key: RSAKey | None = None) -> TrustedKey:
    return TrustedKey("kid-1", "RS256", key or attacker_key(), "atrium")


def test_remembers_a_verified_token_for_its_ttl() -> None:
    clock = Clock()
    memo = VerifiedTokens(ttl_s=30, clock=clock)
    memo.put(token_digest("t"), principal(), trusted())

    clock.now = NOW + 29.9
    entry = memo.get(token_digest("t"))
    assert entry is not None
    assert entry.principal == principal()
    assert memo.get(token_digest("t2")) is None
    clock.now = NOW + 30
    assert memo.get(token_digest("t")) is None
    assert len(memo) == 0


def test_an_entry_never_outlives_the_token() -> None:
    clock = Clock()
    memo = VerifiedTokens(ttl_s=60, clock=clock)
    memo.put(token_digest("t"), principal(expires_at=NOW + 5), trusted())

    clock.now = NOW + 4.9
    assert memo.get(token_digest("t")) is not None
    clock.now = NOW + 5
    assert memo.get(token_digest("t")) is None


def test_a_token_already_expired_is_not_remembered() -> None:
    memo = VerifiedTokens(clock=Clock())
    memo.put(token_digest("t"), principal(expires_at=NOW - 1), trusted())
    assert len(memo) == 0


def test_the_oldest_entry_goes_first_when_full() -> None:
    memo = VerifiedTokens(max_entries=2, clock=Clock())
    for token in ("first", "second", "third"):
        memo.put(token_digest(token), principal(jti=token), trusted())

    assert len(memo) == 2
    assert memo.get(token_digest("first")) is None
    assert memo.get(token_digest("second")) is not None
    assert memo.get(token_digest("third")) is not None


def test_a_hit_counts_only_with_the_very_key_that_verified() -> None:
    memo = VerifiedTokens(clock=Clock())
    key = trusted()
    memo.put(token_digest("t"), principal(), key)
    entry = memo.get(token_digest("t"))
    assert entry is not None

    reloaded = TrustedKey(key.kid, key.alg, RSAKey.import_key(key.key.as_dict()), key.audience)
    assert entry.verified_with(key)
    assert not entry.verified_with(None)  # retired, or the issuer no longer trusted
    assert not entry.verified_with(reloaded)  # a reload re-verifies
    assert not entry.verified_with(TrustedKey(key.kid, key.alg, key.key, "another-audience"))


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the full signature-and-claims checks the resource server makes."""
    seen: list[str] = []
    original = bearer.verify_access_token

    async def counting(token: str, **kwargs: object) -> object:
        seen.append(token)
        return await original(token, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bearer, "verify_access_token", counting)
    return seen


@pytest.fixture
async def quick(oauth_factory: OAuthFactory) -> AsyncIterator[OAuth]:
    """A gateway whose signing-key cache expires almost at once."""
    async with oauth_factory(key_cache_ttl_s=KEY_CACHE_TTL_S) as harness:
        yield harness


async def test_a_token_sent_again_is_not_verified_again(
    oauth: OAuth, verifications: list[str]
) -> None:
    token = await oauth.token(await oauth.new_client())
    responses = [await oauth.call(token) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert verifications == [token]


async def test_a_rejected_token_is_checked_in_full_every_time(
    oauth: OAuth, verifications: list[str]
) -> None:
    token = await oauth.token(await oauth.new_client())
    forged = token[:-8] + "AAAAAAAA"
    for _ in range(2):
        assert_invalid_token(await oauth.call(forged))
    assert verifications == [forged, forged]


async def test_a_token_verified_before_its_key_was_retired_is_refused_after(
    quick: OAuth,
) -> None:
    credential = await quick.new_client()
    old_token = await quick.token(credential)
    assert (await quick.call(old_token)).status_code == 200
    await rotate_keys(quick.engine, max_token_ttl_s=quick.settings.access_token_ttl_s)
    assert await retire_key(quick.engine, decode_unverified(old_token)[0]["kid"])
    await asyncio.sleep(KEY_CACHE_EXPIRED_S)

    assert_invalid_token(await quick.call(old_token))
