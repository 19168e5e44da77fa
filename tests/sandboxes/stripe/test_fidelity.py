"""Each Stripe operation the connector uses, as the sandbox answers it, checked against spec3."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from openapi_core import OpenAPI

from tests.fixtures.stripe_spec import stripe_spec
from tests.fixtures.vendor_specs import load_document, response_errors, validate_exchange


@pytest.fixture
def spec() -> OpenAPI:
    load_document("stripe")  # skips (or fails in CI) when the vendor documents are absent
    return stripe_spec()


async def exchanges(stripe: httpx.AsyncClient) -> list[httpx.Response]:
    """One request per operation and outcome the connector relies on."""
    seen: list[httpx.Response] = []

    async def call(method: str, path: str, **kwargs: object) -> httpx.Response:
        response = await stripe.request(method, path, **kwargs)  # type: ignore[arg-type]
        seen.append(response)
        return response

    customers = await call("GET", "/v1/customers", params={"limit": 3})
    first = customers.json()["data"][0]
    await call("GET", "/v1/customers", params={"limit": 3, "starting_after": first["id"]})
    await call(
        "GET",
        "/v1/customers/search",
        params={"query": "metadata['customer_number']:'C0003'", "limit": 1},
    )
    await call("GET", f"/v1/customers/{first['id']}")
    created = await call(
        "POST",
        "/v1/customers",
        data={
            "name": "Acme",
            "email": "ap@acme.example",
            "tax_exempt": "none",
            "metadata[customer_number]": "C9999",
        },
        headers={"Idempotency-Key": "fidelity-1"},
    )
    await call(
        "POST",
        f"/v1/customers/{created.json()['id']}",
        data={"name": "Acme Ltd", "metadata[legal_entity]": ""},
    )
    await call(
        "POST",
        "/v1/invoiceitems",
        data={
            "customer": first["id"],
            "amount": "12345",
            "currency": first["currency"],
            "description": "Build",
            "period[start]": "1790000000",
            "period[end]": "1790800000",
            "metadata[project_code]": "PRJ-1",
        },
    )
    await call(
        "GET", "/v1/invoiceitems", params={"customer": first["id"], "pending": "true", "limit": 5}
    )
    draft = await call(
        "POST",
        "/v1/invoices",
        data={
            "customer": first["id"],
            "collection_method": "send_invoice",
            "days_until_due": "30",
            "auto_advance": "false",
            "pending_invoice_items_behavior": "include",
            "metadata[billing_period]": "2026-10",
        },
    )
    invoice_id = draft.json()["id"]
    await call(
        "GET", "/v1/invoices", params={"customer": first["id"], "status": "draft", "limit": 3}
    )
    await call("GET", "/v1/invoiceitems", params={"invoice": invoice_id})
    await call("GET", f"/v1/invoices/{invoice_id}")
    await call("GET", f"/v1/invoices/{invoice_id}/lines", params={"limit": 2})
    await call("POST", f"/v1/invoices/{invoice_id}/finalize", data={"auto_advance": "false"})
    await call("POST", f"/v1/invoices/{invoice_id}/finalize", data={"auto_advance": "false"})  # 400
    await call("POST", f"/v1/invoices/{invoice_id}/void")
    await call("GET", "/v1/customers/cus_missing")  # 404
    await call("POST", "/v1/invoiceitems", data={"customer": first["id"], "currency": "usd"})  # 400
    await call("GET", "/v1/customers", headers={"Authorization": "Bearer sk_test_wrong0000"})  # 401
    return seen


async def test_sandbox_answers_as_the_stripe_spec_says(
    stripe: httpx.AsyncClient, spec: OpenAPI
) -> None:
    seen = await exchanges(stripe)
    assert {r.status_code for r in seen} == {200, 400, 401, 404}
    for response in seen[:-2]:  # the last two send what Stripe's spec itself forbids
        validate_exchange(spec, response.request, response)
    for response in seen[-2:]:
        assert response_errors(spec, response.request, response) == []


async def test_rate_limited_answer_matches_the_spec(
    stripe: httpx.AsyncClient, spec: OpenAPI
) -> None:
    calls = [stripe.get("/v1/customers", params={"limit": 1}) for _ in range(30)]
    responses = await asyncio.gather(*calls)  # together: well inside one second
    limited = [r for r in responses if r.status_code == 429]
    assert len(limited) == 5, "test mode allows 25 reads a second"
    assert limited[0].json()["error"]["code"] == "rate_limit"
    assert int(limited[0].headers["retry-after"]) >= 1
    validate_exchange(spec, limited[0].request, limited[0])
    write = await stripe.post("/v1/customers", data={"name": "Writes count apart"})
    assert write.status_code == 200


async def test_the_check_catches_a_drifted_response(
    stripe: httpx.AsyncClient, spec: OpenAPI
) -> None:
    response = await stripe.get("/v1/customers", params={"limit": 1})
    body = response.json()
    del body["data"][0]["created"]
    drifted = httpx.Response(
        200, json=body, request=response.request, headers={"content-type": "application/json"}
    )
    assert response_errors(spec, response.request, drifted), json.dumps(body)[:200]
