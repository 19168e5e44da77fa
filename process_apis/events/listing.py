"""Listing recorded events: by type, business key, time recorded or id, newest first.

Reads `flow_events` (`_runtime/events.py`) and its key index (`_runtime/event_index.py`).
A partner client sees only the events that name its customer (`data.customer_number`),
the rule its webhook subscriptions follow.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncEngine

from process_apis._runtime.event_index import event_keys_table
from process_apis._runtime.events import events_table
from process_apis._runtime.query import stored_bound


class EventView(BaseModel):
    """A recorded event: its CloudEvent attributes, business keys, data, run and record time."""

    id: str
    type: str
    source: str
    subject: str | None = None
    time: datetime = Field(description="When the event happened (CloudEvents `time`).")
    recorded_at: datetime = Field(description="When it was recorded here.")
    run_id: str | None = Field(default=None, description="The flow run that emitted it.")
    traceparent: str | None = None
    schema_version: str
    business_keys: dict[str, str]
    data: dict[str, Any]


class EventSearch(BaseModel):
    """What a listing may narrow by; every field is optional."""

    event_type: str | None = None
    key: tuple[str, str] | None = None
    ids: list[str] = Field(default_factory=list)
    recorded_after: datetime | None = None
    recorded_before: datetime | None = None
    partner_id: str | None = None


def _conditions(search: EventSearch) -> list[ColumnElement[bool]]:
    table = events_table.c
    wanted: list[ColumnElement[bool]] = []
    if search.event_type is not None:
        wanted.append(table.type == search.event_type)
    if search.ids:
        wanted.append(table.id.in_(search.ids))
    if search.recorded_after is not None:
        wanted.append(table.recorded_at >= stored_bound(search.recorded_after))
    if search.recorded_before is not None:
        wanted.append(table.recorded_at < stored_bound(search.recorded_before))
    if search.partner_id is not None:
        customer = table.envelope[("data", "customer_number")].as_string()
        wanted.append(customer == search.partner_id)
    return wanted


def _view(row: Any) -> EventView:
    envelope = row.envelope
    return EventView(
        id=row.id,
        type=row.type,
        source=row.source,
        subject=row.subject,
        time=envelope["time"],
        recorded_at=datetime.fromtimestamp(row.recorded_at, tz=UTC),
        run_id=row.run_id,
        traceparent=envelope.get("traceparent"),
        schema_version=envelope["schemaversion"],
        business_keys=json.loads(envelope["businesskeys"]),
        data=envelope["data"],
    )


async def list_events(
    store: AsyncEngine, search: EventSearch, *, limit: int, offset: int
) -> tuple[list[EventView], int | None]:
    """Events matching `search`, newest first, and the offset of the next page (None: last)."""
    table = events_table
    query = select(table).order_by(table.c.recorded_at.desc(), table.c.id)
    if search.key is not None:
        keys = event_keys_table.c
        query = query.join(event_keys_table, keys.event_id == table.c.id).where(
            keys.name == search.key[0], keys.value == search.key[1]
        )
    conditions = _conditions(search)
    if conditions:
        query = query.where(*conditions)
    async with store.connect() as connection:
        rows = list(await connection.execute(query.limit(limit + 1).offset(offset)))
    more = len(rows) > limit
    return [_view(row) for row in rows[:limit]], offset + limit if more else None
