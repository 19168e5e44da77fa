"""The BambooHR sandbox's rules: Basic auth, error shape, throttling, state across restarts."""

from __future__ import annotations

from pathlib import Path

import httpx

from sandboxes.bamboohr import RATE_LIMITS, create_app
from sandboxes.bamboohr.auth import DEMO_API_KEY
from tests.fixtures.sandboxes import SandboxServers

AUTH = (DEMO_API_KEY, "x")


def test_refuses_wrong_api_key_with_bamboohr_error(sandbox_server: SandboxServers) -> None:
    server = sandbox_server("bamboohr")
    response = httpx.get(f"{server.url}/api/v1/employees/1", auth=("wrong", "x"))
    assert response.status_code == 401
    assert response.headers["x-bamboohr-error-message"] == "Invalid API key"
    assert response.json() == {"error": {"code": "Unauthorized", "message": "Invalid API key"}}


def test_unknown_employee_and_bad_cursor_are_vendor_errors(
    sandbox_server: SandboxServers,
) -> None:
    server = sandbox_server("bamboohr")
    with httpx.Client(base_url=server.url, auth=AUTH) as http:
        missing = http.get("/api/v1/employees/99999")
        bad_page = http.get("/api/v1/employees", params={"page[after]": "not-a-cursor"})
        no_period = http.get("/api/v1/time_off/requests")
    assert missing.status_code == 404
    assert missing.headers["x-bamboohr-error-message"] == "Employee not found"
    assert bad_page.status_code == 400
    assert bad_page.json()["error"]["code"] == "BadPage"
    assert no_period.status_code == 400


def test_invalid_field_value_names_the_field(sandbox_server: SandboxServers) -> None:
    server = sandbox_server("bamboohr")
    with httpx.Client(base_url=server.url, auth=AUTH) as http:
        taken = http.get("/api/v1/employees/1", params={"fields": "workEmail"}).json()["workEmail"]
        response = http.post("/api/v1/employees/2", json={"workEmail": taken})
        row = http.post(
            "/api/v1/employees/2/tables/jobInfo", json={"date": "2026-11-01", "department": "Nope"}
        )
    assert response.status_code == 409
    assert response.headers["x-bamboohr-error-message"] == "Invalid value for field: workEmail"
    assert row.status_code == 406


def test_throttles_per_api_key_with_retry_after(sandbox_server: SandboxServers) -> None:
    server = sandbox_server("bamboohr")
    budget = int(RATE_LIMITS[0].split("/")[0])
    with httpx.Client(base_url=server.url, auth=AUTH) as http:
        statuses = [http.get("/api/v1/meta/lists").status_code for _ in range(budget + 1)]
        refused = http.get("/api/v1/meta/lists")
    assert statuses[:budget] == [200] * budget
    assert statuses[budget] == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["code"] == "TooManyRequests"


async def test_state_survives_a_restart_and_reset_empties_it(tmp_path: Path) -> None:
    path = tmp_path / "bamboohr.db"
    first = create_app(path, seed=True)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=first), base_url="http://bamboohr.test", auth=AUTH
    ) as client:
        await client.post("/api/v1/employees/3", json={"customGrade": "G9"})
    first.state.store.close()
    second = create_app(path, seed=True)  # not empty: not seeded again
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=second), base_url="http://bamboohr.test", auth=AUTH
    ) as client:
        grade = await client.get("/api/v1/employees/3", params={"fields": "customGrade"})
        assert grade.json()["customGrade"] == "G9"
        assert (await client.post("/_sandbox/reset")).status_code == 204
        assert (await client.get("/api/v1/employees/3")).status_code == 404
    second.state.store.close()
