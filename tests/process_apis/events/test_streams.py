"""Redis Streams on the real Redis: each event appended once, readable by a consumer group."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import select

from contracts.events import CloudEvent
from process_apis._runtime.delivery_log import deliveries_table
from process_apis._runtime.events import dispatch
from tests.fixtures.flows_events import (
    EventsGateway,
    emit_event,
    events_gateway,
    invoice,
    wait_for,
)

pytestmark = pytest.mark.redis


@pytest.fixture
async def stream(redis_url: str) -> AsyncIterator[tuple[Redis, str]]:
    """A stream name of this test's own, deleted (with its guard keys) afterwards."""
    name = f"atrium-test-{uuid.uuid4().hex[:12]}.events"
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        yield client, name
    finally:
        keys = [key async for key in client.scan_iter(match=f"{name}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_each_event_is_appended_once_and_read_by_a_consumer_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str, stream: tuple[Redis, str]
) -> None:
    client, name = stream
    env = {"ATRIUM_STREAMS_NAME": name}
    async with events_gateway(tmp_path, monkeypatch, env, redis_url=redis_url) as gw:
        event_id = await emit_event(invoice())
        await wait_for(lambda: _length_is(client, name, 1), "the stream entry")
        [entry] = await client.xrange(name)
        envelope = json.loads(entry[1]["envelope"])

        await dispatch(CloudEvent.model_validate(envelope))  # a duplicate dispatch
        replay = await gw.call("POST", "/replays", json={"event_type": "invoice.issued"})
        await wait_for(lambda: _stream_deliveries_done(gw, 2), "the replayed stream delivery")

        await client.xgroup_create(name, "dashboards", id="0")
        read = await client.xreadgroup("dashboards", "worker-1", {name: ">"}, count=10)
        [(_, [(entry_id, fields)])] = read
        await client.xack(name, "dashboards", entry_id)
        pending = await client.xpending(name, "dashboards")

    assert await client.xlen(name) == 1
    assert (fields["id"], fields["type"], envelope["id"]) == (event_id, "invoice.issued", event_id)
    assert json.loads(fields["businesskeys"])["project_code"] == "P-1001"
    assert fields["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736")
    assert replay.status_code == 202
    assert pending["pending"] == 0


async def _length_is(client: Redis, name: str, length: int) -> bool:
    return bool(await client.xlen(name) == length)


async def _stream_deliveries_done(gw: EventsGateway, count: int) -> bool:
    async with gw.engine.connect() as connection:
        rows = list(
            await connection.execute(
                select(deliveries_table.c.status).where(deliveries_table.c.channel == "stream")
            )
        )
    return len(rows) == count and all(row.status == "delivered" for row in rows)
