"""The revocation denylist on Redis: correct when healthy, bounded with a fail mode when not."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import NoReturn, cast

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from contracts.problems import ProblemError
from gateway.database import create_engine
from gateway.oauth.denylist import Denylist, FailMode
from gateway.settings import GatewaySettings

TIMEOUT_S = 0.05


class StalledRedis:
    """Answers nothing, ever (a SIGSTOPped server), or raises like a refused connection."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.refuse = refuse
        self.calls = 0

    async def exists(self, *keys: str) -> int:
        return await self._hang()

    async def set(self, *args: object, **kwargs: object) -> bool:
        return await self._hang()

    async def _hang(self) -> NoReturn:
        self.calls += 1
        if self.refuse:
            raise RedisConnectionError("Connection refused")
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


@pytest.fixture
def engine_dir(tmp_path: Path) -> GatewaySettings:
    return GatewaySettings(data_dir=tmp_path)


def stalled_denylist(
    settings: GatewaySettings, redis: StalledRedis, mode: FailMode, cooldown_s: float = 60.0
) -> Denylist:
    return Denylist(
        create_engine(settings),
        cast(Redis, redis),
        timeout_s=TIMEOUT_S,
        fail_mode=mode,
        cooldown_s=cooldown_s,
    )


async def test_revoked_jti_is_found_and_others_are_not_on_healthy_redis(
    redis_url: str, engine_dir: GatewaySettings
) -> None:
    redis = Redis.from_url(redis_url)
    denylist = Denylist(create_engine(engine_dir), redis, timeout_s=1.0)
    revoked, other = uuid.uuid4().hex, uuid.uuid4().hex
    try:
        await denylist.revoke(revoked, int(time.time()) + 60)
        assert await denylist.is_revoked(revoked)
        assert not await denylist.is_revoked(other)
        assert 0 < await redis.ttl(f"atrium:revoked:{revoked}") <= 60
    finally:
        await redis.delete(f"atrium:revoked:{revoked}")
        await redis.aclose()


async def test_fail_closed_answers_503_with_retry_after_within_the_timeout(
    engine_dir: GatewaySettings,
) -> None:
    denylist = stalled_denylist(engine_dir, StalledRedis(), FailMode.CLOSED)
    started = time.monotonic()
    with pytest.raises(ProblemError) as raised:
        await denylist.is_revoked("some-jti")
    assert time.monotonic() - started < TIMEOUT_S + 0.1
    assert raised.value.problem_type.status == 503
    assert raised.value.problem_type.code == "service-unavailable"
    assert int(raised.value.headers["Retry-After"]) >= 1


async def test_fail_open_accepts_the_token_within_the_timeout(
    engine_dir: GatewaySettings,
) -> None:
    denylist = stalled_denylist(engine_dir, StalledRedis(), FailMode.OPEN)
    started = time.monotonic()
    assert await denylist.is_revoked("some-jti") is False
    assert time.monotonic() - started < TIMEOUT_S + 0.1


@pytest.mark.parametrize("mode", [FailMode.OPEN, FailMode.CLOSED])
async def test_refused_connection_applies_the_fail_mode(
    engine_dir: GatewaySettings, mode: FailMode
) -> None:
    denylist = stalled_denylist(engine_dir, StalledRedis(refuse=True), mode)
    if mode is FailMode.OPEN:
        assert await denylist.is_revoked("some-jti") is False
    else:
        with pytest.raises(ProblemError, match="cannot be checked"):
            await denylist.is_revoked("some-jti")


async def test_redis_is_not_asked_again_during_the_cooldown(engine_dir: GatewaySettings) -> None:
    redis = StalledRedis()
    denylist = stalled_denylist(engine_dir, redis, FailMode.OPEN)
    await denylist.is_revoked("first")
    started = time.monotonic()
    for _ in range(100):
        assert await denylist.is_revoked("next") is False
    assert redis.calls == 1
    assert time.monotonic() - started < TIMEOUT_S


async def test_redis_is_asked_again_once_the_cooldown_ends(engine_dir: GatewaySettings) -> None:
    redis = StalledRedis(refuse=True)
    denylist = stalled_denylist(engine_dir, redis, FailMode.OPEN, cooldown_s=0.05)
    await denylist.is_revoked("first")
    await asyncio.sleep(0.06)  # the cooldown has certainly ended
    await denylist.is_revoked("second")
    assert redis.calls == 2


@pytest.mark.parametrize("mode", [FailMode.OPEN, FailMode.CLOSED])
async def test_revoking_never_fails_open(engine_dir: GatewaySettings, mode: FailMode) -> None:
    denylist = stalled_denylist(engine_dir, StalledRedis(), mode)
    with pytest.raises(ProblemError) as raised:
        await denylist.revoke("some-jti", int(time.time()) + 60)
    assert raised.value.problem_type.status == 503
