"""In-process subscribers: named handlers for event types (flows triggered by events, KPIs).

    @subscriber("kpi.invoiced", "invoice.issued")
    async def count_invoice(event: CloudEvent) -> None: ...

Each (event, subscriber) pair is delivered by its own durable workflow (`delivery.py`):
at least once, retried with backoff, dead-lettered after the configured attempts. A
handler must therefore be idempotent on `event.id`; the workflow id
`deliver:{event id}:{subscriber}` already makes a duplicate dispatch run it once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from contracts.events import EVENT_TYPES, CloudEvent

Handler = Callable[[CloudEvent], Awaitable[None]]
NAME = re.compile(r"^[a-z][a-z0-9.-]{0,63}$")
"""Dots and dashes only: `whs_…` (webhooks) and `stream:…` name the other delivery targets."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A handler and the event types it wants."""

    name: str
    event_types: frozenset[str]
    handler: Handler

    def wants(self, event_type: str) -> bool:
        return event_type in self.event_types


_registry: dict[str, Subscriber] = {}


def register(name: str, event_types: tuple[str, ...], handler: Handler) -> Subscriber:
    """Add a subscriber; a name is registered once (re-registering the same handler is a no-op)."""
    if not NAME.match(name):
        raise ValueError(f"subscriber name {name!r} must match {NAME.pattern}")
    unknown = set(event_types) - set(EVENT_TYPES)
    if unknown or not event_types:
        raise ValueError(f"subscriber {name!r}: unknown or no event types {sorted(unknown)}")
    entry = Subscriber(name, frozenset(event_types), handler)
    existing = _registry.get(name)
    if existing is not None and existing != entry:
        raise ValueError(f"a different subscriber is already registered as {name!r}")
    _registry[name] = entry
    return entry


def unregister(name: str) -> None:
    """Remove a subscriber (events already dispatched to it find it gone)."""
    _registry.pop(name, None)


def subscriber(name: str, *event_types: str) -> Callable[[Handler], Handler]:
    """Decorator form of `register`."""

    def decorate(handler: Handler) -> Handler:
        register(name, event_types, handler)
        return handler

    return decorate


def lookup(name: str) -> Subscriber | None:
    return _registry.get(name)


def subscribers_for(event_type: str) -> list[Subscriber]:
    """The subscribers that want `event_type`, by name."""
    return sorted((s for s in _registry.values() if s.wants(event_type)), key=lambda s: s.name)
