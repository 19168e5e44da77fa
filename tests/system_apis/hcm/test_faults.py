"""BambooHR misbehaving behind /system/hcm/v1: retries, throttling, hangs and schema drift."""

from __future__ import annotations

import time

from tests.system_apis.hcm.conftest import TIMEOUT_S, Hcm


async def test_intermittent_5xx_is_retried_to_success(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(error_next=2, error_status=500)
    response = await hcm.get("/workers/2")
    assert response.status_code == 200
    assert hcm.bamboohr.stats()["statuses"]["500"] == 2


async def test_503_counts_as_throttling_and_is_retried(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(error_next=1, error_status=503)
    assert (await hcm.get("/workers/2")).status_code == 200


async def test_429_storm_is_absorbed_by_backoff(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(storm=2, storm_retry_after_s=1)
    response = await hcm.get("/org-units")
    assert response.status_code == 200
    assert hcm.bamboohr.stats()["rate_limited"] >= 2


async def test_endless_5xx_becomes_503_with_retry_after(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(error_rate=1.0, error_status=502)
    response = await hcm.get("/workers/2")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["type"].endswith("/upstream-busy")


async def test_hung_upstream_is_504_in_time_and_frees_the_pool(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(hang_rate=1.0, hang_s=30)
    for _ in range(3):  # more than the pool's 2 connections
        started = time.monotonic()
        response = await hcm.get("/workers/2")
        assert response.status_code == 504
        assert time.monotonic() - started < TIMEOUT_S * 2
    hcm.bamboohr.clear_faults()
    assert (await hcm.get("/workers/2")).status_code == 200


async def test_extra_fields_are_tolerated(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(drift={"extra_fields": {"favouriteColour": "teal"}})
    response = await hcm.get("/workers/2")
    assert response.status_code == 200
    assert "favouriteColour" not in response.text


async def test_renamed_field_is_502_naming_it(hcm: Hcm) -> None:
    hcm.bamboohr.set_faults(drift={"rename_fields": {"firstName": "givenName"}})
    response = await hcm.get("/workers/2")
    assert response.status_code == 502
    problem = response.json()
    assert problem["type"].endswith("/upstream-schema-drift")
    assert problem["missing_fields"] == ["firstName"]
