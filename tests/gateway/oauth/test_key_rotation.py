"""Signing-key rotation and reloads: old tokens live until their key is retired."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

import gateway.oauth.keys as keys_module
from gateway.oauth.keys import KeyStore, retire_key, rotate_keys
from gateway.oauth.tables import signing_keys
from tests.gateway.oauth.conftest import OAuth, OAuthFactory, assert_invalid_token
from tests.gateway.oauth.forge import (
    access_claims,
    attacker_key,
    compact,
    decode_unverified,
    rs256,
)

CACHE_TTL_S = 0.01
CACHE_EXPIRED_S = 0.05  # waits for cache expiry only; nothing here measures time


def kid_of(token: str) -> str:
    kid: str = decode_unverified(token)[0]["kid"]
    return kid


async def published_kids(oauth: OAuth) -> set[str]:
    jwks = (await oauth.http.get("/.well-known/jwks.json")).json()
    return {k["kid"] for k in jwks["keys"]}


async def rotate(oauth: OAuth) -> tuple[str, list[str]]:
    return await rotate_keys(oauth.engine, max_token_ttl_s=oauth.settings.access_token_ttl_s)


@pytest.fixture
async def quick(oauth_factory: OAuthFactory) -> AsyncIterator[OAuth]:
    """A gateway whose key cache expires almost at once."""
    async with oauth_factory(key_cache_ttl_s=CACHE_TTL_S) as harness:
        yield harness


async def test_after_rotation_old_tokens_verify_and_new_tokens_use_the_new_key(
    quick: OAuth,
) -> None:
    credential = await quick.new_client()
    old_token = await quick.token(credential)
    new_kid, retired = await rotate(quick)
    assert retired == []
    await asyncio.sleep(CACHE_EXPIRED_S)

    assert (await quick.call(old_token)).status_code == 200
    new_token = await quick.token(credential)
    assert kid_of(new_token) == new_kid != kid_of(old_token)
    assert (await quick.call(new_token)).status_code == 200
    assert {kid_of(old_token), new_kid} <= await published_kids(quick)


async def test_a_freshly_started_gateway_accepts_tokens_signed_before_rotation(
    oauth_factory: OAuthFactory,
) -> None:
    async with oauth_factory() as first:
        credential = await first.new_client()
        old_token = await first.token(credential)
        new_kid, _ = await rotate(first)
    async with oauth_factory() as second:
        assert (await second.call(old_token)).status_code == 200
        assert kid_of(await second.token(credential)) == new_kid
        assert {kid_of(old_token), new_kid} <= await published_kids(second)


async def test_retired_key_stops_verifying_once_the_cache_expires(quick: OAuth) -> None:
    credential = await quick.new_client()
    old_token = await quick.token(credential)
    old_kid = kid_of(old_token)
    await rotate(quick)
    assert await retire_key(quick.engine, old_kid)
    await asyncio.sleep(CACHE_EXPIRED_S)

    assert_invalid_token(await quick.call(old_token))
    assert old_kid not in await published_kids(quick)
    assert (await quick.call(await quick.token(credential))).status_code == 200


async def test_the_active_key_cannot_be_retired(quick: OAuth) -> None:
    token = await quick.token(await quick.new_client())
    assert not await retire_key(quick.engine, kid_of(token))
    await asyncio.sleep(CACHE_EXPIRED_S)
    assert (await quick.call(token)).status_code == 200


async def test_two_quick_rotations_keep_the_first_key_verifying(quick: OAuth) -> None:
    token = await quick.token(await quick.new_client())
    await rotate(quick)
    _, retired = await rotate(quick)
    assert retired == []
    await asyncio.sleep(CACHE_EXPIRED_S)
    assert (await quick.call(token)).status_code == 200
    assert len(await published_kids(quick)) == 3


async def test_rotation_retires_keys_demoted_longer_ago_than_a_token_can_live(
    quick: OAuth,
) -> None:
    token = await quick.token(await quick.new_client())
    old_kid = kid_of(token)
    await rotate(quick)
    long_ago = datetime.now(UTC) - timedelta(seconds=quick.settings.access_token_ttl_s + 120)
    async with quick.engine.begin() as conn:
        await conn.execute(
            update(signing_keys).where(signing_keys.c.kid == old_kid).values(demoted_at=long_ago)
        )
    _, retired = await rotate(quick)
    assert retired == [old_kid]
    await asyncio.sleep(CACHE_EXPIRED_S)
    assert_invalid_token(await quick.call(token))


# --- reloading on an unknown kid ------------------------------------------------------------


def spy_on_refresh(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record every KeyStore reload from now on (install after the test's own key reads)."""
    calls: list[float] = []
    original = KeyStore.refresh

    async def counting(self: KeyStore) -> None:
        calls.append(time.monotonic())
        await original(self)

    monkeypatch.setattr(KeyStore, "refresh", counting)
    return calls


def advance_key_clock(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make the key store see `seconds` more monotonic time than has really passed."""
    real = time.monotonic
    monkeypatch.setattr(keys_module, "time", SimpleNamespace(monotonic=lambda: real() + seconds))


def unknown_kid_token(oauth: OAuth, kid: str) -> str:
    settings = oauth.settings
    claims = access_claims(settings.token_issuer(), settings.audience, "cl_x", "demo:read")
    header = {"alg": "RS256", "typ": "at+jwt", "kid": kid}
    return compact(header, claims, rs256(attacker_key().private_key))


async def test_a_burst_of_unknown_kids_reloads_keys_at_most_once(
    oauth: OAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = [unknown_kid_token(oauth, f"unknown-{i}") for i in range(4)]
    valid = await oauth.forge()
    calls = spy_on_refresh(monkeypatch)
    # Past the unknown-kid throttle but inside the cache TTL: exactly one reload is due.
    advance_key_clock(monkeypatch, keys_module.UNKNOWN_KID_REFRESH_S + 1)
    for token in tokens:
        assert_invalid_token(await oauth.call(token))
    assert len(calls) == 1
    assert (await oauth.call(valid)).status_code == 200
    assert len(calls) == 1


async def test_unknown_kids_right_after_a_load_do_not_reload(
    oauth: OAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = [unknown_kid_token(oauth, f"unknown-{i}") for i in range(4)]
    calls = spy_on_refresh(monkeypatch)
    for token in tokens:
        assert_invalid_token(await oauth.call(token))
    assert calls == []


async def test_key_rotated_in_by_another_process_is_found_by_one_reload(
    oauth: OAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_kid, _ = await rotate(oauth)
    new_key = await KeyStore(oauth.engine, ttl_s=30).active()
    assert new_key.kid == new_kid
    token = await oauth.forge(key=new_key)
    calls = spy_on_refresh(monkeypatch)
    advance_key_clock(monkeypatch, keys_module.UNKNOWN_KID_REFRESH_S + 1)
    assert (await oauth.call(token)).status_code == 200
    assert len(calls) == 1
