"""Event delivery: one durable workflow per (event, target), retries, dead letters, replay.

Every recorded event is dispatched to each channel's targets: in-process subscribers
(`subscribers.py`), webhook subscriptions (`webhooks.py`) and, with Redis, the stream
(`streams.py`). Each (event, target) pair gets its own DBOS workflow with the id
`deliver:{event id}:{target}`, so a duplicate dispatch joins the existing delivery and
its effect happens once. The workflow attempts, waits with exponential backoff and
jitter (durable sleeps), and after the channel's `max_attempts` dead-letters the
delivery: its row turns `dead-lettered` and an exception (kind dead-letter, system
`events`) is opened for its owner. Other events are not held up: every pair is its own
workflow. Replay (by type, business key, time range) and redelivery start new
workflows `deliver:{event id}:{target}:replay-{n}`; a success retires the target's
earlier dead letters of that event and resolves their exceptions.

The emit step calls the dispatcher, and DBOS refuses to start a workflow from inside a
step, so deliveries are started in a fresh context (as top-level workflows) and awaited:
their rows exist before the emit step is checkpointed. A crash before that re-runs the
step, and the deterministic workflow ids absorb the repeat.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbos import DBOS, SetWorkflowID
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events import CloudEvent
from contracts.registry import settings_from
from process_apis._runtime.channels import AttemptResult, Channel, Outcome, RetryPolicy, describe
from process_apis._runtime.delivery_log import (
    DeliveryView,
    dead_lettered_targets,
    deliveries_so_far,
    get_delivery,
    log_attempt,
    mark_dead_lettered,
    open_delivery,
    supersede_dead_letters,
    workflow_id_for,
)
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.event_index import (
    EventSelection,
    index_event_keys,
    load_event,
    select_events,
)
from process_apis._runtime.events import add_dispatcher
from process_apis._runtime.exceptions import ExceptionKind, Trouble, open_exception
from process_apis._runtime.owners import load_owner_policy
from process_apis._runtime.streams import stream_channel
from process_apis._runtime.subscribers import lookup, subscribers_for
from process_apis._runtime.webhooks import webhook_channel

SUBSCRIBERS = "subscriber"


class EventSettings(BaseSettings):
    """In-process delivery and replay (`ATRIUM_EVENTS_*`)."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_EVENTS_")

    max_attempts: int = Field(default=5, ge=1, le=50, description="Then the dead-letter store.")
    initial_backoff_s: float = Field(default=1.0, ge=0)
    max_backoff_s: float = Field(default=300.0, ge=0)
    handler_timeout_s: float = Field(default=30.0, gt=0)
    replay_max_events: int = Field(default=500, ge=1, description="Events per replay request.")
    replay_rate_per_s: float = Field(
        default=20.0, gt=0, description="Replayed deliveries start at most this fast."
    )


@dataclass(frozen=True, slots=True)
class SubscriberChannel:
    """Deliveries to the in-process subscribers."""

    policy: RetryPolicy
    timeout_s: float
    name: str = SUBSCRIBERS

    async def targets(self, event: CloudEvent) -> list[str]:
        return [entry.name for entry in subscribers_for(event.type)]

    async def attempt(self, target: str, event: CloudEvent) -> AttemptResult:
        entry = lookup(target)
        if entry is None:
            return AttemptResult(
                outcome=Outcome.FAILED, error=f"no subscriber {target!r} in this process"
            )
        async with asyncio.timeout(self.timeout_s):
            await entry.handler(event)
        return AttemptResult(outcome=Outcome.DELIVERED)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the running deliveries share: the store, the channels, the settings."""

    store: AsyncEngine
    policy_dir: Path
    settings: EventSettings
    channels: dict[str, Channel]


_running: Delivery | None = None


def running() -> Delivery:
    """Event delivery as started with the flow runtime."""
    if _running is None:
        raise RuntimeError("event delivery is not running in this process")
    return _running


def channel(name: str) -> Channel | None:
    """A running channel by name (`subscriber`, `webhook`, `stream`)."""
    return running().channels.get(name)


class DeliveryJob(BaseModel):
    """A delivery workflow's input: the event, where it goes, how hard to try."""

    delivery_id: str
    event: dict[str, Any]
    channel: str
    target: str
    policy: RetryPolicy
    delay_s: float = 0.0


# Step retries cover the bookkeeping (a busy database), not the target: its failures are
# caught and become the attempt's outcome.
@DBOS.step(retries_allowed=True, max_attempts=3, interval_seconds=0.5)
async def attempt_delivery(job: dict[str, Any], attempt: int) -> dict[str, Any]:
    """One attempt, logged; a raising target is a failed attempt, not a failed workflow."""
    spec = DeliveryJob.model_validate(job)
    state = running()
    target_channel = state.channels.get(spec.channel)
    started = time.perf_counter()
    if target_channel is None:
        result = AttemptResult(
            outcome=Outcome.FAILED, error=f"channel {spec.channel!r} is not configured"
        )
    else:
        try:
            event = CloudEvent.model_validate(spec.event)
            result = await target_channel.attempt(spec.target, event)
        except Exception as exc:  # a target's failure is this attempt's outcome
            result = AttemptResult(outcome=Outcome.FAILED, error=describe(exc))
    duration_ms = int((time.perf_counter() - started) * 1000)
    await log_attempt(state.store, spec.delivery_id, attempt, result, duration_ms)
    if result.outcome is Outcome.DELIVERED:
        await supersede_dead_letters(state.store, spec.delivery_id)
    return result.model_dump(mode="json")


def _trace_id(traceparent: str | None) -> str | None:
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


@DBOS.step(retries_allowed=True, max_attempts=3, interval_seconds=0.5)
async def dead_letter(job: dict[str, Any], errors: list[str]) -> str:
    """Move the delivery to the dead-letter store and open its exception; returns the id."""
    spec = DeliveryJob.model_validate(job)
    state = running()
    event = CloudEvent.model_validate(spec.event)
    exception_id = "exc-" + hashlib.sha256(spec.delivery_id.encode()).hexdigest()[:20]
    keys = {str(k): str(v) for k, v in json.loads(event.businesskeys).items()}
    trouble = Trouble(
        error_type="event-undeliverable",
        title=f"{event.type} could not be delivered to {spec.target}"[:200],
        detail=f"{len(errors)} attempt(s) failed; last: {errors[-1] if errors else 'unknown'}",
        step=spec.channel,
        system="events",
        business_keys=keys,
        error_chain=errors[-10:],
        attempts=len(errors),
        data={
            "event_id": event.id,
            "event_type": event.type,
            "delivery_id": spec.delivery_id,
            "channel": spec.channel,
            "target": spec.target,
        },
    )
    await open_exception(
        state.store,
        load_owner_policy(state.policy_dir),
        exception_id=exception_id,
        kind=ExceptionKind.DEAD_LETTER,
        trouble=trouble,
        event_id=event.id,
        trace_id=_trace_id(event.traceparent),
    )
    await mark_dead_lettered(state.store, spec.delivery_id, exception_id)
    return exception_id


@DBOS.workflow()
async def deliver_event(job: dict[str, Any]) -> dict[str, Any]:
    """Deliver one event to one target: attempts with backoff, then the dead-letter store."""
    spec = DeliveryJob.model_validate(job)
    if spec.delay_s > 0:
        await DBOS.sleep_async(spec.delay_s)
    errors: list[str] = []
    for attempt in range(1, spec.policy.max_attempts + 1):
        result = AttemptResult.model_validate(await attempt_delivery(job, attempt))
        if result.outcome is not Outcome.FAILED:
            return {"delivery_id": spec.delivery_id, "outcome": result.outcome.value}
        errors.append(result.error or f"HTTP {result.status_code}")
        if attempt < spec.policy.max_attempts:
            await DBOS.sleep_async(spec.policy.delay_s(spec.delivery_id, attempt))
    exception_id = await dead_letter(job, errors)
    return {
        "delivery_id": spec.delivery_id,
        "outcome": "dead-lettered",
        "exception_id": exception_id,
    }


async def start_delivery(
    event: CloudEvent, target_channel: Channel, target: str, *, replay: int = 0, delay_s: float = 0
) -> str:
    """Record and start the delivery of `event` to `target` (joins it if already started)."""
    state = running()
    delivery_id = await open_delivery(
        state.store, event, channel=target_channel.name, target=target, replay=replay
    )
    job = DeliveryJob(
        delivery_id=delivery_id,
        event=event.model_dump(mode="json"),
        channel=target_channel.name,
        target=target,
        policy=target_channel.policy,
        delay_s=delay_s,
    )
    with SetWorkflowID(workflow_id_for(event.id, target, replay)):
        await DBOS.start_workflow_async(deliver_event, job.model_dump(mode="json"))
    return delivery_id


async def start_deliveries(event: CloudEvent) -> list[str]:
    """Start one delivery per target of every channel; returns the delivery ids."""
    state = running()
    await index_event_keys(state.store, event)
    started = []
    for target_channel in state.channels.values():
        for target in await target_channel.targets(event):
            started.append(await start_delivery(event, target_channel, target))
    return started


async def dispatch_to_channels(event: CloudEvent) -> None:
    """The dispatcher `events.emit` calls (inside its step): start the event's deliveries."""
    # A fresh context: DBOS would take these for children of the emit step and refuse.
    await asyncio.create_task(start_deliveries(event), context=contextvars.Context())


async def redeliver_to(
    event: CloudEvent, channel_name: str, target: str, *, delay_s: float = 0
) -> str:
    """Deliver `event` to `target` again under a new workflow id (`…:replay-{n}`)."""
    target_channel = channel(channel_name)
    if target_channel is None:
        raise LookupError(f"channel {channel_name!r} is not configured in this process")
    replay = await deliveries_so_far(running().store, event.id, target)
    return await start_delivery(event, target_channel, target, replay=replay, delay_s=delay_s)


async def redeliver(delivery_id: str) -> DeliveryView | None:
    """Redeliver what delivery `delivery_id` carried, to the same target; None if unknown.

    The exceptions API calls this to retry a dead letter.
    """
    store = running().store
    done = await get_delivery(store, delivery_id)
    event = None if done is None else await load_event(store, done.event_id)
    if done is None or event is None:
        return None
    new_id = await redeliver_to(event, done.channel, done.target)
    return await get_delivery(store, new_id)


class ReplayReport(BaseModel):
    """What a replay started."""

    matched_events: int = Field(description="Events selected (at most the limit).")
    deliveries: list[str] = Field(description="Ids of the deliveries started.")
    truncated: bool = Field(description="More events matched than the limit allowed.")


TargetFilter = Callable[[str, str], bool]
"""(channel, target) -> may this replay deliver there."""


async def _replay_targets(event: CloudEvent, dead_letters_only: bool) -> list[tuple[str, str]]:
    state = running()
    if dead_letters_only:
        return await dead_lettered_targets(state.store, event.id)
    pairs: list[tuple[str, str]] = []
    for target_channel in state.channels.values():
        pairs.extend((target_channel.name, t) for t in await target_channel.targets(event))
    return pairs


async def replay(
    selection: EventSelection, *, allowed: TargetFilter, dead_letters_only: bool, limit: int
) -> ReplayReport:
    """Redeliver the selected events (oldest first, at most `limit`) to the allowed targets.

    Starts are paced at `replay_rate_per_s`: each delivery sleeps its turn durably.
    """
    state = running()
    limit = min(limit, state.settings.replay_max_events)
    events = await select_events(state.store, selection, limit=limit + 1)
    started: list[str] = []
    for event in events[:limit]:
        for channel_name, target in await _replay_targets(event, dead_letters_only):
            if allowed(channel_name, target):
                delay = len(started) / state.settings.replay_rate_per_s
                started.append(await redeliver_to(event, channel_name, target, delay_s=delay))
    return ReplayReport(
        matched_events=min(len(events), limit), deliveries=started, truncated=len(events) > limit
    )


@asynccontextmanager
async def event_delivery(runtime: FlowRuntime) -> AsyncIterator[Delivery]:
    """Open the channels and take over dispatching recorded events; entered by the engine."""
    global _running  # noqa: PLW0603 - one delivery per process, like the DBOS engine itself
    settings = settings_from(EventSettings, runtime.context)
    policy = RetryPolicy(
        max_attempts=settings.max_attempts,
        initial_backoff_s=settings.initial_backoff_s,
        max_backoff_s=settings.max_backoff_s,
    )
    async with AsyncExitStack() as stack:
        channels: list[Channel] = [SubscriberChannel(policy, settings.handler_timeout_s)]
        channels.append(
            await stack.enter_async_context(webhook_channel(runtime.context, runtime.store))
        )
        stream = await stack.enter_async_context(stream_channel(runtime.context))
        if stream is not None:
            channels.append(stream)
        _running = Delivery(
            runtime.store, runtime.context.policy_dir, settings, {c.name: c for c in channels}
        )
        add_dispatcher(dispatch_to_channels)
        try:
            yield _running
        finally:
            _running = None
