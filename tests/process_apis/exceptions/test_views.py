"""Listing and filtering the queue: over HTTP on parked runs, and the SLA against a set clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from process_apis._runtime.exceptions import (
    ExceptionKind,
    ExceptionStatus,
    Trouble,
    exceptions_table,
    open_exception,
)
from process_apis._runtime.owners import OwnerPolicy, OwnerRule
from process_apis._runtime.store import open_store
from process_apis.exceptions.transitions import read_exception, transition
from process_apis.exceptions.views import ExceptionFilter, get_exception, list_exceptions
from tests.process_apis.exceptions.conftest import Queue

HOUR = 3600.0


async def test_filters_by_business_key_error_type_owner_kind_and_status(queue: Queue) -> None:
    _, first = await queue.parked("K-1", error_type="unknown-role", cohort="north")
    _, second = await queue.parked("K-2", error_type="missing-cost-centre", cohort="north")
    _, third = await queue.parked("K-3", error_type="unknown-role", cohort="south")
    await queue.act(third, "claim")

    def ids(page: dict[str, list[dict[str, str]]]) -> list[str]:
        return [item["id"] for item in page["items"]]

    assert ids(await queue.list(key="case:K-2")) == [second]
    assert ids(await queue.list(key=["cohort:north", "case:K-1"])) == [first]
    assert ids(await queue.list(key="cohort:north")) == [second, first]  # newest first
    assert ids(await queue.list(error_type="unknown-role")) == [third, first]
    assert ids(await queue.list(owner="finance")) == [second]
    assert ids(await queue.list(status="claimed")) == [third]
    assert ids(await queue.list(flow="exception-probe", kind="parked-run")) == [
        third,
        second,
        first,
    ]
    assert ids(await queue.list(kind="dead-letter")) == []
    assert ids(await queue.list(key="case:K-9")) == []


async def test_filters_by_creation_time_and_pages_newest_first(queue: Queue) -> None:
    made = [(await queue.parked(f"P-{n}"))[1] for n in range(3)]
    middle = await queue.get(made[1])
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

    first_page = await queue.list(limit=2)
    second_page = await queue.list(limit=2, offset=first_page["next_offset"])
    since_middle = await queue.list(created_after=middle["created_at"])
    before_middle = await queue.list(created_before=middle["created_at"])

    assert [i["id"] for i in first_page["items"]] == [made[2], made[1]]
    assert first_page["next_offset"] == 2
    assert [i["id"] for i in second_page["items"]] == [made[0]]
    assert second_page["next_offset"] is None
    assert [i["id"] for i in since_middle["items"]] == [made[2], made[1]]
    assert [i["id"] for i in before_middle["items"]] == [made[0]]
    assert (await queue.list(created_after=future))["items"] == []
    assert [i["id"] for i in (await queue.list(sla_breached=False))["items"]] == made[::-1]
    assert (await queue.list(sla_breached=True))["items"] == []


async def test_one_exception_shows_its_sla_due_time_and_redacted_data(queue: Queue) -> None:
    _, exception_id = await queue.parked("S-1", error_type="missing-cost-centre")

    view = await queue.get(exception_id)

    created = datetime.fromisoformat(view["created_at"])
    due = datetime.fromisoformat(view["sla_due_at"])
    assert due - created == timedelta(hours=8)  # finance's SLA for a missing cost centre
    assert view["sla_breached"] is False
    assert view["data"] == {"employee_number": None, "bill_rate": "[redacted]"}
    assert view["audit"][0]["action"] == "opened"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    yield engine
    await engine.dispose()


async def _open(store: AsyncEngine, exception_id: str, sla_hours: float) -> float:
    owners = OwnerPolicy(rules=(OwnerRule(owner="pmo", sla_hours=sla_hours),))
    await open_exception(
        store,
        owners,
        exception_id=exception_id,
        kind=ExceptionKind.PARKED_RUN,
        trouble=Trouble(error_type="probe", title="t", detail="d"),
    )
    return float((await read_exception(store, exception_id)).created_at)


async def test_sla_breach_counts_open_ones_past_due_and_ones_closed_late(
    store: AsyncEngine,
) -> None:
    created = await _open(store, "exc-short", sla_hours=1)
    await _open(store, "exc-long", sla_hours=10)
    await _open(store, "exc-closed-late", sla_hours=1)
    late = await read_exception(store, "exc-closed-late")
    async with transition(
        store, late, actor="me", action="cancelled", to=ExceptionStatus.CANCELLED, detail={}
    ):
        pass
    async with store.begin() as connection:  # it was closed two hours in, past its SLA
        await connection.execute(
            update(exceptions_table)
            .where(exceptions_table.c.id == "exc-closed-late")
            .values(updated_at=created + 2 * HOUR)
        )
    later = created + 3 * HOUR

    breached = await list_exceptions(
        store, ExceptionFilter(sla_breached=True), limit=10, offset=0, now=later
    )
    kept = await list_exceptions(
        store, ExceptionFilter(sla_breached=False), limit=10, offset=0, now=later
    )
    short = await get_exception(store, "exc-short", now=later)
    on_time = await get_exception(store, "exc-short", now=created + 0.5 * HOUR)

    assert sorted(i.id for i in breached.items) == ["exc-closed-late", "exc-short"]
    assert [i.id for i in kept.items] == ["exc-long"]
    assert short is not None
    assert short.sla_breached
    assert on_time is not None
    assert not on_time.sla_breached
