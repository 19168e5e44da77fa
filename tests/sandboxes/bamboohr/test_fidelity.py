"""The BambooHR sandbox answers as BambooHR's own spec says, for every call the connector makes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI

from sandboxes.bamboohr.auth import DEMO_API_KEY
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.fixtures.vendor_specs import validate_exchange

AUTH = (DEMO_API_KEY, "x")
# openapi-core cannot check OAuth2 schemes (it warns); List Employees lists only OAuth2.
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning")


@pytest.fixture
def bamboohr(sandbox_server: SandboxServers) -> RunningSandbox:
    return sandbox_server("bamboohr")


@pytest.fixture
def http(bamboohr: RunningSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=bamboohr.url, auth=AUTH, headers={"Accept": "application/json"}, timeout=10
    ) as client:
        yield client


@pytest.fixture
def spec(vendor_spec: Callable[[str], OpenAPI]) -> OpenAPI:
    return vendor_spec("bamboohr")


def _checked(spec: OpenAPI, response: httpx.Response) -> Any:
    validate_exchange(spec, response.request, response)
    return response.json() if response.content else None


def test_list_employees_pages_with_after_cursor(http: httpx.Client, spec: OpenAPI) -> None:
    params: list[tuple[str, str]] = [("fields", "departmentId"), ("fields", "divisionName")]
    first = _checked(spec, http.get("/api/v1/employees", params=[*params, ("page[limit]", "90")]))
    assert len(first["data"]) == 90
    assert first["meta"]["total"] == 200
    assert first["data"][0]["divisionName"] == "Atrium Advisory Inc."
    seen = [row["employeeId"] for row in first["data"]]
    cursor = first["meta"]["page"]["nextCursor"]
    while cursor:
        page = _checked(
            spec,
            http.get(
                "/api/v1/employees",
                params=[*params, ("page[limit]", "90"), ("page[after]", cursor)],
            ),
        )
        seen += [row["employeeId"] for row in page["data"]]
        cursor = page["meta"]["page"]["nextCursor"]
    assert len(seen) == len(set(seen)) == 200


def test_list_employees_filters_by_status(http: httpx.Client, spec: OpenAPI) -> None:
    body = _checked(spec, http.get("/api/v1/employees", params={"filter[status]": "inactive"}))
    assert body["data"]
    assert {row["status"] for row in body["data"]} == {"Inactive"}


def test_get_employee_returns_requested_fields(http: httpx.Client, spec: OpenAPI) -> None:
    fields = "employeeNumber,firstName,lastName,jobTitleName,department,departmentId,reportsToId"
    body = _checked(spec, http.get("/api/v1/employees/2", params={"fields": fields}))
    assert body["id"] == "2"
    assert body["employeeNumber"] == "E0002"
    assert set(body) == {"id", *fields.split(",")}


def test_changed_employees_since(http: httpx.Client, spec: OpenAPI) -> None:
    body = _checked(
        spec, http.get("/api/v1/employees/changed", params={"since": "2026-09-01T00:00:00Z"})
    )
    assert body["employees"]
    assert all(c["lastChanged"] >= "2026-09-01" for c in body["employees"].values())


def test_time_off_requests_and_whos_out(http: httpx.Client, spec: OpenAPI) -> None:
    period = {"start": "2026-10-01", "end": "2026-10-31"}
    approved = _checked(
        spec, http.get("/api/v1/time_off/requests", params={**period, "status": "approved"})
    )
    assert approved
    assert {r["status"]["status"] for r in approved} == {"approved"}
    out = _checked(spec, http.get("/api/v1/time_off/whos_out", params=period))
    assert {e["id"] for e in out if e["type"] == "timeOff"} == {r["id"] for r in approved}


def test_list_fields_and_custom_report(http: httpx.Client, spec: OpenAPI) -> None:
    lists = _checked(spec, http.get("/api/v1/meta/lists"))
    assert {f["alias"] for f in lists} >= {"department", "division", "customCostCenter"}
    report = _checked(
        spec,
        http.post(
            "/api/v1/reports/custom",
            params={"format": "json"},
            json={"fields": ["employeeNumber", "customGrade"], "filters": {"employeeIds": [1, 3]}},
        ),
    )
    assert [row["id"] for row in report["employees"]] == ["1", "3"]


def test_create_update_and_job_row(http: httpx.Client, spec: OpenAPI) -> None:
    created = http.post(
        "/api/v1/employees",
        json={"firstName": "Ada", "lastName": "Byron", "employeeNumber": "E0999"},
    )
    _checked(spec, created)
    assert created.status_code == 201
    new_id = created.headers["location"].rsplit("/", 1)[-1]
    _checked(spec, http.post(f"/api/v1/employees/{new_id}", json={"customGrade": "G2"}))
    row = {"date": "2026-11-01", "jobTitle": "Analyst", "department": "Engineering"}
    _checked(spec, http.post(f"/api/v1/employees/{new_id}/tables/jobInfo", json=row))
    body = http.get(f"/api/v1/employees/{new_id}", params={"fields": "department,customGrade"})
    assert body.json() == {"id": new_id, "department": "Engineering", "customGrade": "G2"}
