"""Stripe's Idempotency-Key: first answer replayed; another payload under the same key refused."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from sandboxes.stripe import DEMO_SECRET_KEY, create_app


async def test_replays_the_first_response_for_the_same_key(stripe: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "key-1"}
    first = await stripe.post("/v1/customers", data={"name": "Acme"}, headers=headers)
    again = await stripe.post("/v1/customers", data={"name": "Acme"}, headers=headers)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    found = await stripe.get("/v1/customers/search", params={"query": "name:'Acme'"})
    assert len(found.json()["data"]) == 1


async def test_refuses_the_same_key_with_other_parameters(stripe: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "key-2"}
    await stripe.post("/v1/customers", data={"name": "Acme"}, headers=headers)
    other = await stripe.post("/v1/customers", data={"name": "Other"}, headers=headers)
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"


async def test_replays_an_executed_failure_but_not_a_validation_one(
    stripe: httpx.AsyncClient,
) -> None:
    customer = (await stripe.post("/v1/customers", data={"name": "Acme"})).json()
    invoice = (await stripe.post("/v1/invoices", data={"customer": customer["id"]})).json()
    await stripe.post(f"/v1/invoices/{invoice['id']}/finalize")
    headers = {"Idempotency-Key": "key-3"}
    failed = await stripe.post(f"/v1/invoices/{invoice['id']}/finalize", headers=headers)
    replayed = await stripe.post(f"/v1/invoices/{invoice['id']}/finalize", headers=headers)
    assert failed.status_code == replayed.status_code == 400
    assert replayed.headers["idempotent-replayed"] == "true"
    bad = {"Idempotency-Key": "key-4"}
    invalid = await stripe.post("/v1/customers", data={"tax_exempt": "sometimes"}, headers=bad)
    assert invalid.status_code == 400
    assert "idempotent-replayed" not in invalid.headers
    fixed = await stripe.post("/v1/customers", data={"tax_exempt": "sometimes"}, headers=bad)
    assert "idempotent-replayed" not in fixed.headers


async def test_keys_and_objects_survive_a_restart(stripe_app: FastAPI) -> None:
    auth = {"Authorization": f"Bearer {DEMO_SECRET_KEY}", "Idempotency-Key": "key-5"}
    transport = httpx.ASGITransport(app=stripe_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://s", headers=auth) as client:
        first = (await client.post("/v1/customers", data={"name": "Kept"})).json()
    stripe_app.state.store.close()
    restarted = create_app(stripe_app.state.store.path, seed=False)
    transport = httpx.ASGITransport(app=restarted)
    async with httpx.AsyncClient(transport=transport, base_url="http://s", headers=auth) as client:
        again = await client.post("/v1/customers", data={"name": "Kept"})
        assert again.json()["id"] == first["id"]
        assert (await client.get(f"/v1/customers/{first['id']}")).status_code == 200
    restarted.state.store.close()
