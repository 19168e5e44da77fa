"""The billing connector under injected Stripe faults, over real HTTP."""

from __future__ import annotations

import time

from tests.system_apis.billing.conftest import Billing
from tests.system_apis.billing.test_api import ITEM


async def test_intermittent_5xx_is_retried_to_success(billing: Billing) -> None:
    billing.stripe.set_faults(error_next=2, error_status=502)
    response = await billing.get("/customers", params={"limit": 5})
    assert response.status_code == 200
    assert billing.stripe.stats()["statuses"]["502"] == 2


async def test_429_storm_is_absorbed_by_backoff(billing: Billing) -> None:
    billing.stripe.set_faults(storm=3, storm_retry_after_s=0)
    response = await billing.get("/invoices", params={"limit": 5})
    assert response.status_code == 200
    assert billing.stripe.stats()["rate_limited"] == 3


async def test_a_storm_outlasting_retries_is_503_with_retry_after(billing: Billing) -> None:
    billing.stripe.set_faults(storm=50, storm_retry_after_s=0)
    response = await billing.get("/invoices/in_anything")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert "rate_limit" not in response.text  # the vendor's error body stays inside


async def test_hung_upstream_is_504_in_time_and_frees_its_connection(billing: Billing) -> None:
    # The fixture sets a 1.5 s timeout and a pool of two connections: two hung calls that
    # leaked their connections would leave none for the third.
    billing.stripe.set_faults(hang_next=2, hang_s=30)
    for _ in range(2):
        started = time.monotonic()
        response = await billing.get("/invoices/in_anything/status")
        assert response.status_code == 504
        assert time.monotonic() - started < 5
    billing.stripe.clear_faults()
    assert (await billing.get("/customers", params={"limit": 1})).status_code == 200


async def test_dropped_write_is_retried_without_a_second_object(billing: Billing) -> None:
    billing.stripe.set_faults(drop_next=1, path_prefix="/v1/invoiceitems")
    before = billing.stripe.store.count("invoiceitems")
    response = await billing.call("POST", "/invoice-items", json=ITEM)
    assert response.status_code == 201, response.text
    assert billing.stripe.store.count("invoiceitems") == before + 1
    assert billing.stripe.stats()["injected"]["drop"] == 1


async def test_extra_vendor_fields_are_tolerated(billing: Billing) -> None:
    billing.stripe.set_faults(drift={"extra_fields": {"x_stripe_new": "yes"}})
    response = await billing.get("/invoices", params={"limit": 3})
    assert response.status_code == 200
    assert "x_stripe_new" not in response.text


async def test_a_renamed_vendor_field_is_a_502_naming_it(billing: Billing) -> None:
    billing.stripe.set_faults(drift={"rename_fields": {"amount_due": "amount_owed"}})
    invoice = billing.stripe.store.all("invoices")[0]
    response = await billing.get(f"/invoices/{invoice['id']}")
    assert response.status_code == 502
    problem = response.json()
    assert problem["type"].endswith("/upstream-schema-drift")
    assert problem["missing_fields"] == ["amount_due"]
