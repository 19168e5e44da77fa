"""Background passes keep going after failures and stop when cancelled, however cancelled."""

from __future__ import annotations

import asyncio
import logging

import pytest

from process_apis._runtime.periodic import every, in_background

LOG = logging.getLogger("tests.periodic")
BOUND_S = 5.0


async def test_a_failed_pass_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    passes = 0
    third = asyncio.Event()

    async def work() -> None:
        nonlocal passes
        passes += 1
        if passes == 3:
            third.set()
        raise RuntimeError("the HCM is away")

    task = asyncio.create_task(every(0, work, log=LOG, failure="pass failed"))
    await asyncio.wait_for(third.wait(), BOUND_S)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, BOUND_S)
    assert [r.message for r in caplog.records][:2] == ["pass failed", "pass failed"]


@pytest.mark.parametrize("callee", ["swallows", "converts"])
async def test_a_cancel_the_pass_loses_still_stops_the_loop(
    callee: str, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()
    passes = 0

    async def work() -> None:
        # Like asyncio.wait_for on 3.11 when the cancel meets the inner call's completion,
        # or a library turning CancelledError into its own error.
        nonlocal passes
        passes += 1
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            if callee == "converts":
                raise RuntimeError("connection closed") from None

    task = asyncio.create_task(every(0, work, log=LOG, failure="pass failed"))
    await asyncio.wait_for(started.wait(), BOUND_S)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, BOUND_S)
    assert passes == 1
    assert not [r for r in caplog.records if r.message == "pass failed"]


async def test_waiting_first_runs_no_pass_before_the_interval() -> None:
    passes = 0

    async def work() -> None:
        nonlocal passes
        passes += 1

    task = asyncio.create_task(every(3600, work, log=LOG, failure="x", wait_first=True))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, BOUND_S)
    assert passes == 0


async def test_in_background_runs_the_work_with_the_block_and_stops_it_after() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with in_background(work()):
        await asyncio.wait_for(started.wait(), BOUND_S)
        assert not cancelled.is_set()
    assert cancelled.is_set()
    async with in_background(None):  # nothing to run: the block still runs
        pass
