"""Rate limits across real gateway processes sharing Redis, and under a stalled Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from gateway.database import create_engine, create_schema
from gateway.oauth.clients import create_client
from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder
from tests.fixtures.edge import SCOPE, write_policies
from tests.fixtures.processes import atrium_serve, redis_server

PROBLEMS = "https://atrium.dev/problems/"
EXACT = """
tiers:
  standard: ["100/minute"]
"""
GENEROUS = """
tiers:
  standard: ["1000000/minute"]
"""


def gateway_env(tmp: Path, folder: ApiFolder, redis_url: str, **extra: str) -> dict[str, str]:
    """Settings every process of one test shares: data, policies, issuer, Redis."""
    env = {
        "ATRIUM_DATA_DIR": str(tmp / "var"),
        # One issuer for every process (the default is each process's own address).
        "ATRIUM_ISSUER": "http://127.0.0.1",
        "ATRIUM_REDIS_URL": redis_url,
        "ATRIUM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(folder.root),
    }
    return env | {f"ATRIUM_{k.upper()}": v for k, v in extra.items()}


async def client_token(env: dict[str, str], url: str) -> str:
    settings = GatewaySettings(data_dir=Path(env["ATRIUM_DATA_DIR"]))
    engine = create_engine(settings)
    try:
        await create_schema(engine)
        credential = await create_client(engine, name="load", scopes=[SCOPE])
    finally:
        await engine.dispose()
    auth = httpx.BasicAuth(credential.client_id, credential.client_secret)
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=auth
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def test_limit_is_exact_across_two_processes_sharing_redis(
    tmp_path: Path, edge_base: str, api_folder: ApiFolder, redis_url: str
) -> None:
    # 250 requests at once per process queue on its event loop for longer than the
    # default counter and denylist timeouts, which would apply their fail modes; this
    # test is about exactness.
    env = gateway_env(
        tmp_path, api_folder, redis_url, rate_limit_timeout_s="10", denylist_timeout_s="10"
    )
    env["ATRIUM_POLICY_DIR"] = str(write_policies(tmp_path / "policies", EXACT))
    with ExitStack() as stack:
        first = stack.enter_context(atrium_serve(env, tmp_path / "first.log"))
        second = stack.enter_context(atrium_serve(env, tmp_path / "second.log"))
        token = await client_token(env, first)
        headers = {"Authorization": f"Bearer {token}"}
        limits = httpx.Limits(max_connections=100)
        async with (
            httpx.AsyncClient(base_url=first, limits=limits, timeout=30) as a,
            httpx.AsyncClient(base_url=second, limits=limits, timeout=30) as b,
        ):
            responses = await asyncio.gather(
                *(
                    (a if i % 2 else b).get(f"{edge_base}/items", headers=headers)
                    for i in range(500)
                )
            )

    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 100
    assert statuses.count(429) == 400
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) >= 1
            assert response.json()["type"] == PROBLEMS + "rate-limited"


async def _probe_livez(url: str, stop: asyncio.Event, latencies: list[float]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        while not stop.is_set():
            started = time.perf_counter()
            response = await http.get("/livez")
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200
            await asyncio.sleep(0.01)


Seen = list[tuple[float, float, httpx.Response]]


async def _load(
    url: str, path: str, stop: asyncio.Event, seen: Seen, token: str | None = None
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url, timeout=10, headers=headers) as http:
        while not stop.is_set():
            started = time.monotonic()
            response = await http.get(path)
            seen.append((started, time.monotonic(), response))


def _during(seen: Seen, stalled_at: float, resumed_at: float) -> list[httpx.Response]:
    """Responses to requests sent well into the stall and answered before it ended."""
    return [r for start, end, r in seen if start > stalled_at + 0.2 and end < resumed_at]


async def test_stalled_redis_keeps_livez_fast_and_applies_fail_closed(
    tmp_path: Path, edge_base: str, api_folder: ApiFolder
) -> None:
    with ExitStack() as stack:
        redis_url, redis = stack.enter_context(redis_server())
        env = gateway_env(
            tmp_path,
            api_folder,
            redis_url,
            # The production bounds (0.25 s): a tighter one fails healthy calls whenever this
            # 2-core machine is busy, and the 5 s stall dwarfs either.
            rate_limit_fail_mode="closed",
            rate_limit_timeout_s="0.25",
            rate_limit_cooldown_s="0.5",
            denylist_fail_mode="closed",
            denylist_timeout_s="0.25",
            denylist_cooldown_s="0.5",
        )
        env["ATRIUM_POLICY_DIR"] = str(write_policies(tmp_path / "policies", GENEROUS))
        url = stack.enter_context(atrium_serve(env, tmp_path / "gateway.log"))
        # The version's OpenAPI document is public: rate limited per address, no token,
        # so what this load sees is the rate limiter's own behaviour.
        path = f"{edge_base}/openapi.json"
        token = await client_token(env, url)
        stop = asyncio.Event()
        latencies: list[float] = []
        seen: Seen = []
        # Authenticated requests meet the revocation check (Redis) before the limiter.
        authed: Seen = []
        workers = [asyncio.create_task(_load(url, path, stop, seen)) for _ in range(2)]
        workers += [
            asyncio.create_task(_load(url, f"{edge_base}/items", stop, authed, token))
            for _ in range(2)
        ]
        prober = asyncio.create_task(_probe_livez(url, stop, latencies))
        await asyncio.sleep(0.5)
        os.kill(redis.pid, signal.SIGSTOP)
        stalled_at = time.monotonic()
        probes_before = len(latencies)
        await asyncio.sleep(5)
        stalled_latencies = latencies[probes_before:]
        os.kill(redis.pid, signal.SIGCONT)
        resumed_at = time.monotonic()
        recovered = await _recovery(seen, resumed_at, deadline_s=5)
        authed_recovered = await _recovery(authed, resumed_at, deadline_s=5)
        stop.set()
        await asyncio.gather(*workers, prober)

    stalled_latencies.sort()
    p99 = stalled_latencies[int(len(stalled_latencies) * 0.99) - 1]
    assert len(stalled_latencies) > 100
    assert p99 < 0.050, f"/livez p99 {p99 * 1000:.1f} ms while Redis was stopped"
    during = _during(seen, stalled_at, resumed_at)
    assert len(during) > 20
    assert {r.status_code for r in during} == {503}
    assert all(r.headers["retry-after"] for r in during)
    assert during[0].json()["type"] == PROBLEMS + "service-unavailable"
    assert recovered, "no request was counted again within 5 s of Redis resuming"
    # The denylist fails closed: every authenticated request is a 503 problem, never a 500.
    authed_during = _during(authed, stalled_at, resumed_at)
    assert len(authed_during) > 20
    assert {r.status_code for r in authed_during} == {503}
    assert all(int(r.headers["retry-after"]) >= 1 for r in authed_during)
    assert {r.json()["detail"] for r in authed_during} == {
        "Token revocation cannot be checked right now; retry shortly."
    }
    before = {r.status_code for _, end, r in authed if end < stalled_at}
    assert before == {200}, "authenticated requests failed while Redis was healthy"
    assert authed_recovered, "no authenticated request succeeded within 5 s of Redis resuming"


async def _recovery(seen: Seen, resumed_at: float, deadline_s: float) -> bool:
    """Whether a request started after Redis resumed was counted again (has RateLimit)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if any(start > resumed_at and "ratelimit" in r.headers for start, _, r in seen):
            return True
        await asyncio.sleep(0.05)
    return False
