"""A won deal end to end on the sandboxes: one of everything, and bad deals refused up front."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.process_apis.project_provisioning.conftest import (
    FLOW,
    Gateway,
    deal,
    employee_number,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
ERP, PSA, BILLING = "/system/erp/v1", "/system/psa/v1", "/system/billing/v1"


def _snapshot(gw: Gateway) -> dict[str, Any]:
    """Every document of every sandbox (what a write would change)."""
    return {
        role: {name: gw.store(role).all(name) for name in gw.store(role).collections()}
        for role in gw.sandboxes
    }


def _projects(gw: Gateway, code: str) -> list[dict[str, Any]]:
    return gw.store("psa").find("projects", code=code)


def _options(gw: Gateway, code: str) -> list[dict[str, Any]]:
    options = [o for c in gw.store("erp").all("tracking") for o in c["Options"]]
    return [o for o in options if o["Name"].startswith(f"{code} - ")]


async def test_provisions_one_of_everything_and_a_replay_joins_the_run(gw: Gateway) -> None:
    person = gw.resources_of("GB01")[0]
    body = deal("C9101", "PRJ-9101")
    body["roles"].append({"role": "architect", "employee_number": employee_number(person)})

    first = await gw.start(body, key="deal-C9101")
    again = await gw.start(body, key="deal-C9101")

    assert first.status_code == again.status_code == 202, first.text
    run_id = first.json()["id"]
    assert again.json()["id"] == run_id
    assert first.headers["Location"] == f"{FLOW}/runs/{run_id}"
    view = await gw.wait(run_id, "succeeded", "failed", "parked")
    assert view["status"] == "succeeded", view
    assert view["business_keys"] == {
        "deal_id": "D-PRJ-9101",
        "project_code": "PRJ-9101",
        "customer_number": "C9101",
    }
    contacts = gw.store("erp").find("contacts", ContactNumber="C9101")
    assert [(c["Name"], c["ContactStatus"]) for c in contacts] == [
        ("Brightwater C9101 Ltd", "ACTIVE")
    ]
    assert [o["Status"] for o in _options(gw, "PRJ-9101")] == ["ACTIVE"]
    clients = [c for c in gw.store("psa").all("clients") if c["name"].startswith("C9101 · ")]
    assert [c["currency"] for c in clients] == ["GBP"]
    (project,) = _projects(gw, "PRJ-9101")
    assert project["client_id"] == clients[0]["id"]
    assert project["budget"] == 400.0
    assert "cost centre CC-GB01-CON" in project["notes"]
    tasks = gw.store("psa").find("task_assignments", project_id=project["id"])
    assert sorted(t["hourly_rate"] for t in tasks) == [150.0, 175.5]
    staffed = gw.store("psa").find("user_assignments", project_id=project["id"])
    assert [(s["user_id"], s["hourly_rate"]) for s in staffed] == [(person["id"], None)]
    customers = [
        c
        for c in gw.store("billing").all("customers")
        if (c.get("metadata") or {}).get("customer_number") == "C9101"
    ]
    assert len(customers) == 1
    billing = await gw.read(f"{BILLING}/customers/C9101")
    assert (billing["payment_terms_days"], billing["tax_treatment"]) == (45, "standard")
    assert view["output"]["psa_project_id"] == str(project["id"])
    assert view["output"]["event_id"]
    names = [step["name"] for step in view["steps"]]
    assert names.index("upsert_erp_customer") < names.index("upsert_erp_project_dimension")
    assert names.index("create_psa_project") < names.index("upsert_billing_customer")
    assert names[-1] == "_emit_step"
    assert all(step["succeeded"] for step in view["steps"])


async def test_a_repeated_deal_converges_on_the_same_records(gw: Gateway) -> None:
    body = deal("C9102", "PRJ-9102", roles=[])
    first = await gw.wait(await gw.started(body), "succeeded", "failed", "parked")
    second = await gw.wait(await gw.started(body), "succeeded", "failed", "parked")

    assert first["status"] == second["status"] == "succeeded"
    assert first["id"] != second["id"]
    assert first["output"]["psa_project_id"] == second["output"]["psa_project_id"]
    assert len(_projects(gw, "PRJ-9102")) == 1
    assert len(_options(gw, "PRJ-9102")) == 1
    assert len(gw.store("erp").find("contacts", ContactNumber="C9102")) == 1


@pytest.mark.parametrize(
    ("change", "pointers"),
    [
        (
            {
                "currency": "USD",
                "project": {
                    "code": "PRJ-9103",
                    "name": "X",
                    "starts_on": "2026-11-02",
                    "ends_on": "2026-10-01",
                },
                "budget": {"amount": {"amount": "10.00", "currency": "EUR"}},
            },
            {"#/currency", "#/project/ends_on", "#/budget/amount/currency"},
        ),
        ({"legal_entity": "ZZ01"}, {"#/legal_entity"}),
        (
            {"project": {"code": "PRJ-0001", "name": "Someone else's", "starts_on": "2026-11-02"}},
            {"#/project/code"},
        ),
        ({"budget": {}}, {"#/budget"}),
    ],
    ids=["currency-dates-budget", "unknown-entity", "code-taken", "no-budget"],
)
async def test_refuses_a_bad_deal_at_once_and_writes_nothing(
    gw: Gateway, change: dict[str, Any], pointers: set[str]
) -> None:
    before = _snapshot(gw)

    response = await gw.start(deal("C9103", "PRJ-9103") | change)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/validation-failed")
    assert {e["pointer"] for e in problem["errors"]} == pointers
    assert _snapshot(gw) == before
    runs = await gw.read(f"{FLOW}/runs", key="deal_id:D-PRJ-9103")
    assert runs["items"] == []


async def test_a_code_claimed_by_another_deal_is_refused(gw: Gateway) -> None:
    await gw.started(deal("C9104", "PRJ-9104", cost_centre=None))  # parks: keeps the code

    response = await gw.start(deal("C9105", "PRJ-9104", deal_id="D-OTHER"))

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["pointer"] for e in errors] == ["#/project/code"]
    assert "D-PRJ-9104" in json.dumps(errors)
