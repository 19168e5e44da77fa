"""The PSA API refuses what its schema refuses: no coercion of bodies or query dates."""

from __future__ import annotations

from tests.system_apis.psa.conftest import Psa


async def test_body_booleans_must_be_json_booleans(psa: Psa) -> None:
    coerced = await psa.call("POST", "/tasks", json={"name": "Audit", "billable_by_default": 0})
    assert coerced.status_code == 422, coerced.text
    assert coerced.json()["type"].endswith("/validation-failed")
    created = await psa.call("POST", "/tasks", json={"name": "Audit", "billable_by_default": False})
    assert created.status_code in (200, 201), created.text
    assert created.json()["billable_by_default"] is False


async def test_body_dates_must_be_iso_text(psa: Psa) -> None:
    body = {"project_id": "1", "period_start": 0, "period_end": "2026-10-31"}
    response = await psa.call("POST", "/time-entries/approvals", json=body)
    assert response.status_code == 422, response.text
    assert "period_start" in response.text


async def test_query_dates_must_be_iso_text(psa: Psa) -> None:
    for bad in ("0", "0.5", "20261001"):
        response = await psa.get("/time-entries", params={"period_start": bad})
        assert response.status_code == 422, (bad, response.text)
    ok = await psa.get("/time-entries", params={"period_start": "2026-10-01", "limit": 1})
    assert ok.status_code == 200, ok.text


async def test_literal_path_is_not_taken_for_an_id(psa: Psa) -> None:
    for method in ("OPTIONS", "GET"):
        response = await psa.call(method, "/time-entries/approvals")
        assert response.status_code == 405, (method, response.text)
        assert response.headers["Allow"] == "POST"
    templated = await psa.call("OPTIONS", "/time-entries/123")
    assert "GET" in templated.headers["Allow"].split(", ")
