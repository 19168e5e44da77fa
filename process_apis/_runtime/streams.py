"""Redis Streams: every event is also appended to a stream for external consumers.

When the gateway has Redis (`ATRIUM_REDIS_URL`), each event is XADDed to the stream
`atrium.events` (`ATRIUM_STREAMS_NAME`; `ATRIUM_STREAMS_PER_TYPE=true` gives one stream
per type, `atrium.events.<type>`) by its own durable delivery, so a Redis outage delays
the stream without failing the flow that emitted the event, and a long one ends in the
dead-letter store like any other delivery. Each entry carries the envelope's scalar
attributes as fields plus the whole CloudEvent as JSON in `envelope`. An event is
appended once: a guard key per event id (kept `dedup_ttl_s`) makes a retried attempt a
no-op; consumers still de-duplicate on `id`, as for every delivery.

A consumer group reads each entry once per group, acknowledging what it processed:

    r = redis.Redis.from_url(url, decode_responses=True)
    r.xgroup_create("atrium.events", "billing-dashboard", id="0", mkstream=True)
    while True:
        for _, entries in r.xreadgroup("billing-dashboard", "worker-1",
                                       {"atrium.events": ">"}, count=100, block=5000):
            for entry_id, fields in entries:
                handle(json.loads(fields["envelope"]))     # idempotent on fields["id"]
                r.xack("atrium.events", "billing-dashboard", entry_id)

Entries a crashed consumer read but never acknowledged are claimed with `XAUTOCLAIM`;
history is replayed with `XRANGE` from any entry id (the stream keeps about `max_len`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from contracts.events import CloudEvent
from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.channels import AttemptResult, Outcome, RetryPolicy

CHANNEL = "stream"
_APPEND_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
end
return false
"""


class StreamSettings(BaseSettings):
    """Where events go in Redis (`ATRIUM_STREAMS_*`)."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_STREAMS_")

    name: str = Field(default="atrium.events", pattern=r"^[A-Za-z0-9._:-]{1,100}$")
    per_type: bool = False
    max_len: int = Field(default=100_000, ge=1, description="Approximate entries kept.")
    dedup_ttl_s: int = Field(default=86_400, ge=1)
    max_attempts: int = Field(default=10, ge=1, le=50)
    initial_backoff_s: float = Field(default=1.0, ge=0)
    max_backoff_s: float = Field(default=60.0, ge=0)


def stream_fields(event: CloudEvent) -> dict[str, str]:
    """The entry's fields: scalar attributes for routing, the envelope for everything else."""
    fields = {
        "id": event.id,
        "type": event.type,
        "source": event.source,
        "time": event.time.isoformat(),
        "schemaversion": event.schemaversion,
        "businesskeys": event.businesskeys,
    }
    if event.subject is not None:
        fields["subject"] = event.subject
    if event.traceparent is not None:
        fields["traceparent"] = event.traceparent
    fields["envelope"] = json.dumps(event.model_dump(mode="json"), separators=(",", ":"))
    return fields


@dataclass(frozen=True, slots=True)
class StreamChannel:
    """Appends events to Redis Streams."""

    redis: Redis
    append_once: AsyncScript
    settings: StreamSettings
    name: str = CHANNEL

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.settings.max_attempts,
            initial_backoff_s=self.settings.initial_backoff_s,
            max_backoff_s=self.settings.max_backoff_s,
        )

    def stream_for(self, event_type: str) -> str:
        name = self.settings.name
        return f"{name}.{event_type}" if self.settings.per_type else name

    async def targets(self, event: CloudEvent) -> list[str]:
        return [f"{CHANNEL}:{self.stream_for(event.type)}"]

    async def attempt(self, target: str, event: CloudEvent) -> AttemptResult:
        stream = target.removeprefix(f"{CHANNEL}:")
        arguments: list[str | int] = [self.settings.dedup_ttl_s, self.settings.max_len]
        for key, value in stream_fields(event).items():
            arguments.extend((key, value))
        await self.append_once(keys=[stream, f"{stream}:appended:{event.id}"], args=arguments)
        return AttemptResult(outcome=Outcome.DELIVERED)


@asynccontextmanager
async def stream_channel(ctx: RuntimeContext) -> AsyncIterator[StreamChannel | None]:
    """The stream channel when the gateway has Redis, else None."""
    if ctx.redis_url is None:
        yield None
        return
    settings = settings_from(StreamSettings, ctx)
    redis = Redis.from_url(ctx.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
    try:
        yield StreamChannel(redis, redis.register_script(_APPEND_ONCE), settings)
    finally:
        await redis.aclose()
