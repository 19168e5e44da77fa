"""POST /customers: an ERP customer mirrored into the PSA (Harvest client), once per number."""

from __future__ import annotations

from collections.abc import Callable

from openapi_core import OpenAPI

from contracts.psa import CustomerCreate
from policies import POLICY_DIR
from system_apis._kit.policy_files import load_mapping
from system_apis.psa import mapping
from system_apis.psa.settings import PsaSettings
from system_apis.psa.v1.runtime import build_connector
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import validate_exchange
from tests.system_apis.psa.conftest import ALL_SCOPES, Psa
from tests.system_apis.psa.test_connector_fidelity import RecordingTransport

POLICY = mapping.MappingPolicy.from_dict(load_mapping(POLICY_DIR, "psa"))
WRITER = (*ALL_SCOPES, "psa.customers:write")


def test_client_body_keeps_the_number_in_the_name() -> None:
    body = mapping.from_canonical_customer(
        CustomerCreate(customer_number="C0901", name="Northwind Ltd", currency="GBP"), POLICY
    )

    assert body == {"name": "C0901 · Northwind Ltd", "currency": "GBP", "is_active": True}
    assert mapping.carries_number(body, "C0901", POLICY)


def test_a_number_the_name_pattern_cannot_read_back_is_noticed() -> None:
    body = mapping.from_canonical_customer(
        CustomerCreate(customer_number="c-lower", name="Lowercase", currency="USD"), POLICY
    )

    assert not mapping.carries_number(body, "c-lower", POLICY)


async def test_creates_a_customer_once_then_returns_it_unchanged(psa: Psa) -> None:
    body = {"customer_number": "C0901", "name": "Northwind Ltd", "currency": "GBP"}

    created = await psa.call("POST", "/customers", json=body, scopes=WRITER)
    again = await psa.call("POST", "/customers", json=body | {"name": "Renamed"}, scopes=WRITER)

    assert created.status_code == 201, created.text
    assert again.status_code == 200, again.text
    customer = created.json()
    assert again.json() == customer
    assert (customer["customer_number"], customer["name"], customer["currency"]) == (
        "C0901",
        "Northwind Ltd",
        "GBP",
    )
    assert customer["legal_entity"] == "GB01"
    clients = [c for c in psa.harvest.store.all("clients") if c["name"].startswith("C0901 ")]
    assert len(clients) == 1
    project = {"project_code": "PRJ-0901", "name": "Mirror check", "customer_number": "C0901"}
    created_project = await psa.call("POST", "/projects", json=project, scopes=WRITER)
    assert created_project.status_code == 201, created_project.text


async def test_an_existing_customer_is_returned_as_it_is(psa: Psa) -> None:
    body = {"customer_number": "C0001", "name": "Someone else", "currency": "EUR"}

    response = await psa.call("POST", "/customers", json=body, scopes=WRITER)

    assert response.status_code == 200, response.text
    assert response.json()["name"] != "Someone else"
    assert response.json()["currency"] == "USD"


async def test_a_number_the_psa_cannot_hold_is_refused(psa: Psa) -> None:
    body = {"customer_number": "lower-case", "name": "Lowercase", "currency": "USD"}

    response = await psa.call("POST", "/customers", json=body, scopes=WRITER)

    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == ["#/customer_number"]
    assert not [c for c in psa.harvest.store.all("clients") if c["name"] == "Lowercase"]


async def test_create_client_matches_harvest_spec(
    sandbox_server: SandboxServers, vendor_spec: Callable[[str], OpenAPI]
) -> None:
    spec = vendor_spec("harvest")
    sandbox = sandbox_server("harvest")
    recorder = RecordingTransport()
    harvest = build_connector(PsaSettings(base_url=sandbox.url + "/v2"), None, transport=recorder)
    try:
        created = await harvest.create_client({"name": "C0902 · Spec Ltd", "currency": "EUR"})
    finally:
        await harvest.aclose()

    assert (created.name, created.currency, created.is_active) == ("C0902 · Spec Ltd", "EUR", True)
    ((request, response),) = recorder.exchanges
    assert response.status_code == 201
    validate_exchange(spec, request, response)
