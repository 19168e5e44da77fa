"""The PSA API over real HTTP: gateway in-process, Harvest sandbox on loopback."""

from __future__ import annotations

from typing import Any

from tests.system_apis.psa.conftest import Psa


async def _all(psa: Psa, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(200):
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        response = await psa.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


async def test_lists_every_project_once_across_pages(psa: Psa) -> None:
    projects = await _all(psa, "/projects", 7)
    assert len(projects) == 60
    assert len({p["id"] for p in projects}) == 60
    assert all(p["provenance"]["system"] == "harvest" for p in projects)


async def test_filters_projects_by_status_customer_and_entity(psa: Psa) -> None:
    archived = await _all(psa, "/projects", 50, status="archived")
    assert archived
    assert all(p["status"] == "archived" for p in archived)
    mine = await _all(psa, "/projects", 50, customer_number="C0001")
    assert mine
    assert {p["customer_number"] for p in mine} == {"C0001"}
    dutch = await _all(psa, "/projects", 5, legal_entity="NL01")
    assert dutch
    assert {(p["legal_entity"], p["currency"]) for p in dutch} == {("NL01", "EUR")}


async def test_customer_get_and_unknown_id_is_404(psa: Psa) -> None:
    customers = await _all(psa, "/customers", 50)
    assert len(customers) == 40
    one = await psa.get(f"/customers/{customers[0]['id']}")
    assert one.status_code == 200
    assert one.json()["customer_number"] == customers[0]["customer_number"]
    missing = await psa.get("/customers/999")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/not-found")


async def test_creates_project_once_and_replays_by_code(psa: Psa) -> None:
    body = {
        "project_code": "PRJ-9001",
        "name": "Pricing engine",
        "customer_number": "C0002",
        "budget_hours": "120",
    }
    first = await psa.call("POST", "/projects", json=body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.text
    again = await psa.call("POST", "/projects", json=body, headers={"Idempotency-Key": "k2"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert len(psa.harvest.store.find("projects", code="PRJ-9001")) == 1
    clash = await psa.call("POST", "/projects", json=body | {"name": "Other"})
    assert clash.status_code == 409


async def test_updates_status_and_refuses_erp_owned_attributes(psa: Psa) -> None:
    project = (await psa.get("/projects", params={"limit": 1})).json()["items"][0]
    done = await psa.call("PATCH", f"/projects/{project['id']}", json={"status": "archived"})
    assert done.status_code == 200
    assert done.json()["status"] == "archived"
    refused = await psa.call("PATCH", f"/projects/{project['id']}", json={"legal_entity": "GB01"})
    assert refused.status_code == 409
    assert refused.json()["owners"] == {"legal_entity": "erp"}


async def test_vendor_validation_becomes_422_with_pointer(psa: Psa) -> None:
    taken = (await psa.get("/projects", params={"customer_number": "C0001"})).json()["items"][0]
    body = {"project_code": "PRJ-9002", "name": taken["name"], "customer_number": "C0001"}
    response = await psa.call("POST", "/projects", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["pointer"] == "#/name"
    assert "taken" not in response.text  # Harvest's wording stays inside


async def test_tasks_catalogue_and_project_tasks(psa: Psa) -> None:
    created = await psa.call("POST", "/tasks", json={"name": "Hypercare"})
    assert created.status_code == 201
    repeated = await psa.call("POST", "/tasks", json={"name": "Hypercare"})
    assert repeated.status_code == 200
    assert repeated.json()["id"] == created.json()["id"]
    project = (await psa.get("/projects", params={"limit": 1})).json()["items"][0]
    added = await psa.call(
        "POST", f"/projects/{project['id']}/tasks", json={"task_id": created.json()["id"]}
    )
    assert added.status_code == 201
    listed = await _all(psa, f"/projects/{project['id']}/tasks", 50)
    assert created.json()["id"] in {t["task_id"] for t in listed}


async def test_resources_hide_cost_rate_without_scope(psa: Psa) -> None:
    full = (await psa.get("/resources", params={"limit": 3})).json()["items"]
    assert all(r["cost_rate"] is not None for r in full)
    scopes = ["psa.resources:read"]
    hidden = (await psa.get("/resources", params={"limit": 3}, scopes=scopes)).json()["items"]
    assert [r["id"] for r in hidden] == [r["id"] for r in full]
    assert all(r["cost_rate"] is None and r["bill_rate"] is not None for r in hidden)


async def test_resource_update_writes_rates_once_and_refuses_identity(psa: Psa) -> None:
    resource = (await psa.get("/resources", params={"limit": 1})).json()["items"][0]
    body = {"cost_rate": "99.50", "weekly_capacity_hours": "32"}
    for _ in range(2):
        response = await psa.call("PATCH", f"/resources/{resource['id']}", json=body)
        assert response.status_code == 200, response.text
    assert response.json()["cost_rate"]["amount"] == "99.5"
    assert response.json()["weekly_capacity_hours"] == "32"
    history = psa.harvest.store.find("cost_rates", user_id=int(resource["id"]))
    assert len(history) == 2  # the seeded rate and one new one, not two
    refused = await psa.call("PATCH", f"/resources/{resource['id']}", json={"email": "x@y.z"})
    assert refused.status_code == 409
    assert refused.json()["owners"] == {"email": "hcm"}


async def test_assignment_lifecycle(psa: Psa) -> None:
    project = (await psa.get("/projects", params={"limit": 1})).json()["items"][0]
    resource = (await psa.get("/resources", params={"limit": 1})).json()["items"][0]
    base = f"/projects/{project['id']}/assignments"
    body = {"resource_id": resource["id"], "hourly_rate": "210"}
    created = await psa.call("POST", base, json=body)
    assert created.status_code in (200, 201), created.text
    assignment = created.json()
    assert assignment["hourly_rate"] == {"amount": "210.0", "currency": project["currency"]}
    changed = await psa.call("PATCH", f"{base}/{assignment['id']}", json={"budget_hours": "40"})
    assert changed.json()["budget_hours"] == "40.0"
    ended = await psa.call("POST", f"{base}/{assignment['id']}/end")
    assert ended.json()["active"] is False
    again = await psa.call("POST", base, json=body)
    assert again.status_code == 200
    assert again.json()["active"] is True
    listed = await _all(psa, "/assignments", 50, resource_id=resource["id"])
    assert assignment["id"] in {a["id"] for a in listed}


async def test_time_entries_filter_and_approval(psa: Psa) -> None:
    pending = (
        await psa.get("/time-entries", params={"approval_state": "pending", "limit": 1})
    ).json()["items"][0]
    query = {
        "project_id": pending["project_id"],
        "period_start": pending["spent_date"],
        "period_end": pending["spent_date"],
    }
    window = await _all(psa, "/time-entries", 2, **query)
    assert window
    assert all(e["spent_date"] == pending["spent_date"] for e in window)
    waiting = [e["id"] for e in window if e["approval_state"] == "pending"]
    body = {k: query[k] for k in ("project_id", "period_start", "period_end")}
    result = await psa.call("POST", "/time-entries/approvals", json=body)
    assert result.status_code == 200, result.text
    assert sorted(result.json()["approved"]) == sorted(waiting)
    replay = (await psa.call("POST", "/time-entries/approvals", json=body)).json()
    assert replay["approved"] == []
    assert sorted(replay["already_approved"]) == sorted(e["id"] for e in window)
    entry = (await psa.get(f"/time-entries/{pending['id']}")).json()
    assert entry["approval_state"] == "approved"
    assert entry["locked"] is True


async def test_partner_sees_only_its_customer(psa: Psa) -> None:
    projects = await _all(psa, "/projects", 50)
    mine = [p for p in projects if p["customer_number"] == "C0001"]
    other = next(p for p in projects if p["customer_number"] != "C0001")
    seen = (await psa.get("/projects", params={"limit": 50}, partner="C0001")).json()["items"]
    assert {p["id"] for p in seen} == {p["id"] for p in mine}
    assert (await psa.get(f"/projects/{other['id']}", partner="C0001")).status_code == 404
    entries = (await psa.get("/time-entries", params={"limit": 20}, partner="C0001")).json()
    assert entries["items"]
    assert {e["customer_number"] for e in entries["items"]} == {"C0001"}
    assert (await psa.get("/resources", partner="C0001")).status_code == 404


async def test_forged_cursor_is_422(psa: Psa) -> None:
    response = await psa.get("/projects", params={"cursor": "not-a-cursor"})
    assert response.status_code == 422
