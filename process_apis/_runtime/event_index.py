"""The recorded events, searchable: business keys indexed, selection for replay by type, key, time.

`events.py` records each event in `flow_events`; the dispatcher indexes its business keys
here (`flow_event_keys`, one row per key) so a replay can select by key as well as by
type and time recorded.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Column, Index, String, Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events import CloudEvent
from process_apis._runtime.events import events_table
from process_apis._runtime.query import stored_bound
from process_apis._runtime.store import metadata

event_keys_table = Table(
    "flow_event_keys",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
    Index("ix_flow_event_keys_lookup", "name", "value"),
)


async def index_event_keys(store: AsyncEngine, event: CloudEvent) -> None:
    """Index `event`'s business keys for replay by key (once; repeats are ignored)."""
    keys = json.loads(event.businesskeys)
    if not keys:
        return
    # Reads before the write transaction: SQLite cannot upgrade a read snapshot that a
    # concurrent writer has moved past.
    async with store.connect() as connection:
        known = await connection.execute(
            select(event_keys_table.c.name).where(event_keys_table.c.event_id == event.id)
        )
        missing = set(keys) - {row.name for row in known}
    if not missing:
        return
    try:
        async with store.begin() as connection:
            await connection.execute(
                insert(event_keys_table),
                [{"event_id": event.id, "name": k, "value": str(keys[k])} for k in missing],
            )
    except IntegrityError:
        pass  # a concurrent dispatch of the same event indexed them


async def load_event(store: AsyncEngine, event_id: str) -> CloudEvent | None:
    async with store.connect() as connection:
        envelope = (
            await connection.execute(
                select(events_table.c.envelope).where(events_table.c.id == event_id)
            )
        ).scalar_one_or_none()
    return None if envelope is None else CloudEvent.model_validate(envelope)


class EventSelection(BaseModel):
    """Which recorded events a replay covers: by type, business key and time recorded."""

    event_type: str | None = None
    key: tuple[str, str] | None = None
    recorded_after: datetime | None = None
    recorded_before: datetime | None = None


async def select_events(
    store: AsyncEngine, selection: EventSelection, *, limit: int
) -> list[CloudEvent]:
    """Up to `limit` events matching `selection`, oldest first."""
    table = events_table
    query = select(table.c.envelope).order_by(table.c.recorded_at, table.c.id)
    if selection.event_type is not None:
        query = query.where(table.c.type == selection.event_type)
    if selection.recorded_after is not None:
        query = query.where(table.c.recorded_at >= stored_bound(selection.recorded_after))
    if selection.recorded_before is not None:
        query = query.where(table.c.recorded_at < stored_bound(selection.recorded_before))
    if selection.key is not None:
        keys = event_keys_table
        query = query.join(keys, keys.c.event_id == table.c.id).where(
            keys.c.name == selection.key[0], keys.c.value == selection.key[1]
        )
    async with store.connect() as connection:
        rows = await connection.execute(query.limit(limit))
        return [CloudEvent.model_validate(row.envelope) for row in rows]
