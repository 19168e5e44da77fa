"""The vendor-spec fixture: loading, the local patches, base paths and exchange validation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI

from tests.fixtures import vendor_specs
from tests.fixtures.vendor_specs import (
    load_document,
    patch_form_deep_objects,
    patch_string_booleans,
    patch_type_null,
    spec_url,
    validate_exchange,
)

XERO_HEADERS = {
    "Authorization": "Bearer t",
    "xero-tenant-id": "00000000-0000-0000-0000-000000000001",
}


def test_string_booleans_become_booleans() -> None:
    doc = {"a": {"type": "boolean", "default": "false", "example": "true"}, "b": {"default": "x"}}
    assert patch_string_booleans(doc) == 2
    assert doc["a"] == {"type": "boolean", "default": False, "example": True}
    assert doc["b"] == {"default": "x"}


def test_type_null_becomes_nullable() -> None:
    doc = {"s": {"anyOf": [{"$ref": "#/x"}, {"type": "null"}]}}
    assert patch_type_null(doc) == 1
    assert doc["s"] == {"anyOf": [{"$ref": "#/x"}], "nullable": True}


def test_deep_object_fields_keep_their_object_branch_and_arrays_lose_encoding() -> None:
    form: dict[str, Any] = {
        "schema": {
            "properties": {
                "address": {"anyOf": [{"type": "object"}, {"enum": [""]}]},
                "tags": {"type": "array", "items": {"type": "string"}},
            }
        },
        "encoding": {"address": {"style": "deepObject"}, "tags": {"style": "deepObject"}},
    }
    doc = {"paths": {"/v1/x": {"post": {"requestBody": {"content": {
        "application/x-www-form-urlencoded": form}}}}}}  # fmt: skip
    assert patch_form_deep_objects(doc) == 2
    assert form["schema"]["properties"]["address"] == {"type": "object"}
    assert form["encoding"] == {"address": {"style": "deepObject"}}


def test_shared_copies_keep_their_defects_and_ours_do_not(
    vendor_spec: Callable[[str], OpenAPI],
) -> None:
    vendor_spec("xero")  # skips when the folder is missing
    assert patch_string_booleans(load_document("xero")) == 0
    assert patch_type_null(load_document("harvest")) == 0
    raw = (vendor_specs.specs_folder() / "xero/xero_accounting.yaml").read_text()
    assert 'default: "false"' in raw  # the shared file is never touched


@pytest.mark.parametrize(
    ("vendor", "path", "url"),
    [
        ("xero", "/api.xro/2.0/Contacts", "https://api.xero.com/api.xro/2.0/Contacts"),
        ("harvest", "/v2/projects/7", "https://api.harvestapp.com/v2/projects/7"),
        ("stripe", "/v1/customers", "https://api.stripe.com/v1/customers"),
        (
            "bamboohr",
            "/api/gateway.php/acme/v1/employees/directory",
            "https://companySubDomain.bamboohr.com/api/v1/employees/directory",
        ),
    ],
)
def test_sandbox_paths_map_onto_the_vendor_server(
    vendor_spec: Callable[[str], OpenAPI], vendor: str, path: str, url: str
) -> None:
    assert spec_url(vendor_spec(vendor), path) == url


def test_conforming_exchange_passes(vendor_spec: Callable[[str], OpenAPI]) -> None:
    request = httpx.Request(
        "GET", "http://127.0.0.1:8201/api.xro/2.0/Currencies", headers=XERO_HEADERS
    )
    response = httpx.Response(200, json={"Currencies": [{"Code": "USD", "Description": "US"}]})
    validate_exchange(vendor_spec("xero"), request, response)


def test_wrong_response_field_type_fails_naming_the_field(
    vendor_spec: Callable[[str], OpenAPI],
) -> None:
    request = httpx.Request(
        "GET", "http://127.0.0.1:8201/api.xro/2.0/Currencies", headers=XERO_HEADERS
    )
    response = httpx.Response(200, json={"Currencies": [{"Code": 12}]})
    with pytest.raises(AssertionError, match="Currencies/0/Code"):
        validate_exchange(vendor_spec("xero"), request, response)


def test_missing_required_header_fails(vendor_spec: Callable[[str], OpenAPI]) -> None:
    request = httpx.Request("GET", "http://127.0.0.1:8201/api.xro/2.0/Currencies")
    with pytest.raises(AssertionError, match="xero-tenant-id"):
        validate_exchange(vendor_spec("xero"), request)


def test_stripe_form_bodies_with_brackets_are_checked(
    vendor_spec: Callable[[str], OpenAPI],
) -> None:
    spec = vendor_spec("stripe")
    good = {"name": "A", "metadata[project]": "P1", "address[city]": "Leeds"}
    url, auth = "http://127.0.0.1:8204/v1/customers", {"Authorization": "Bearer sk_test_1"}
    validate_exchange(spec, httpx.Request("POST", url, data=good, headers=auth))
    bad = httpx.Request("POST", url, data={"balance": "lots"}, headers=auth)
    with pytest.raises(AssertionError, match="integer"):
        validate_exchange(spec, bad)


def test_missing_specs_skip_locally(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ATRIUM_VENDOR_SPECS", str(tmp_path / "nowhere"))
    monkeypatch.delenv("ATRIUM_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="ATRIUM_VENDOR_SPECS"):
        load_document("harvest")


def test_missing_specs_fail_when_services_are_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ATRIUM_VENDOR_SPECS", str(tmp_path / "nowhere"))
    monkeypatch.setenv("ATRIUM_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="missing"):
        load_document("harvest")
