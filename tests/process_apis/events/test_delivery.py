"""In-process subscribers: at-least-once delivery, de-duplication, dead letters, replay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts.events import CloudEvent
from process_apis._runtime import subscribers
from process_apis._runtime.delivery_log import deliveries_table
from process_apis._runtime.events import dispatch, events_table
from process_apis._runtime.exceptions import audit_table
from tests.fixtures.flows_events import (
    EventsGateway,
    emit_event,
    events_gateway,
    invoice,
    provisioned,
    wait_for,
)


class Ledger:
    """A subscriber that records event ids; `poisoned` makes it raise."""

    def __init__(self, *, poisoned: bool = False) -> None:
        self.poisoned = poisoned
        self.calls: list[str] = []

    async def __call__(self, event: CloudEvent) -> None:
        self.calls.append(event.id)
        if self.poisoned:
            raise ValueError(f"cannot book {event.type}")


@pytest.fixture
def ledgers() -> Iterator[tuple[Ledger, Ledger]]:
    """`test.poison` (raises on invoice.issued) and `test.ledger` (takes everything)."""
    poison, good = Ledger(poisoned=True), Ledger()
    subscribers.register("test.poison", ("invoice.issued",), poison)
    subscribers.register("test.ledger", ("invoice.issued", "project.provisioned"), good)
    yield poison, good
    subscribers.unregister("test.poison")
    subscribers.unregister("test.ledger")


async def _deliveries(gw: EventsGateway, event_id: str, target: str) -> list[str]:
    async with gw.engine.connect() as connection:
        rows = await connection.execute(
            select(deliveries_table.c.status).where(
                deliveries_table.c.event_id == event_id, deliveries_table.c.target == target
            )
        )
        return [row.status for row in rows]


async def test_poison_event_is_dead_lettered_after_n_attempts_without_blocking_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: tuple[Ledger, Ledger]
) -> None:
    poison, good = ledgers
    async with events_gateway(tmp_path, monkeypatch) as gw:
        bad_id = await emit_event(invoice())
        other_id = await emit_event(provisioned())

        async def dead_letters() -> list[dict[str, object]] | None:
            items = (await gw.call("GET", "/dead-letters")).json()["items"]
            return items or None

        [dead] = await wait_for(dead_letters, "the poison delivery to be dead-lettered")
        await wait_for(lambda: _has(good.calls, bad_id, other_id), "the healthy subscriber")

        assert (dead["event_id"], dead["target"], dead["attempts"]) == (bad_id, "test.poison", 3)
        assert poison.calls == [bad_id] * 3
        assert await _deliveries(gw, bad_id, "test.ledger") == ["delivered"]
        assert await _deliveries(gw, other_id, "test.ledger") == ["delivered"]
        [exception] = await gw.exceptions(bad_id)
        assert (exception.kind, exception.system, exception.status) == (
            "dead-letter",
            "events",
            "open",
        )
        assert exception.attempts == 3
        assert exception.error_chain == ["ValueError: cannot book invoice.issued"] * 3
        assert exception.business_keys["project_code"] == "P-1001"
        assert exception.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert exception.id == dead["exception_id"]


async def _has(calls: list[str], *ids: str) -> bool:
    return all(i in calls for i in ids)


async def test_replay_by_type_and_time_range_redelivers_the_dead_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: tuple[Ledger, Ledger]
) -> None:
    poison, good = ledgers
    async with events_gateway(tmp_path, monkeypatch) as gw:
        before = datetime.now(UTC) - timedelta(seconds=1)
        bad_id = await emit_event(invoice())
        await emit_event(provisioned())
        await wait_for(
            lambda: _statuses_are(gw, bad_id, "test.poison", ["dead-lettered"]), "dead letter"
        )
        await wait_for(lambda: _has(good.calls, bad_id), "the healthy subscriber")
        poison.poisoned = False  # the subscriber is fixed

        window = {
            "recorded_after": before.isoformat(),
            "recorded_before": (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
        }
        replay = await gw.call(
            "POST",
            "/replays",
            json={"event_type": "invoice.issued", "dead_letters_only": True, **window},
        )

        assert replay.status_code == 202, replay.text
        assert replay.json()["matched_events"] == 1
        assert len(replay.json()["deliveries"]) == 1
        await wait_for(lambda: _has(poison.calls[3:], bad_id), "the replayed delivery")
        await wait_for(
            lambda: _statuses_are(gw, bad_id, "test.poison", ["dead-lettered", "delivered"]),
            "the replay to be recorded as delivered",
        )
        assert good.calls.count(bad_id) == 1, "only the dead-lettered target is replayed"
        assert (await gw.call("GET", "/dead-letters")).json()["items"] == []
        [exception] = await gw.exceptions(bad_id)
        assert exception.status == "resolved"
        assert exception.resolution["action"] == "redelivered"
        async with gw.engine.connect() as connection:
            actions = await connection.execute(
                select(audit_table.c.action).where(audit_table.c.exception_id == exception.id)
            )
            assert [row.action for row in actions] == ["opened", "resolved"]


async def _statuses_are(gw: EventsGateway, event_id: str, target: str, expected: list[str]) -> bool:
    return sorted(await _deliveries(gw, event_id, target)) == sorted(expected)


async def test_replay_by_business_key_redelivers_to_every_current_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: tuple[Ledger, Ledger]
) -> None:
    poison, good = ledgers
    poison.poisoned = False
    async with events_gateway(tmp_path, monkeypatch) as gw:
        wanted = await emit_event(invoice(project="P-7"))
        other = await emit_event(invoice(project="P-8"))
        await wait_for(lambda: _has(good.calls, wanted, other), "first deliveries")

        replay = await gw.call("POST", "/replays", json={"key": "project_code:P-7"})

        assert replay.status_code == 202, replay.text
        assert (replay.json()["matched_events"], len(replay.json()["deliveries"])) == (1, 2)
        await wait_for(lambda: _count_is(good.calls, wanted, 2), "the replay to the ledger")
        await wait_for(lambda: _count_is(poison.calls, wanted, 2), "the replay to the other")
        assert good.calls.count(other) == 1


async def _count_is(calls: list[str], event_id: str, count: int) -> bool:
    return calls.count(event_id) == count


async def test_duplicate_dispatch_of_an_event_is_processed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: tuple[Ledger, Ledger]
) -> None:
    poison, good = ledgers
    poison.poisoned = False
    async with events_gateway(tmp_path, monkeypatch) as gw:
        event_id = await emit_event(provisioned())
        await wait_for(lambda: _has(good.calls, event_id), "the first delivery")
        async with gw.engine.connect() as connection:
            envelope = (
                await connection.execute(
                    select(events_table.c.envelope).where(events_table.c.id == event_id)
                )
            ).scalar_one()

        await dispatch(CloudEvent.model_validate(envelope))
        await dispatch(CloudEvent.model_validate(envelope))

        assert await _deliveries(gw, event_id, "test.ledger") == ["delivered"]
        assert good.calls == [event_id]


async def test_replay_needs_a_selector_and_partners_cannot_name_a_subscriber(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with events_gateway(tmp_path, monkeypatch) as gw:
        unbounded = await gw.call("POST", "/replays", json={"limit": 10})
        as_partner = await gw.call(
            "POST",
            "/replays",
            partner="C0032",
            json={"event_type": "invoice.issued", "subscriber": "kpi"},
        )
        unknown = await gw.call(
            "POST", "/replays", json={"event_type": "invoice.issued", "subscriber": "nobody"}
        )

    assert unbounded.status_code == 422
    assert as_partner.status_code == 422
    assert as_partner.json()["errors"][0]["pointer"] == "#/subscriber"
    assert unknown.status_code == 404


async def test_a_delivery_waiting_to_retry_survives_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: tuple[Ledger, Ledger]
) -> None:
    poison, _ = ledgers
    slow_retry = {"ATRIUM_EVENTS_INITIAL_BACKOFF_S": "1", "ATRIUM_EVENTS_MAX_BACKOFF_S": "1"}
    async with events_gateway(tmp_path, monkeypatch, slow_retry) as gw:
        event_id = await emit_event(invoice())
        await wait_for(lambda: _attempts_are(gw, event_id, 1), "the first failed attempt")
    poison.poisoned = False  # fixed while the gateway was down

    async with events_gateway(tmp_path, monkeypatch, slow_retry) as gw:
        await wait_for(
            lambda: _statuses_are(gw, event_id, "test.poison", ["delivered"]), "the recovery"
        )

    assert poison.calls == [event_id, event_id]


async def _attempts_are(gw: EventsGateway, event_id: str, attempts: int) -> bool:
    async with gw.engine.connect() as connection:
        found = await connection.execute(
            select(deliveries_table.c.attempts).where(
                deliveries_table.c.event_id == event_id,
                deliveries_table.c.target == "test.poison",
            )
        )
        return found.scalar_one_or_none() == attempts
