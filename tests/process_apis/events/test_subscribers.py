"""The in-process subscriber registry and the retry policy's backoff."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.events import CloudEvent
from process_apis._runtime import subscribers
from process_apis._runtime.channels import RetryPolicy


async def _handler(event: CloudEvent) -> None:
    return None


async def _other(event: CloudEvent) -> None:
    return None


@pytest.fixture
def registered() -> Iterator[None]:
    yield
    for name in ("kpi.invoices", "kpi.all"):
        subscribers.unregister(name)


@pytest.mark.usefixtures("registered")
def test_subscribers_are_found_by_event_type_in_name_order() -> None:
    subscribers.register("kpi.invoices", ("invoice.issued",), _handler)
    subscribers.subscriber("kpi.all", "invoice.issued", "revenue.posted")(_other)

    names = [s.name for s in subscribers.subscribers_for("invoice.issued")]

    assert names == ["kpi.all", "kpi.invoices"]
    assert [s.name for s in subscribers.subscribers_for("revenue.posted")] == ["kpi.all"]
    assert subscribers.subscribers_for("worker.assignable") == []


@pytest.mark.usefixtures("registered")
def test_a_name_belongs_to_one_subscriber() -> None:
    subscribers.register("kpi.invoices", ("invoice.issued",), _handler)
    subscribers.register("kpi.invoices", ("invoice.issued",), _handler)  # the same: fine

    with pytest.raises(ValueError, match="already registered"):
        subscribers.register("kpi.invoices", ("invoice.issued",), _other)


@pytest.mark.parametrize("name", ["whs_abc", "stream:x", "Upper", ""])
def test_names_cannot_collide_with_other_targets(name: str) -> None:
    with pytest.raises(ValueError, match="must match"):
        subscribers.register(name, ("invoice.issued",), _handler)


def test_unknown_event_types_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        subscribers.register("kpi.typo", ("invoice.isued",), _handler)


def test_backoff_grows_exponentially_within_its_cap_with_deterministic_jitter() -> None:
    policy = RetryPolicy(initial_backoff_s=1, max_backoff_s=10, multiplier=2)

    delays = [policy.delay_s("dlv_a", attempt) for attempt in range(1, 7)]

    for attempt, delay in enumerate(delays, start=1):
        base = min(10, 2 ** (attempt - 1))
        assert base / 2 <= delay <= base
    assert delays == [policy.delay_s("dlv_a", attempt) for attempt in range(1, 7)]
    assert delays != [policy.delay_s("dlv_b", attempt) for attempt in range(1, 7)]
