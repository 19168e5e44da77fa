"""VendorConnector: retries only when idempotent, Retry-After honoured, errors classified, drift."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest
from pydantic import BaseModel

from system_apis._kit.breaker import BreakerState, CircuitBreaker
from system_apis._kit.connector import VendorConnector
from system_apis._kit.errors import (
    SchemaDriftError,
    VendorAuthError,
    VendorConflictError,
    VendorNotFoundError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorTimeoutError,
    VendorUnavailableError,
)
from system_apis._kit.quota import OutboundQuota
from system_apis._kit.retry import RetryPolicy

Handler = Callable[[httpx.Request], httpx.Response]
FAST = RetryPolicy(attempts=4, base_delay_s=0.001, max_delay_s=0.002, max_retry_after_s=0.05)


def connector(handler: Handler, **kwargs: object) -> VendorConnector:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://vendor")
    quota = OutboundQuota.build("acme", "t1", ["1000/second"], redis_url=None)
    options: dict[str, object] = {"retry": FAST, "rng": random.Random(1), **kwargs}
    return VendorConnector("acme", client, quota=quota, **options)  # type: ignore[arg-type]


def flaky(statuses: list[int], headers: dict[str, str] | None = None) -> tuple[Handler, list[int]]:
    calls: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        status = statuses[len(calls)] if len(calls) < len(statuses) else 200
        calls.append(status)
        return httpx.Response(status, json={"ok": status == 200}, headers=headers or {})

    return handle, calls


async def test_retries_idempotent_call_until_vendor_recovers() -> None:
    handle, calls = flaky([503, 502, 500])
    response = await connector(handle).send("GET", "/things", idempotent=True)
    assert response.status_code == 200
    assert calls == [503, 502, 500, 200]


async def test_does_not_retry_unkeyed_write() -> None:
    handle, calls = flaky([503])
    with pytest.raises(VendorUnavailableError):
        await connector(handle).send("POST", "/things", idempotent=False, json={})
    assert calls == [503]


async def test_gives_up_after_configured_attempts() -> None:
    handle, calls = flaky([500] * 10)
    with pytest.raises(VendorUnavailableError):
        await connector(handle).send("GET", "/things", idempotent=True)
    assert len(calls) == FAST.attempts


async def test_rate_limit_carries_retry_after_and_is_retried() -> None:
    handle, calls = flaky([429, 429], headers={"Retry-After": "0.01"})
    response = await connector(handle).send("GET", "/things", idempotent=True)
    assert response.status_code == 200
    assert calls == [429, 429, 200]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (404, VendorNotFoundError),
        (401, VendorAuthError),
        (403, VendorAuthError),
        (409, VendorConflictError),
        (400, VendorRejectedError),
        (422, VendorRejectedError),
    ],
)
async def test_fatal_statuses_are_classified_and_not_retried(status: int, error: type) -> None:
    handle, calls = flaky([status] * 5)
    with pytest.raises(error):
        await connector(handle).send("GET", "/things", idempotent=True)
    assert len(calls) == 1


async def test_timeout_is_not_retried() -> None:
    calls = []

    def hang(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(VendorTimeoutError):
        await connector(hang).send("GET", "/things", idempotent=True)
    assert calls == [1]


async def test_connection_errors_are_retriable() -> None:
    calls = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    response = await connector(refuse).send("GET", "/things", idempotent=True)
    assert response.status_code == 200
    assert len(calls) == 3


async def test_open_breaker_stops_calls_until_reset() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=10, clock=lambda: now[0])
    handle, calls = flaky([500] * 10)
    vendor = connector(handle, breaker=breaker, retry=RetryPolicy(attempts=1))
    for _ in range(2):
        with pytest.raises(VendorUnavailableError):
            await vendor.send("GET", "/x", idempotent=True)
    with pytest.raises(VendorRateLimitedError) as raised:
        await vendor.send("GET", "/x", idempotent=True)
    assert len(calls) == 2
    assert raised.value.retry_after_s == pytest.approx(10)
    now[0] = 11.0
    assert breaker.state is BreakerState.HALF_OPEN
    with pytest.raises(VendorUnavailableError):
        await vendor.send("GET", "/x", idempotent=True)  # the probe fails: open again
    assert breaker.state is BreakerState.OPEN


def test_breaker_closes_after_successful_probe() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=5, clock=lambda: now[0])
    breaker.record_failure()
    assert not breaker.allow()
    now[0] = 6
    assert breaker.allow()
    assert not breaker.allow()  # one probe at a time
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED


class Thing(BaseModel):
    id: int
    name: str


def test_parse_tolerates_extra_fields() -> None:
    vendor = connector(flaky([])[0])
    assert vendor.parse(Thing, {"id": 1, "name": "a", "new_field": True}).name == "a"


def test_parse_reports_missing_fields_as_drift() -> None:
    vendor = connector(flaky([])[0])
    with pytest.raises(SchemaDriftError) as raised:
        vendor.parse(Thing, {"id": 1, "title": "renamed"})
    assert raised.value.missing == ["name"]
