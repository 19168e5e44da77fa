"""Revocation and the rate-limit count in one Redis round trip: same answers as asked apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from redis.exceptions import ConnectionError as RedisConnectionError

from gateway.edge.redis_windows import RedisWindows
from gateway.oauth.clients import create_client
from gateway.oauth.denylist import Denylist
from gateway.settings import GatewaySettings
from tests.fixtures.edge import SCOPE, EdgeGateway, edge_gateway, write_policies

PROBLEMS = "https://atrium.dev/problems/"
TWO_PER_MINUTE = """
tiers:
  standard: ["2/minute"]
"""


@pytest.fixture
def redis_settings(settings: GatewaySettings, tmp_path: Path, redis_url: str) -> GatewaySettings:
    policies = write_policies(tmp_path / "policies", TWO_PER_MINUTE)
    return settings.model_copy(update={"policy_dir": policies, "redis_url": SecretStr(redis_url)})


@pytest.fixture
async def edge(redis_settings: GatewaySettings, edge_base: str) -> AsyncIterator[EdgeGateway]:
    async with edge_gateway(redis_settings, edge_base) as gateway:
        yield gateway


@pytest.fixture
def denylist_not_asked_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if revocation takes a Redis round trip of its own."""

    async def separate_call(self: Denylist, jti: str) -> bool:
        raise AssertionError("the denylist was asked apart from the rate-limit count")

    monkeypatch.setattr(Denylist, "is_revoked", separate_call)


async def get_items(edge: EdgeGateway, token: str) -> httpx.Response:
    return await edge.http.get(f"{edge.base}/items", headers={"Authorization": f"Bearer {token}"})


async def credential_and_tokens(edge: EdgeGateway, count: int) -> tuple[httpx.BasicAuth, list[str]]:
    credential = await create_client(edge.engine, name="admission", scopes=[SCOPE])
    auth = httpx.BasicAuth(credential.client_id, credential.client_secret)
    tokens = []
    for _ in range(count):
        response = await edge.http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=auth
        )
        assert response.status_code == 200, response.text
        tokens.append(response.json()["access_token"])
    return auth, tokens


@pytest.mark.usefixtures("denylist_not_asked_apart")
async def test_counts_in_the_same_round_trip_as_the_revocation_check(edge: EdgeGateway) -> None:
    token = await edge.token()
    first, second, third = [await get_items(edge, token) for _ in range(3)]

    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert first.headers["ratelimit"].startswith('"standard.all.1m";r=1;t=')
    assert third.json()["type"] == PROBLEMS + "rate-limited"


@pytest.mark.usefixtures("denylist_not_asked_apart")
async def test_revoked_token_is_refused_and_counted_nowhere(edge: EdgeGateway) -> None:
    auth, (revoked, kept) = await credential_and_tokens(edge, 2)
    assert (await get_items(edge, revoked)).status_code == 200  # verified, and counted once
    response = await edge.http.post("/oauth/revoke", data={"token": revoked}, auth=auth)
    assert response.status_code == 200

    refusals = [await get_items(edge, revoked) for _ in range(3)]
    allowed = await get_items(edge, kept)

    for refused in refusals:
        assert refused.status_code == 401
        assert refused.json()["type"] == PROBLEMS + "invalid-token"
        assert "revoked" in refused.json()["detail"]
        assert "ratelimit" not in refused.headers
    assert allowed.status_code == 200
    assert allowed.headers["ratelimit"].startswith('"standard.all.1m";r=0;t=')


@pytest.mark.parametrize(
    ("denylist_mode", "status", "problem"),
    [("closed", 503, "service-unavailable"), ("open", 200, None)],
)
async def test_failed_round_trip_applies_each_side_its_fail_mode(
    redis_settings: GatewaySettings,
    edge_base: str,
    monkeypatch: pytest.MonkeyPatch,
    denylist_mode: str,
    status: int,
    problem: str | None,
) -> None:
    async def unreachable(self: RedisWindows, *args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("connection refused")

    settings = redis_settings.model_copy(
        update={"denylist_fail_mode": denylist_mode, "rate_limit_fail_mode": "open"}
    )
    async with edge_gateway(settings, edge_base) as edge:
        token = await edge.token()
        monkeypatch.setattr(RedisWindows, "hit", unreachable)
        response = await get_items(edge, token)

    assert response.status_code == status
    assert "ratelimit" not in response.headers  # the limiter had no count to report
    if problem is not None:
        assert response.json()["type"] == PROBLEMS + problem
        assert response.headers["retry-after"]
