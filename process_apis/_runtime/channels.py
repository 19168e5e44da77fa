"""What a delivery channel is: where events go (subscribers, webhooks, streams) and how hard to try.

A channel names its targets for an event (`targets`) and makes one attempt at a time
(`attempt`); `delivery.py` owns everything else (durable workflow per target, retries with
backoff, the delivery log, dead letters, replay). Target names are unique across channels:
subscriber names have no `_` or `:`, webhook subscriptions are `whs_…`, streams `stream:…`.
"""

from __future__ import annotations

import random
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import CloudEvent


class Outcome(StrEnum):
    """How one attempt ended."""

    DELIVERED = "delivered"
    FAILED = "failed"
    """Worth retrying."""
    GONE = "gone"
    """The target no longer exists or is switched off: stop, without a dead letter."""


class AttemptResult(BaseModel):
    """One attempt's outcome as the delivery log records it."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    status_code: int | None = None
    error: str | None = None


class RetryPolicy(BaseModel):
    """Bounded attempts with exponential backoff and jitter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_attempts: int = Field(default=5, ge=1, le=50)
    initial_backoff_s: float = Field(default=1.0, ge=0)
    max_backoff_s: float = Field(default=300.0, ge=0)
    multiplier: float = Field(default=2.0, ge=1)

    def delay_s(self, delivery_id: str, attempt: int) -> float:
        """The wait after failed `attempt`: exponential, capped, jittered into its upper half.

        The jitter is seeded by delivery and attempt: deliveries spread apart, yet a
        workflow replaying its history computes the same wait (no randomness in a flow).
        """
        base = min(self.max_backoff_s, self.initial_backoff_s * self.multiplier ** (attempt - 1))
        # S311: spreading retries, not a secret.
        return random.Random(f"{delivery_id}:{attempt}").uniform(base / 2, base)  # noqa: S311


class Channel(Protocol):
    """A kind of destination for events."""

    @property
    def name(self) -> str: ...

    @property
    def policy(self) -> RetryPolicy: ...

    async def targets(self, event: CloudEvent) -> list[str]:
        """The targets that should receive `event` now."""
        ...

    async def attempt(self, target: str, event: CloudEvent) -> AttemptResult:
        """Try once to hand `event` to `target`; may raise (counted as a failed attempt)."""
        ...


def describe(exc: BaseException) -> str:
    """An exception as one short line for the delivery log (no traceback, no payload)."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:300]
