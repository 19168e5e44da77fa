"""Recording canonical events durably; delivery lives in `delivery.py`.

A flow calls `await emit(data, source=…)` from its orchestration. The emit step writes
the CloudEvent to `flow_events` under a deterministic id (`run id + step`), so a retried
or recovered step records the event once, then hands it to the dispatcher, which starts
one delivery per subscriber (at-least-once, de-duplicated on event id).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from dbos import DBOS
from sqlalchemy import JSON, Column, Float, String, Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events import EVENT_TYPES, CloudEvent, EventData
from process_apis._runtime.engine import current_runtime
from process_apis._runtime.steps import run_id
from process_apis._runtime.store import metadata

events_table = Table(
    "flow_events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(64), nullable=False, index=True),
    Column("source", String(200), nullable=False),
    Column("subject", String(200), nullable=True),
    Column("run_id", String(200), nullable=True, index=True),
    Column("recorded_at", Float, nullable=False, index=True),
    Column("envelope", JSON, nullable=False),
)

_NAMESPACE = uuid.UUID("6f1d7c1e-3b0a-4c55-9a59-3c0e2b8f4a11")

Dispatcher = Callable[[CloudEvent], Awaitable[None]]
_dispatchers: list[Dispatcher] = []


def add_dispatcher(dispatcher: Dispatcher) -> None:
    """Register what happens to each recorded event (delivery to subscribers, streams)."""
    if dispatcher not in _dispatchers:
        _dispatchers.append(dispatcher)


def build_event(
    data: EventData, *, event_id: str, source: str, traceparent: str | None
) -> CloudEvent:
    """The CloudEvent envelope for `data`."""
    keys = data.business_keys()
    return CloudEvent(
        id=event_id,
        source=source,
        type=data.event_type,
        subject=next(iter(keys.values()), None),
        time=datetime.now(UTC),
        dataschema=f"/events/{data.event_type}.v{data.schema_version}.json",
        schemaversion=str(data.schema_version),
        traceparent=traceparent,
        businesskeys=json.dumps(keys, sort_keys=True),
        data=data.model_dump(mode="json"),
    )


async def record_event(store: AsyncEngine, event: CloudEvent, run: str | None) -> bool:
    """Store `event`; False if an event with its id was recorded before."""
    try:
        async with store.begin() as connection:
            await connection.execute(
                insert(events_table).values(
                    id=event.id,
                    type=event.type,
                    source=event.source,
                    subject=event.subject,
                    run_id=run,
                    recorded_at=time.time(),
                    envelope=event.model_dump(mode="json"),
                )
            )
    except IntegrityError:
        return False
    return True


async def dispatch(event: CloudEvent) -> None:
    """Hand a recorded event to every registered dispatcher."""
    for dispatcher in _dispatchers:
        await dispatcher(event)


@DBOS.step()
async def _emit_step(
    event_type: str, payload: dict[str, Any], source: str, trace: str | None
) -> str:
    data = EVENT_TYPES[event_type].model_validate(payload)
    current = run_id()
    event_id = str(uuid.uuid5(_NAMESPACE, f"{current}#{DBOS.step_id}"))
    event = build_event(data, event_id=event_id, source=source, traceparent=trace)
    await record_event(current_runtime().store, event, current)
    await dispatch(event)
    return event_id


async def emit(data: EventData, *, source: str, traceparent: str | None = None) -> str:
    """Record and dispatch a canonical event from a flow; returns the event id."""
    return await _emit_step(data.event_type, data.model_dump(mode="json"), source, traceparent)
