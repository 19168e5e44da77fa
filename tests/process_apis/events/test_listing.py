"""`GET /events`: recorded events by type, business key, time recorded or id, newest first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.flows_events import (
    EventsGateway,
    emit_event,
    events_gateway,
    invoice,
    provisioned,
    wait_for,
)

READ = ("process.events:read",)


async def _listed(gw: EventsGateway, partner: str | None = None, **params: Any) -> dict[str, Any]:
    response = await gw.call("GET", "/events", scopes=READ, partner=partner, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _ids(gw: EventsGateway, **params: Any) -> list[str]:
    return [e["id"] for e in (await _listed(gw, **params))["items"]]


async def test_lists_newest_first_and_filters_by_type_key_id_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with events_gateway(tmp_path, monkeypatch) as gw:
        first = await emit_event(invoice(project="P-1001", customer="C0032"))
        second = await emit_event(provisioned(project="P-2002", customer="C0031"))
        third = await emit_event(invoice(project="P-3003", customer="C0031"))
        # Keys are indexed by the dispatcher, right after recording.
        await wait_for(lambda: _ids(gw, key="project_code:P-3003"), "P-3003's key indexed")

        every = await _listed(gw)
        by_type = await _ids(gw, type="invoice.issued")
        by_key = await _ids(gw, key="project_code:P-1001")
        by_id = await _ids(gw, id=[first, third, "missing"])
        paged = await _listed(gw, limit=2)
        rest = await _listed(gw, limit=2, offset=2)
        after = await _ids(gw, recorded_after=every["items"][1]["recorded_at"])

    assert [e["id"] for e in every["items"]] == [third, second, first]
    issued = every["items"][0]
    assert (issued["type"], issued["source"]) == ("invoice.issued", "/process/test/v1")
    assert issued["business_keys"]["project_code"] == "P-3003"
    assert issued["data"]["customer_number"] == "C0031"
    assert issued["run_id"]
    assert by_type == [third, first]
    assert by_key == [first]
    assert sorted(by_id) == sorted([first, third])
    assert ([e["id"] for e in paged["items"]], paged["next_offset"]) == ([third, second], 2)
    assert ([e["id"] for e in rest["items"]], rest["next_offset"]) == ([first], None)
    assert after == [third, second]


async def test_a_partner_sees_only_events_naming_its_customer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with events_gateway(tmp_path, monkeypatch) as gw:
        own = await emit_event(invoice(project="P-1001", customer="C0032"))
        await emit_event(invoice(project="P-2002", customer="C0031"))

        partner = await _listed(gw, partner="C0032")
        firm = await _listed(gw)

    assert [e["id"] for e in partner["items"]] == [own]
    assert len(firm["items"]) == 2


async def test_an_unknown_type_or_malformed_key_is_refused_and_the_scope_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with events_gateway(tmp_path, monkeypatch) as gw:
        unknown = await gw.call("GET", "/events", scopes=READ, params={"type": "nope"})
        malformed = await gw.call("GET", "/events", scopes=READ, params={"key": "no-colon"})
        refused = await gw.call("GET", "/events", scopes=("process.webhooks:read",))

    assert (unknown.status_code, malformed.status_code) == (422, 422)
    assert refused.status_code == 403
