"""Partner webhooks end to end: subscriptions API, signed deliveries, retries, dead letters."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

from process_apis._runtime import ssrf
from tests.fixtures.flows_events import (
    LOOPBACK_RECEIVERS,
    EventsGateway,
    WebhookReceiver,
    emit_event,
    events_gateway,
    invoice,
    provisioned,
    wait_for,
    webhook_receiver,
)


def verify_standard_webhook(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """A receiver's check, written from the Standard Webhooks spec (not from our signer)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1) for s in headers["webhook-signature"].split(" ")]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in offered)


async def _subscribe(
    gw: EventsGateway, url: str, types: list[str], partner: str | None = None
) -> dict[str, Any]:
    response = await gw.call(
        "POST", "/subscriptions", partner=partner, json={"url": url, "event_types": types}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _log(gw: EventsGateway, subscription_id: str, partner: str | None = None) -> list[Any]:
    path = f"/subscriptions/{subscription_id}/deliveries"
    response = await gw.call("GET", path, partner=partner)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def test_partner_receives_its_own_customers_events_signed_per_standard_webhooks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with webhook_receiver() as (receiver, url):
        async with events_gateway(tmp_path, monkeypatch, LOOPBACK_RECEIVERS) as gw:
            created = await _subscribe(gw, url, ["invoice.issued"], partner="C0032")
            mine = await emit_event(invoice(customer="C0032"))
            await emit_event(invoice(project="P-9", customer="C0031"))
            await emit_event(provisioned(customer="C0032"))  # not subscribed to

            await wait_for(lambda: _delivered(gw, created["id"], "C0032"), "the delivery")
            [headers, body] = receiver.received[0]

    assert created["secret"].startswith("whsec_")
    assert len(receiver.received) == 1
    assert verify_standard_webhook(created["secret"], headers, body)
    assert not verify_standard_webhook("whsec_" + "A" * 44, headers, body)
    assert headers["webhook-id"] == mine
    assert headers["content-type"] == "application/cloudevents+json"
    event = json.loads(body)
    assert (event["id"], event["type"], event["data"]["customer_number"]) == (
        mine,
        "invoice.issued",
        "C0032",
    )
    assert event["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")


async def _delivered(gw: EventsGateway, subscription_id: str, partner: str) -> bool:
    return any(d["status"] == "delivered" for d in await _log(gw, subscription_id, partner))


async def test_failing_receiver_is_retried_with_backoff_then_dead_lettered_and_redelivered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        webhook_receiver(failures=2) as (flaky, flaky_url),
        webhook_receiver(failures=3) as (down, down_url),
    ):
        async with events_gateway(tmp_path, monkeypatch, LOOPBACK_RECEIVERS) as gw:
            recovers = await _subscribe(gw, flaky_url, ["invoice.issued"])
            fails = await _subscribe(gw, down_url, ["invoice.issued"])
            event_id = await emit_event(invoice())

            [dead] = await wait_for(lambda: _dead_letters(gw), "the dead letter")
            [ok] = await wait_for(lambda: _final(gw, recovers["id"]), "the recovered delivery")
            detail = await gw.call("GET", f"/subscriptions/{fails['id']}/deliveries/{dead['id']}")
            again = await gw.call(
                "POST", f"/subscriptions/{fails['id']}/deliveries/{dead['id']}/redeliver"
            )
            await wait_for(lambda: _no_dead_letters(gw), "the redelivery to retire it")
            log = await _log(gw, fails["id"])

    assert (ok["status"], ok["attempts"], ok["last_status_code"]) == ("delivered", 3, 204)
    assert len(flaky.received) == 3
    assert (dead["target"], dead["event_id"], dead["attempts"]) == (fails["id"], event_id, 3)
    attempts = detail.json()["attempt_log"]
    assert [(a["outcome"], a["status_code"]) for a in attempts] == [("failed", 503)] * 3
    assert again.status_code == 202, again.text
    assert again.json()["replay"] == 1
    assert again.headers["location"].endswith(f"/deliveries/{again.json()['id']}")
    assert [(d["status"], d["replay"]) for d in log] == [("delivered", 1), ("dead-lettered", 0)]
    assert log[1]["superseded_by"] == log[0]["id"]
    assert len(down.received) == 4
    assert {h["webhook-id"] for h, _ in down.received} == {event_id}


async def _dead_letters(gw: EventsGateway) -> list[Any] | None:
    items: list[Any] = (await gw.call("GET", "/dead-letters")).json()["items"]
    return items or None


async def _no_dead_letters(gw: EventsGateway) -> bool:
    return await _dead_letters(gw) is None


async def _final(gw: EventsGateway, subscription_id: str) -> list[Any] | None:
    log = await _log(gw, subscription_id)
    return log if log and all(d["status"] != "pending" for d in log) else None


REFUSED = [
    ("https://127.0.0.1/hook", "loopback"),
    ("https://10.20.30.40/hook", "private"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://[::1]/hook", "loopback"),
    ("https://[::ffff:127.0.0.1]/hook", "loopback"),
    ("https://localhost/hook", "loopback"),
    ("http://93.184.216.34/hook", "https"),
    ("https://user:secret@93.184.216.34/hook", "credentials"),
]


async def test_webhook_urls_reaching_inside_are_refused_at_creation_and_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusals: dict[str, tuple[int, Any]] = {}
    async with events_gateway(tmp_path, monkeypatch) as gw:
        for url, _ in REFUSED:
            response = await gw.call(
                "POST", "/subscriptions", json={"url": url, "event_types": ["invoice.issued"]}
            )
            refusals[url] = (response.status_code, response.json().get("errors"))
        listed = (await gw.call("GET", "/subscriptions")).json()["items"]

    for url, reason in REFUSED:
        status, errors = refusals[url]
        assert status == 422, url
        [error] = errors
        assert error["pointer"] == "#/url"
        assert reason in error["detail"], (url, error)
    assert listed == []


async def test_a_public_target_cannot_be_moved_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"hooks.partner.test": ["93.184.216.34"]}[host]

    monkeypatch.setattr(ssrf, "resolve", resolver)
    async with events_gateway(tmp_path, monkeypatch) as gw:
        created = await _subscribe(gw, "https://hooks.partner.test/atrium", ["invoice.issued"])
        moved = await gw.call(
            "PATCH", f"/subscriptions/{created['id']}", json={"url": "https://10.0.0.8/atrium"}
        )
        kept = await gw.call("GET", f"/subscriptions/{created['id']}")

    assert moved.status_code == 422
    assert kept.json()["url"] == "https://hooks.partner.test/atrium"


async def test_a_name_that_rebinds_to_loopback_is_refused_at_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"hooks.partner.test": ["93.184.216.34"]}

    async def resolver(host: str, port: int) -> list[str]:
        return answers[host]

    monkeypatch.setattr(ssrf, "resolve", resolver)
    with webhook_receiver() as (receiver, url):
        port = url.split(":")[2].split("/")[0]
        async with events_gateway(
            tmp_path, monkeypatch, {"ATRIUM_WEBHOOKS_ALLOW_HTTP": "true"}
        ) as gw:
            created = await _subscribe(
                gw, f"http://hooks.partner.test:{port}/hooks/atrium", ["invoice.issued"]
            )
            answers["hooks.partner.test"] = ["127.0.0.1"]  # the attacker's DNS changes its mind
            await emit_event(invoice())
            [dead] = await wait_for(lambda: _dead_letters(gw), "the refused delivery")

    assert dead["target"] == created["id"]
    assert dead["last_error"] == (
        "unsafe target: hooks.partner.test resolves to a loopback address (127.0.0.1)"
    )
    assert receiver.received == []


async def test_partners_see_and_change_only_their_own_subscriptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with events_gateway(tmp_path, monkeypatch, LOOPBACK_RECEIVERS) as gw:
        url = "http://127.0.0.1:9/hooks"
        mine = await _subscribe(gw, url, ["invoice.issued"], partner="C0032")
        theirs = await _subscribe(gw, url, ["project.provisioned"], partner="C0031")
        firm = await _subscribe(gw, url, ["worker.assignable"])
        path = f"/subscriptions/{theirs['id']}"

        listed = (await gw.call("GET", "/subscriptions", partner="C0032")).json()["items"]
        all_of_them = (await gw.call("GET", "/subscriptions")).json()["items"]
        peek = await gw.call("GET", path, partner="C0032")
        change = await gw.call("PATCH", path, partner="C0032", json={"active": False})
        remove = await gw.call("DELETE", path, partner="C0032")
        log = await gw.call("GET", f"{path}/deliveries", partner="C0032")
        worker_events = await gw.call(
            "POST",
            "/subscriptions",
            partner="C0032",
            json={"url": url, "event_types": ["worker.assignable"]},
        )
        still_there = await gw.call("GET", path, partner="C0031")

    assert [s["id"] for s in listed] == [mine["id"]]
    assert {s["id"] for s in all_of_them} == {mine["id"], theirs["id"], firm["id"]}
    assert [r.status_code for r in (peek, change, remove, log)] == [404] * 4
    assert worker_events.status_code == 422
    assert worker_events.json()["errors"][0]["pointer"] == "#/event_types"
    assert still_there.json()["active"] is True
    assert all("secret" not in s for s in listed + all_of_them)


async def test_subscription_lifecycle_pause_rotate_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with webhook_receiver() as (receiver, url):
        async with events_gateway(tmp_path, monkeypatch, LOOPBACK_RECEIVERS) as gw:
            created = await _subscribe(gw, url, ["invoice.issued"])
            path = f"/subscriptions/{created['id']}"
            paused = await gw.call("PATCH", path, json={"active": False, "description": "x"})
            await emit_event(invoice(project="P-paused"))
            resumed = await gw.call("PATCH", path, json={"active": True})
            rotated = await gw.call("POST", f"{path}/secret")
            await emit_event(invoice(project="P-resumed"))
            await wait_for(lambda: _received(receiver, 1), "the delivery after resuming")
            removed = await gw.call("DELETE", path)
            gone = await gw.call("GET", path)

    assert (paused.json()["active"], paused.json()["description"]) == (False, "x")
    assert resumed.json()["active"] is True
    new_secret = rotated.json()["secret"]
    assert new_secret != created["secret"]
    [(headers, body)] = receiver.received
    assert json.loads(body)["data"]["project_code"] == "P-resumed"
    assert verify_standard_webhook(new_secret, headers, body)
    assert not verify_standard_webhook(created["secret"], headers, body)
    assert removed.status_code == 204
    assert gone.status_code == 404


async def _received(receiver: WebhookReceiver, count: int) -> bool:
    return len(receiver.received) >= count
