"""Rate limits at the edge, in-process with the in-memory counter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from limits.aio.storage import MemoryStorage

from gateway.edge.rate_limiter import FailMode, RateLimiter
from gateway.policy.rate_limits import load_rate_limits
from gateway.settings import GatewaySettings
from tests.fixtures.edge import EdgeGateway, edge_gateway, write_policies

PROBLEMS = "https://atrium.dev/problems/"
TIGHT = """
default_tier: standard
tiers:
  standard: ["3/minute", "100/hour"]
  partner: ["2/minute"]
route_groups:
  - name: writes
    methods: [POST, PATCH]
    limits:
      standard: ["1/minute"]
"""


@pytest.fixture
def tight_settings(settings: GatewaySettings, tmp_path: Path) -> GatewaySettings:
    policies = write_policies(tmp_path / "policies", TIGHT)
    return settings.model_copy(update={"policy_dir": policies})


@pytest.fixture
async def edge(tight_settings: GatewaySettings, edge_base: str) -> AsyncIterator[EdgeGateway]:
    async with edge_gateway(tight_settings, edge_base) as gateway:
        yield gateway


async def get_items(edge: EdgeGateway, token: str) -> httpx.Response:
    return await edge.http.get(f"{edge.base}/items", headers={"Authorization": f"Bearer {token}"})


async def test_responses_carry_ratelimit_policy_and_remaining_quota(edge: EdgeGateway) -> None:
    token = await edge.token()
    first, second = await get_items(edge, token), await get_items(edge, token)

    assert first.status_code == 200
    policy = '"standard.all.1m";q=3;w=60, "standard.all.1h";q=100;w=3600'
    assert first.headers["ratelimit-policy"] == policy
    assert first.headers["ratelimit"].startswith('"standard.all.1m";r=2;t=')
    assert '"standard.all.1h";r=99;t=' in first.headers["ratelimit"]
    assert second.headers["ratelimit"].startswith('"standard.all.1m";r=1;t=')


async def test_over_the_limit_answers_429_problem_with_retry_after(edge: EdgeGateway) -> None:
    token = await edge.token()
    for _ in range(3):
        assert (await get_items(edge, token)).status_code == 200
    refused = await get_items(edge, token)

    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["type"] == PROBLEMS + "rate-limited"
    assert body["violated_policies"] == ["standard.all.1m"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit"].startswith('"standard.all.1m";r=0;t=')
    assert refused.headers["ratelimit-policy"]


async def test_each_client_has_its_own_quota(edge: EdgeGateway) -> None:
    first, second = await edge.token(), await edge.token()
    for _ in range(3):
        await get_items(edge, first)
    assert (await get_items(edge, first)).status_code == 429
    assert (await get_items(edge, second)).status_code == 200


async def test_client_tier_selects_its_windows_and_unknown_tier_gets_the_default(
    edge: EdgeGateway,
) -> None:
    partner = await get_items(edge, await edge.token(tier="partner"))
    unknown = await get_items(edge, await edge.token(tier="no-such-tier"))

    assert partner.headers["ratelimit-policy"] == '"partner.all.1m";q=2;w=60'
    assert unknown.headers["ratelimit-policy"].startswith('"standard.all.1m";q=3;w=60')


async def test_route_group_counts_writes_in_their_own_bucket(edge: EdgeGateway) -> None:
    token = await edge.token()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{edge.base}/orders"
    created = await edge.http.post(url, json={"item": "a"}, headers=headers)
    refused = await edge.http.post(url, json={"item": "b"}, headers=headers)
    read = await get_items(edge, token)

    assert created.status_code == 201
    assert created.headers["ratelimit-policy"] == '"standard.writes.1m";q=1;w=60'
    assert refused.status_code == 429
    assert read.status_code == 200  # reads are counted apart from writes


async def test_unauthenticated_request_is_refused_before_it_is_counted(
    edge: EdgeGateway,
) -> None:
    for _ in range(5):
        response = await edge.http.get(f"{edge.base}/items")
        assert response.status_code == 401


class HangingStorage(MemoryStorage):
    """A counter that never answers, like a Redis stopped mid-request."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def acquire_entry(self, *args: Any, **kwargs: Any) -> bool:
        self.calls += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def hanging_limiter(
    settings: GatewaySettings, mode: FailMode
) -> tuple[RateLimiter, HangingStorage]:
    storage = HangingStorage()
    policy = load_rate_limits(settings.policy_dir / "rate_limits.yaml")
    limiter = RateLimiter(policy, storage, timeout_s=0.05, fail_mode=mode, cooldown_s=60.0)
    return limiter, storage


@pytest.mark.parametrize(("mode", "status"), [(FailMode.OPEN, 200), (FailMode.CLOSED, 503)])
async def test_stalled_counter_applies_the_fail_mode_within_the_timeout(
    tight_settings: GatewaySettings, edge_base: str, mode: FailMode, status: int
) -> None:
    limiter, storage = hanging_limiter(tight_settings, mode)
    async with edge_gateway(tight_settings, edge_base, {"rate_limiter": limiter}) as edge:
        token = await edge.token()
        responses = [await asyncio.wait_for(get_items(edge, token), timeout=5) for _ in range(5)]

    assert [r.status_code for r in responses] == [status] * 5
    # One attempt (both windows of the bucket at once); then the cooldown spares the counter.
    assert storage.calls == 2
    for response in responses:
        assert response.headers["ratelimit-policy"]
        assert "ratelimit" not in response.headers  # no count to report
    if mode is FailMode.CLOSED:
        assert responses[0].json()["type"] == PROBLEMS + "service-unavailable"
        assert responses[0].headers["retry-after"] == "1"
