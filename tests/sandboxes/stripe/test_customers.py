"""The Stripe sandbox's customers: lists, search, create, update, auth."""

from __future__ import annotations

import base64

import httpx

from sandboxes.demo_firm import build_demo_firm
from sandboxes.stripe import DEMO_SECRET_KEY


async def test_lists_newest_first_through_every_page(stripe: httpx.AsyncClient) -> None:
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 15}
    while True:
        page = (await stripe.get("/v1/customers", params=params)).json()
        assert page["object"] == "list"
        assert page["url"] == "/v1/customers"
        seen += [c["id"] for c in page["data"]]
        if not page["has_more"]:
            break
        params["starting_after"] = page["data"][-1]["id"]
    created = (await stripe.get("/v1/customers", params={"limit": 100})).json()["data"]
    assert seen == [c["id"] for c in created]
    assert len(seen) == len(set(seen)) > 30
    numbers = [c["metadata"]["customer_number"] for c in created]
    assert numbers == sorted(numbers, reverse=True)


async def test_ending_before_pages_backwards(stripe: httpx.AsyncClient) -> None:
    everyone = (await stripe.get("/v1/customers", params={"limit": 100})).json()["data"]
    before = await stripe.get(
        "/v1/customers", params={"limit": 3, "ending_before": everyone[5]["id"]}
    )
    assert [c["id"] for c in before.json()["data"]] == [c["id"] for c in everyone[2:5]]
    assert before.json()["has_more"] is True


async def test_refuses_out_of_range_limit_and_unknown_cursor(stripe: httpx.AsyncClient) -> None:
    too_big = await stripe.get("/v1/customers", params={"limit": 101})
    assert too_big.status_code == 400
    assert too_big.json()["error"]["param"] == "limit"
    unknown = await stripe.get("/v1/customers", params={"starting_after": "cus_missing"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "resource_missing"


async def test_filters_by_email(stripe: httpx.AsyncClient) -> None:
    first = (await stripe.get("/v1/customers", params={"limit": 1})).json()["data"][0]
    found = await stripe.get("/v1/customers", params={"email": first["email"]})
    assert [c["id"] for c in found.json()["data"]] == [first["id"]]


async def test_search_finds_customer_by_metadata(stripe: httpx.AsyncClient) -> None:
    query = "metadata['customer_number']:'C0003'"
    result = (await stripe.get("/v1/customers/search", params={"query": query})).json()
    assert result["object"] == "search_result"
    assert [c["metadata"]["customer_number"] for c in result["data"]] == ["C0003"]


async def test_search_pages_with_next_page(stripe: httpx.AsyncClient) -> None:
    query = "metadata['legal_entity']:'US01' OR metadata['legal_entity']:'GB01'"
    first = (await stripe.get("/v1/customers/search", params={"query": query, "limit": 2})).json()
    assert first["has_more"] is True
    second = await stripe.get(
        "/v1/customers/search", params={"query": query, "limit": 2, "page": first["next_page"]}
    )
    assert {c["id"] for c in first["data"]}.isdisjoint({c["id"] for c in second.json()["data"]})


async def test_search_refuses_a_malformed_query(stripe: httpx.AsyncClient) -> None:
    for query in ("customer_number = 3", "name:'a' AND email:'b' OR phone:'c'", "metadata:'x'"):
        response = await stripe.get("/v1/customers/search", params={"query": query})
        assert response.status_code == 400, query
        assert response.json()["error"]["param"] == "query"


async def test_creates_and_updates_with_stripe_metadata_rules(stripe: httpx.AsyncClient) -> None:
    created = await stripe.post(
        "/v1/customers",
        data={"name": "Acme", "email": "ap@acme.example", "metadata[a]": "1", "metadata[b]": "2"},
    )
    assert created.status_code == 200
    customer = created.json()
    assert customer["id"].startswith("cus_")
    assert customer["currency"] is None
    updated = await stripe.post(
        f"/v1/customers/{customer['id']}", data={"email": "", "metadata[a]": "", "metadata[c]": "3"}
    )
    body = updated.json()
    assert body["email"] is None
    assert body["name"] == "Acme"
    assert body["metadata"] == {"b": "2", "c": "3"}
    cleared = await stripe.post(f"/v1/customers/{customer['id']}", data={"metadata": ""})
    assert cleared.json()["metadata"] == {}


async def test_refuses_unknown_parameters_and_json_bodies(stripe: httpx.AsyncClient) -> None:
    unknown = await stripe.post("/v1/customers", data={"nickname": "x"})
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_unknown",
        "doc_url": "https://stripe.com/docs/error-codes/parameter-unknown",
        "message": "Received unknown parameter: nickname",
        "param": "nickname",
    }
    as_json = await stripe.post("/v1/customers", json={"name": "x"})
    assert as_json.status_code == 400


async def test_missing_customer_is_404_resource_missing(stripe: httpx.AsyncClient) -> None:
    response = await stripe.get("/v1/customers/cus_nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"


async def test_authenticates_bearer_or_basic_and_refuses_others(stripe: httpx.AsyncClient) -> None:
    basic = base64.b64encode(f"{DEMO_SECRET_KEY}:".encode()).decode()
    ok = await stripe.get("/v1/customers", headers={"Authorization": f"Basic {basic}"})
    assert ok.status_code == 200
    assert ok.headers["request-id"].startswith("req_")
    assert ok.headers["stripe-version"] == "2023-08-16"
    wrong = await stripe.get("/v1/customers", headers={"Authorization": "Bearer sk_test_nope0000"})
    assert wrong.status_code == 401
    assert "sk_test_nope0000" not in wrong.text  # Stripe redacts the key it was given
    missing = await stripe.get("/v1/customers", headers={"Authorization": ""})
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "invalid_request_error"


async def test_unknown_url_answers_stripe_404(stripe: httpx.AsyncClient) -> None:
    response = await stripe.get("/v1/charges")
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith("Unrecognized request URL")


async def test_filters_by_created_range(stripe: httpx.AsyncClient) -> None:
    fresh = (await stripe.post("/v1/customers", data={"name": "New"})).json()
    since = {"created[gte]": fresh["created"], "limit": 100}
    recent = (await stripe.get("/v1/customers", params=since)).json()["data"]
    assert [c["id"] for c in recent] == [fresh["id"]]
    exact = await stripe.get("/v1/customers", params={"created": fresh["created"], "limit": 100})
    assert fresh["id"] in [c["id"] for c in exact.json()["data"]]
    bad = await stripe.get("/v1/customers", params={"created[since]": 1})
    assert bad.status_code == 400


async def test_refuses_expand_rather_than_ignoring_it(stripe: httpx.AsyncClient) -> None:
    response = await stripe.get("/v1/customers", params={"expand[]": "data.default_source"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "expand"


async def test_seed_leaves_out_the_customer_billing_never_got(stripe: httpx.AsyncClient) -> None:
    firm = build_demo_firm()
    missing = firm.absent_from("billing", "customer")
    assert missing
    for number in missing:
        query = f"metadata['customer_number']:'{number}'"
        found = await stripe.get("/v1/customers/search", params={"query": query})
        assert found.json()["data"] == []
    everyone = (await stripe.get("/v1/customers", params={"limit": 100})).json()["data"]
    assert len(everyone) == len(firm.customers) - len(missing)
