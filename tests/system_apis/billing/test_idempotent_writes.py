"""Idempotency-Key end to end: concurrent duplicates through the gateway make one Stripe object."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from tests.system_apis.billing.conftest import Billing

# The internal tier's write budget is 50/second; the 100-at-once case against a counting
# test API is tests/gateway/edge/test_idempotency.py. Here the vendor itself is checked.
DUPLICATES = 50


def item(description: str) -> dict[str, object]:
    return {
        "customer_number": "C0001",
        "amount": {"amount": "125.00", "currency": "USD"},
        "description": description,
    }


async def test_concurrent_duplicates_create_one_vendor_object(billing: Billing) -> None:
    # The internal tier's rate limit lets 100 writes through at once: idempotency is under test.
    billing = Billing(billing.gateway, billing.sandbox, billing.base, billing.scopes, "internal")
    description = f"duplicate-proof {uuid.uuid4().hex[:8]}"
    headers = {"Idempotency-Key": f"dup-{uuid.uuid4()}"}
    await billing.token()  # issue the token first, so the duplicates start together
    responses = await asyncio.gather(
        *(
            billing.call("POST", "/invoice-items", json=item(description), headers=headers)
            for _ in range(DUPLICATES)
        )
    )
    statuses = Counter(r.status_code for r in responses)
    created = [
        d for d in billing.stripe.store.all("invoiceitems") if d["description"] == description
    ]
    assert len(created) == 1  # checked in the vendor, not in our own store
    assert set(statuses) <= {201, 409}, statuses
    replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    first = [r for r in responses if r.status_code == 201 and r not in replays]
    assert len(first) == 1
    assert all(r.json()["id"] == created[0]["id"] for r in replays)
    assert all(
        r.json()["type"].endswith("/idempotency-key-in-use")
        for r in responses
        if r.status_code == 409
    )


async def test_same_key_from_two_clients_runs_twice(billing: Billing) -> None:
    description = f"two-clients {uuid.uuid4().hex[:8]}"
    headers = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}
    firm = await billing.call("POST", "/invoice-items", json=item(description), headers=headers)
    other_scopes = (*billing.scopes, "billing.customers:read")  # a second client, same rights
    other = await billing.call(
        "POST", "/invoice-items", json=item(description), headers=headers, scopes=other_scopes
    )
    assert (firm.status_code, other.status_code) == (201, 201)
    assert "idempotent-replayed" not in other.headers
    created = [
        d for d in billing.stripe.store.all("invoiceitems") if d["description"] == description
    ]
    assert len(created) == 2
