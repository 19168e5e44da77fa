"""Xero misbehaving behind the ERP API: retries, 429 storms, hangs and schema drift."""

from __future__ import annotations

import time

from tests.system_apis.erp.conftest import Erp

CUSTOMER = "/legal-entities/GB01/customers/C0019"


async def test_intermittent_5xx_is_retried_to_success(erp_fresh: Erp) -> None:
    assert (await erp_fresh.get("/legal-entities")).status_code == 200
    erp_fresh.xero.set_faults(error_next=2, error_status=503)
    response = await erp_fresh.get(CUSTOMER)
    assert response.status_code == 200
    assert erp_fresh.xero.stats()["statuses"]["503"] == 2


async def test_429_storm_is_absorbed_by_backoff(erp_fresh: Erp) -> None:
    assert (await erp_fresh.get("/legal-entities")).status_code == 200
    erp_fresh.xero.set_faults(storm=2, storm_retry_after_s=0)
    response = await erp_fresh.get(CUSTOMER)
    assert response.status_code == 200
    assert erp_fresh.xero.stats()["rate_limited"] == 2


async def test_5xx_beyond_the_retries_is_503_with_retry_after(erp_fresh: Erp) -> None:
    assert (await erp_fresh.get("/legal-entities")).status_code == 200
    erp_fresh.xero.set_faults(error_next=10, error_status=500)
    response = await erp_fresh.get(CUSTOMER)
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1


async def test_hung_xero_answers_504_within_the_timeout(erp_fresh: Erp) -> None:
    assert (await erp_fresh.get("/legal-entities")).status_code == 200
    erp_fresh.xero.set_faults(hang_next=1, hang_s=10)
    started = time.monotonic()
    response = await erp_fresh.get(CUSTOMER)
    assert response.status_code == 504
    assert time.monotonic() - started < 3.0  # ATRIUM_ERP_TIMEOUT_S is 1 s


async def test_extra_fields_are_tolerated_and_missing_ones_named(erp_fresh: Erp) -> None:
    assert (await erp_fresh.get("/legal-entities")).status_code == 200
    erp_fresh.xero.set_faults(drift={"extra_fields": {"BrandNewField": 1}})
    assert (await erp_fresh.get(CUSTOMER)).status_code == 200
    erp_fresh.xero.set_faults(drift={"rename_fields": {"ContactID": "ContactGuid"}})
    response = await erp_fresh.get(CUSTOMER)
    assert response.status_code == 502
    assert response.json()["type"].endswith("/upstream-schema-drift")
    assert "ContactID" in response.json()["detail"]
    assert "xero-sandbox-access-token" not in response.text
