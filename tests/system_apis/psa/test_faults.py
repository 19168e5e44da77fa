"""The PSA API when Harvest misbehaves: retries, backoff, timeouts, drift (over real HTTP)."""

from __future__ import annotations

import asyncio
import time

from tests.system_apis.psa.conftest import Psa

PROJECT = "14308001"


async def test_retries_through_intermittent_5xx(psa: Psa) -> None:
    psa.harvest.set_faults(error_next=2, error_status=502)
    response = await psa.get(f"/projects/{PROJECT}")
    assert response.status_code == 200
    assert psa.harvest.stats()["statuses"].get("502") == 2


async def test_persistent_5xx_becomes_503_with_retry_after(psa: Psa) -> None:
    psa.harvest.set_faults(error_rate=1.0, error_status=500)
    response = await psa.get(f"/projects/{PROJECT}")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert "500" not in response.json()["detail"]


async def test_absorbs_a_429_storm_by_honouring_retry_after(psa: Psa) -> None:
    psa.harvest.set_faults(storm=3, storm_retry_after_s=1)
    response = await psa.get("/customers", params={"limit": 5})
    assert response.status_code == 200
    assert psa.harvest.stats()["rate_limited"] == 3


async def test_hung_upstream_is_504_within_timeout_and_frees_the_pool(psa: Psa) -> None:
    psa.harvest.set_faults(hang_next=3, hang_s=20)
    started = time.monotonic()
    answers = await asyncio.gather(*(psa.get(f"/projects/{PROJECT}") for _ in range(3)))
    assert [a.status_code for a in answers] == [504, 504, 504]
    assert time.monotonic() - started < 5  # timeout 1.5 s, not retried
    # max_connections is 2 here: three timed-out calls must have given their connections back.
    assert (await psa.get(f"/projects/{PROJECT}")).status_code == 200


async def test_tolerates_an_extra_field(psa: Psa) -> None:
    psa.harvest.set_faults(drift={"extra_fields": {"brand_new": {"x": 1}}})
    response = await psa.get(f"/projects/{PROJECT}")
    assert response.status_code == 200
    assert "brand_new" not in response.text


async def test_reports_a_renamed_field_as_502_naming_it(psa: Psa) -> None:
    psa.harvest.set_faults(drift={"rename_fields": {"is_billable": "billable_flag"}})
    response = await psa.get(f"/projects/{PROJECT}")
    assert response.status_code == 502
    problem = response.json()
    assert problem["type"].endswith("/upstream-schema-drift")
    assert problem["missing_fields"] == ["is_billable"]
